"""``validate``'s table for ratings: real vs replica on the held-out items, one row per measure."""

from __future__ import annotations

from typing import Any

from sandbox.kinds.ratings.twin import (
    END_SHARE_TOLERANCE,
    MAE_TOLERANCE,
    OFFSET_CORRELATION_GAP,
    OFFSET_SD_TOLERANCE,
    SD_TOLERANCE,
    TVD_MEANS_TOLERANCE,
    TVD_SDS_TOLERANCE,
)
from sandbox.kinds.ratings.validation import RatingsValidation, perfect_twin_correlation
from sandbox.reporting.tables import table


def _row(
    name: str, real: Any, replica: Any, difference: Any, tolerance: str, ok: bool | None
) -> dict[str, Any]:
    row = {
        "measure": name,
        "real": real,
        "replica": replica,
        "difference": difference,
        "tolerance": tolerance,
    }
    if ok is not None:
        row["verdict"] = "ok" if ok else "off"
    return row


def validation_table(result: RatingsValidation) -> str:
    """Real vs replica on the held-out items (shares of the range), with tolerances and verdicts."""
    verdict = result.within_tolerance
    real, replica = result.real, result.replica
    rows = [
        _row(
            "per-item means (histogram TVD)",
            None,
            None,
            result.tvd_item_means,
            f"<= {TVD_MEANS_TOLERANCE:g}",
            verdict["item_means"],
        ),
        _row(
            "per-item sds (histogram TVD)",
            None,
            None,
            result.tvd_item_sds,
            f"<= {TVD_SDS_TOLERANCE:g}",
            verdict["item_sds"],
        ),
        _row(
            "mean per-item sd",
            real.mean_item_sd,
            replica.mean_item_sd,
            replica.mean_item_sd - real.mean_item_sd,
            f"±{SD_TOLERANCE:g}",
            verdict["mean_item_sd"],
        ),
        _row(
            "share of ratings at the ends",
            real.end_share,
            replica.end_share,
            replica.end_share - real.end_share,
            f"±{END_SHARE_TOLERANCE:g}",
            verdict["end_share"],
        ),
        _row(
            "sd of rater offsets",
            real.offset_sd,
            replica.offset_sd,
            replica.offset_sd - real.offset_sd,
            f"±{OFFSET_SD_TOLERANCE:g}",
            verdict["offset_sd"],
        ),
        _row(
            "rater offsets, replica vs real (correlation)",
            perfect_twin_correlation(result.offset_reliability),
            result.offset_correlation,
            result.offset_correlation - perfect_twin_correlation(result.offset_reliability),
            f">= -{OFFSET_CORRELATION_GAP:g} (real: a right twin's)",
            verdict["offset_correlation"],
        ),
    ]
    if "mae" in verdict:
        rows += [
            _row(
                "MAE of the mean vs gold",
                real.mae_mean,
                replica.mae_mean,
                _gap(real.mae_mean, replica.mae_mean),
                f"±{MAE_TOLERANCE:g}",
                verdict["mae"],
            ),
            _row(
                "MAE of offset_scale vs gold",
                real.mae_offset_scale,
                replica.mae_offset_scale,
                _gap(real.mae_offset_scale, replica.mae_offset_scale),
                f"±{MAE_TOLERANCE:g}",
                verdict["mae"],
            ),
        ]
    title = (
        f"{result.dataset} (scale {result.scale}): fitted on {result.n_items_fit} items, replayed on "
        f"{result.n_items_test} held-out items ({result.seeds} split{'s' if result.seeds > 1 else ''}; "
        f"shares of the range) — {'within tolerance' if verdict['all'] else 'outside tolerance'}"
    )
    return title + "\n\n" + table(rows, ["measure", "real", "replica", "difference", "tolerance", "verdict"])


def _gap(real: float | None, replica: float | None) -> float | None:
    return None if real is None or replica is None else replica - real
