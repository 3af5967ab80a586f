"""What a ratings twin is judged on, shared by the fit that calibrates it and ``validate`` that checks
it: the shape of the held-out items' ratings (per-item means and standard deviations, ratings at the
scale's ends) and the tolerances of the verdict, in shares of the scale's range.

The tolerances come from two measurements (``benchmarks/validate_ratings.py`` prints both; 5 splits
each, largest gap seen): how much two random halves of the same real crowd differ (nli_variation, 500
items: per-item means TVD 0.13, per-item sds TVD 0.12, mean item sd 0.008, ratings at the ends 0.035,
sd of rater offsets 0.013), and how far a twin that is right — ratings simulated from a known crowd
(the one fitted to nli_variation, at its size), fitted and replayed the same way — lands from its
crowd (means TVD 0.13, sds TVD 0.15, mean item sd 0.008, ends 0.007, offsets sd 0.009; its offsets
correlate with the real ones 0.03 less than the right-twin formula expects, on average). Each
tolerance sits a little above the larger of the two: a twin is asked to be as close as sampling and
fitting allow, not closer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from annotators.archetypes.ratings import Scale

BINS = 10
TVD_MEANS_TOLERANCE = 0.15
TVD_SDS_TOLERANCE = 0.20
SD_TOLERANCE = 0.02
END_SHARE_TOLERANCE = 0.05
OFFSET_SD_TOLERANCE = 0.03
#: A replica's offsets may correlate with the real ones this much less than a right twin's would
#: (computed from the offsets' own split-half reliability: ``validation.perfect_twin_correlation``).
OFFSET_CORRELATION_GAP = 0.10
MAE_TOLERANCE = 0.02


def histogram(values: np.ndarray[Any, Any], top: float) -> list[float]:
    """A 10-bin histogram of ``values`` over [0, top] as shares (the last bin holds ``top``)."""
    if not len(values):
        return [math.nan] * BINS
    bins = np.minimum(np.floor(np.clip(values, 0, top) / top * BINS + 1e-9), BINS - 1).astype(int)
    counts = np.bincount(bins, minlength=BINS)
    return (counts / counts.sum()).tolist()


def tvd(p: list[float], q: list[float]) -> float:
    """Total variation distance between two histograms (each sums to 1)."""
    return 0.5 * float(np.abs(np.asarray(p) - np.asarray(q)).sum())


@dataclass(frozen=True)
class ItemShape:
    """Per-item means and sds (as 10-bin histograms over the range and over half of it), their mean
    sd, and the share of ratings at the scale's ends."""

    mean_hist: list[float]
    sd_hist: list[float]
    mean_sd: float
    end_share: float

    @classmethod
    def of(cls, answers: pd.DataFrame, scale: Scale) -> ItemShape:
        """The shape of ``answers`` (``task, label``) on ``scale``."""
        unit = (answers["label"].to_numpy(dtype=float) - scale.low) / scale.span
        by_task = pd.Series(unit).groupby(answers["task"].to_numpy())
        means, sds = by_task.mean(), by_task.std(ddof=0)[by_task.size() > 1]
        return cls(
            mean_hist=histogram(means.to_numpy(), 1.0),
            sd_hist=histogram(sds.to_numpy(), 0.5),
            mean_sd=float(sds.mean()) if len(sds) else math.nan,
            end_share=float(np.mean((unit <= 1e-9) | (unit >= 1 - 1e-9))) if len(unit) else math.nan,
        )

    def gap(self, other: ItemShape) -> float:
        """How far ``other`` is from this shape, each statistic in units of its tolerance (summed)."""
        return (
            tvd(self.mean_hist, other.mean_hist) / TVD_MEANS_TOLERANCE
            + tvd(self.sd_hist, other.sd_hist) / TVD_SDS_TOLERANCE
            + abs(self.mean_sd - other.mean_sd) / SD_TOLERANCE
            + abs(self.end_share - other.end_share) / END_SHARE_TOLERANCE
        )
