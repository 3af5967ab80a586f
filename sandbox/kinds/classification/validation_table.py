"""``validate``'s table: real vs replica on the held-out tasks, one row per measure."""

from __future__ import annotations

from typing import Any

from sandbox.kinds.classification.validation import (
    ACCURACY_TOLERANCE,
    TVD_TOLERANCE,
    WRONG_MAJORITY_TOLERANCE,
    Validation,
)
from sandbox.reporting.tables import table


def validation_table(result: Validation) -> str:
    """Real vs replica on the held-out tasks, one row per measure, with its tolerance and verdict."""
    verdict = result.within_tolerance
    real, replica = result.real, result.replica
    rows = [
        _measure("majority-vote accuracy", real.mv, replica.mv, f"±{ACCURACY_TOLERANCE:g}", verdict["mv"]),
        _measure("Dawid–Skene accuracy", real.ds, replica.ds, f"±{ACCURACY_TOLERANCE:g}", verdict["ds"]),
        _measure(
            "share of wrong majorities",
            real.wrong_majority_share,
            replica.wrong_majority_share,
            f"±{WRONG_MAJORITY_TOLERANCE:g}",
            verdict["wrong_majority"],
        ),
        {
            "measure": "majority-share histogram (TVD)",
            "difference": result.tvd_majority_share,
            "tolerance": f"<= {TVD_TOLERANCE:g}",
            "verdict": "ok" if verdict["majority_share"] else "off",
        },
        {
            "measure": "worker accuracy (KS statistic)",
            "difference": result.ks_worker_accuracy,
            "tolerance": "-",
        },
    ]
    title = (
        f"{result.dataset}: fitted on {result.n_tasks_fit} tasks, replayed on {result.n_tasks_test} held-out "
        f"tasks ({result.seeds} split{'s' if result.seeds > 1 else ''}) — "
        f"{'within tolerance' if verdict['all'] else 'outside tolerance'}"
    )
    return title + "\n\n" + table(rows, ["measure", "real", "replica", "difference", "tolerance", "verdict"])


def _measure(name: str, real: float, replica: float, tolerance: str, ok: bool) -> dict[str, Any]:
    return {
        "measure": name,
        "real": real,
        "replica": replica,
        "difference": replica - real,
        "tolerance": tolerance,
        "verdict": "ok" if ok else "off",
    }
