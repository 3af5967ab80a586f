"""``validate``'s table for a preference crowd: real vs replica on the held-out pairs, one row per
measure."""

from __future__ import annotations

from typing import Any

from sandbox.kinds.pairwise.validation import KS_TOLERANCE, SHARE_TOLERANCE, TVD_TOLERANCE, PairwiseValidation
from sandbox.reporting.tables import table


def validation_table(result: PairwiseValidation) -> str:
    """Real vs replica on the held-out pairs, one row per measure, with its tolerance and verdict."""
    verdict = result.within_tolerance
    real, replica = result.real, result.replica
    rows = [
        _measure("share of ties", real.tie_share, replica.tie_share, verdict["tie_share"]),
        _measure(
            "share of left picks (decisive)", real.left_share, replica.left_share, verdict["left_share"]
        ),
    ]
    if real.longer_share is not None and replica.longer_share is not None:
        rows.append(
            _measure(
                "share of longer picks (decisive)",
                real.longer_share,
                replica.longer_share,
                verdict["longer_share"],
            )
        )
    rows += [
        {
            "measure": "majority-share histogram (TVD)",
            "difference": result.tvd_majority_share,
            "tolerance": f"<= {TVD_TOLERANCE:g}",
            "verdict": "ok" if verdict["majority_share"] else "off",
        },
        {
            "measure": "mean rater agreement",
            "real": real.rater_agreement,
            "replica": replica.rater_agreement,
            "difference": replica.rater_agreement - real.rater_agreement,
            "tolerance": "-",
        },
        {
            "measure": "rater agreement (KS statistic)",
            "difference": result.ks_rater_agreement,
            "tolerance": f"<= {KS_TOLERANCE:g}",
            "verdict": "ok" if result.ks_rater_agreement <= KS_TOLERANCE else "off",
        },
    ]
    if real.accuracy is not None and replica.accuracy is not None:
        rows.append(
            {
                "measure": "Davidson accuracy on gold",
                "real": real.accuracy,
                "replica": replica.accuracy,
                "difference": replica.accuracy - real.accuracy,
                "tolerance": "-",
            }
        )
    title = (
        f"{result.dataset}: fitted on {result.n_pairs_fit} pairs, replayed on {result.n_pairs_test} held-out "
        f"pairs ({result.seeds} split{'s' if result.seeds > 1 else ''}) — "
        f"{'within tolerance' if verdict['all'] else 'outside tolerance'}"
    )
    return title + "\n\n" + table(rows, ["measure", "real", "replica", "difference", "tolerance", "verdict"])


def _measure(name: str, real: float, replica: float, ok: bool | None) -> dict[str, Any]:
    return {
        "measure": name,
        "real": real,
        "replica": replica,
        "difference": replica - real,
        "tolerance": f"±{SHARE_TOLERANCE:g}",
        "verdict": "ok" if ok else "off",
    }
