"""Is a fitted ratings crowd a faithful twin of the real one? Judged on items it was not fitted on.

Protocol (:func:`validate`): the rated items are split in two halves (seeded); the crowd is fitted on
the first half's ratings (:func:`~sandbox.kinds.ratings.fit.fit_ratings_population`, with the gold of
that half when there is gold); the fitted population then rates the second half's exact (item, rater)
structure (:func:`~sandbox.kinds.ratings.replay.replay_ratings`: raters seen in the first half keep
their fitted traits, the others are drawn from the population). The held-out items' true scores are
their gold where there is gold, else the fitted scores of the first half's items in a random order —
never the second half's own ratings — each with that item's fitted difficulty (an item's score and
its ambiguity go together: items everyone puts at an end are the clear ones). Real and replica
ratings of the second half are compared:

- the distribution of per-item means (a 10-bin histogram over the range: total variation distance);
- the distribution of per-item standard deviations (10 bins over 0 .. half the range: TVD) and
  their mean;
- the share of ratings at the scale's two ends;
- rater offsets (the affine model fitted on each side's ratings; raters with at least
  :data:`MIN_RATER_ANSWERS` ratings): their standard deviation, and the correlation between a rater's
  real and replica offset, against what a right twin would give (:func:`perfect_twin_correlation` of
  the correlation between the same rater's real offsets on the two halves, ``offset_reliability``);
- with gold, the error of the aggregated scores (mean and the affine model: MAE against gold).

Every figure is in shares of the scale's range. ``--seeds N`` repeats with N splits and averages.
The tolerances (:mod:`sandbox.kinds.ratings.twin`) are justified there.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from annotators.archetypes.ratings import Scale
from annotators.population import Population
from foundation.errors import SandboxError
from sandbox.kinds.ratings.aggregation import RatingsAggregation, aggregate_ratings
from sandbox.kinds.ratings.answers import scale_of, with_scale
from sandbox.kinds.ratings.fit import fit_ratings_population
from sandbox.kinds.ratings.metrics import pearson
from sandbox.kinds.ratings.replay import replay_ratings, twins
from sandbox.kinds.ratings.twin import (
    END_SHARE_TOLERANCE,
    MAE_TOLERANCE,
    OFFSET_CORRELATION_GAP,
    OFFSET_SD_TOLERANCE,
    SD_TOLERANCE,
    TVD_MEANS_TOLERANCE,
    TVD_SDS_TOLERANCE,
    ItemShape,
    tvd,
)
from sandbox.randomness import make_rng

MIN_RATER_ANSWERS = 20
MIN_ITEMS = 4


@dataclass(frozen=True)
class RatingStatistics:
    """What is compared between real and replica ratings of the held-out items."""

    item_mean_hist: list[float]
    item_sd_hist: list[float]
    mean_item_sd: float
    end_share: float
    offset_sd: float
    mae_mean: float | None = None
    mae_offset_scale: float | None = None
    offsets: pd.Series = field(default_factory=lambda: pd.Series(dtype=float), repr=False)

    def to_dict(self) -> dict[str, object]:
        """The JSON form (offsets are summarised by their sd and the real–replica correlation)."""
        document: dict[str, object] = {
            "item_mean_hist": self.item_mean_hist,
            "item_sd_hist": self.item_sd_hist,
            "mean_item_sd": self.mean_item_sd,
            "end_share": self.end_share,
            "offset_sd": self.offset_sd,
        }
        if self.mae_mean is not None:
            document.update(mae_mean=self.mae_mean, mae_offset_scale=self.mae_offset_scale)
        return document


@dataclass(frozen=True)
class RatingsValidation:
    """The comparison of a real ratings crowd and its replica (averaged over splits)."""

    dataset: str
    scale: str
    n_items_fit: int
    n_items_test: int
    real: RatingStatistics
    replica: RatingStatistics
    tvd_item_means: float
    tvd_item_sds: float
    offset_correlation: float
    offset_reliability: float
    seeds: int = 1
    gold_items: int = 0

    @property
    def within_tolerance(self) -> dict[str, bool]:
        """The verdict per measure, and ``all``."""
        real, replica = self.real, self.replica
        verdict = {
            "item_means": self.tvd_item_means <= TVD_MEANS_TOLERANCE,
            "item_sds": self.tvd_item_sds <= TVD_SDS_TOLERANCE,
            "mean_item_sd": abs(replica.mean_item_sd - real.mean_item_sd) <= SD_TOLERANCE,
            "end_share": abs(replica.end_share - real.end_share) <= END_SHARE_TOLERANCE,
            "offset_sd": abs(replica.offset_sd - real.offset_sd) <= OFFSET_SD_TOLERANCE,
            "offset_correlation": not (
                self.offset_correlation
                < perfect_twin_correlation(self.offset_reliability) - OFFSET_CORRELATION_GAP
            ),
        }
        if real.mae_mean is not None and replica.mae_mean is not None:
            assert real.mae_offset_scale is not None and replica.mae_offset_scale is not None
            verdict["mae"] = (
                abs(replica.mae_mean - real.mae_mean) <= MAE_TOLERANCE
                and abs(replica.mae_offset_scale - real.mae_offset_scale) <= MAE_TOLERANCE
            )
        verdict["all"] = all(verdict.values())
        return verdict

    def to_dict(self) -> dict[str, object]:
        """The documented JSON object (undefined figures — too few raters to correlate — are null)."""
        return _json_ready(
            {
                "dataset": self.dataset,
                "kind": "ratings",
                "scale": self.scale,
                "n_items_fit": self.n_items_fit,
                "n_items_test": self.n_items_test,
                "gold_items": self.gold_items,
                "seeds": self.seeds,
                "real": self.real.to_dict(),
                "replica": self.replica.to_dict(),
                "tvd_item_means": self.tvd_item_means,
                "tvd_item_sds": self.tvd_item_sds,
                "offset_correlation": self.offset_correlation,
                "offset_reliability": self.offset_reliability,
                "within_tolerance": self.within_tolerance,
            }
        )

    def table(self) -> str:
        """The table ``validate`` prints."""
        from sandbox.kinds.ratings.validation_table import validation_table

        return validation_table(self)


def _json_ready(value: Any) -> Any:
    """``value`` with every NaN or infinity (in nested dicts and lists) as None: JSON has neither."""
    if isinstance(value, dict):
        return {key: _json_ready(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_ready(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def rating_statistics(
    answers: pd.DataFrame, scale: Scale, gold: pd.Series | None, engine: str = "fast"
) -> RatingStatistics:
    """The statistics of ``answers`` (module docstring), in shares of ``scale``'s range."""
    shape = ItemShape.of(answers, scale)
    model = aggregate_ratings("offset_scale", answers, engine)
    offsets = rater_offsets(answers, scale, engine, model)
    mae_mean = mae_model = None
    if gold is not None and len(gold):
        truth = (gold - scale.low) / scale.span
        mean_scores = aggregate_ratings("mean", answers, engine).scores
        mae_mean = float(
            np.nanmean(np.abs((mean_scores - scale.low) / scale.span - truth.reindex(mean_scores.index)))
        )
        fitted = (model.scores - scale.low) / scale.span
        mae_model = float(np.nanmean(np.abs(fitted - truth.reindex(fitted.index))))
    return RatingStatistics(
        item_mean_hist=shape.mean_hist,
        item_sd_hist=shape.sd_hist,
        mean_item_sd=shape.mean_sd,
        end_share=shape.end_share,
        offset_sd=float(offsets.std(ddof=0)) if len(offsets) > 1 else math.nan,
        mae_mean=mae_mean,
        mae_offset_scale=mae_model,
        offsets=offsets,
    )


def rater_offsets(
    answers: pd.DataFrame, scale: Scale, engine: str = "fast", model: RatingsAggregation | None = None
) -> pd.Series:
    """Offsets (shares of the range) of the raters with at least :data:`MIN_RATER_ANSWERS` ratings,
    from the affine model fitted on ``answers``."""
    model = model or aggregate_ratings("offset_scale", answers, engine)
    counts = answers.groupby("worker").size()
    offsets = (model.offsets if model.offsets is not None else pd.Series(dtype=float)) / scale.span
    return offsets[counts.reindex(offsets.index).fillna(0).to_numpy() >= MIN_RATER_ANSWERS]


def split_items(tasks: Sequence[object] | pd.Index, seed: int) -> tuple[pd.Index, pd.Index]:
    """The items in two halves (fit, test), at random from ``seed``."""
    order = make_rng(seed).permutation(len(tasks))
    index = pd.Index(tasks)
    half = len(index) // 2
    return index[np.sort(order[:half])], index[np.sort(order[half:])]


def validate_once(
    answers: pd.DataFrame, gold: pd.Series, name: str, seed: int, engine: str = "fast"
) -> RatingsValidation:
    """One split (``seed``): fit on a half of the items, replay the other half, compare."""
    scale = scale_of(answers)
    items = pd.Index(pd.unique(answers["task"]))
    if len(items) < MIN_ITEMS:
        raise SandboxError(f"{name}: validation needs at least {MIN_ITEMS} rated items, found {len(items)}")
    fit_items, test_items = split_items(items, seed)
    fit_half = with_scale(answers[answers["task"].isin(fit_items)].reset_index(drop=True), scale)
    test = with_scale(answers[answers["task"].isin(test_items)].reset_index(drop=True), scale)
    gold = gold[gold.index.isin(items)].astype(float)
    fit_gold = gold.reindex(fit_items).dropna()
    fitted = fit_ratings_population(
        fit_half, name=name, gold=fit_gold if len(fit_gold) else None, engine=engine
    )
    population = Population.from_dict(fitted.population, f"{name} (fitted half)")
    rng = make_rng(seed)
    drawn = _fitted_items(len(fitted.positions), len(test_items), rng)
    positions = pd.Series(fitted.positions.to_numpy(dtype=float)[drawn], index=test_items)
    difficulty = pd.Series(
        fitted.difficulty.reindex(fitted.positions.index).to_numpy(dtype=float)[drawn], index=test_items
    )
    test_gold = gold.reindex(test_items).dropna()
    positions.loc[test_gold.index] = scale.to_unit(test_gold.to_numpy())
    replica = replay_ratings(
        population, test[["task", "worker"]], positions, scale, seed, twins(fitted.workers), difficulty
    )
    replica = with_scale(replica, scale)
    scored_gold = test_gold if len(test_gold) else None
    real_stats = rating_statistics(test, scale, scored_gold, engine)
    replica_stats = rating_statistics(replica, scale, scored_gold, engine)
    shared = real_stats.offsets.index.intersection(replica_stats.offsets.index)
    fit_offsets = rater_offsets(fit_half, scale, engine)
    both = fit_offsets.index.intersection(real_stats.offsets.index)
    return RatingsValidation(
        dataset=name,
        scale=str(scale),
        n_items_fit=len(fit_items),
        n_items_test=len(test_items),
        real=real_stats,
        replica=replica_stats,
        tvd_item_means=tvd(real_stats.item_mean_hist, replica_stats.item_mean_hist),
        tvd_item_sds=tvd(real_stats.item_sd_hist, replica_stats.item_sd_hist),
        offset_correlation=pearson(real_stats.offsets[shared], replica_stats.offsets[shared]),
        offset_reliability=pearson(fit_offsets[both], real_stats.offsets[both]),
        gold_items=len(test_gold),
    )


def _fitted_items(n_fitted: int, n_test: int, rng: np.random.Generator) -> np.ndarray[Any, Any]:
    """Which fitted item each held-out item takes after: every fitted item once in a random order
    (a twin's items are the fitted ones, not a resample of them), then random ones if more are needed."""
    rounds = -(-n_test // n_fitted)
    order = np.concatenate([rng.permutation(n_fitted) for _ in range(rounds)])
    return order[:n_test]


def perfect_twin_correlation(reliability: float) -> float:
    """The correlation between real and replica offsets a right twin gives, when the real offsets of
    the two halves correlate ``reliability``: each measured offset is the rater's true one plus a
    measurement error of variance v = (1 − r) / r (in units of the true offsets' variance); the twin's
    trait carries the fitted half's error, its replica adds one more, so the replica's offsets
    correlate 1 / sqrt((1 + v)(1 + 2v)) with the real held-out ones."""
    if not (math.isfinite(reliability) and reliability > 0):
        return math.nan
    v = (1 - min(reliability, 1.0)) / min(reliability, 1.0)
    return 1.0 / math.sqrt((1 + v) * (1 + 2 * v))


def validate(
    answers: pd.DataFrame, gold: pd.Series, name: str, seeds: int = 1, engine: str = "fast"
) -> RatingsValidation:
    """:func:`validate_once` for splits ``0 .. seeds - 1``, every figure averaged over them."""
    if seeds < 1:
        raise SandboxError(f"seeds must be >= 1, got {seeds}")
    runs = [validate_once(answers, gold, name, seed, engine) for seed in range(seeds)]
    return RatingsValidation(
        dataset=name,
        scale=runs[0].scale,
        n_items_fit=runs[0].n_items_fit,
        n_items_test=runs[0].n_items_test,
        real=_mean_statistics([r.real for r in runs]),
        replica=_mean_statistics([r.replica for r in runs]),
        tvd_item_means=float(np.mean([r.tvd_item_means for r in runs])),
        tvd_item_sds=float(np.mean([r.tvd_item_sds for r in runs])),
        offset_correlation=_nanmean([r.offset_correlation for r in runs]),
        offset_reliability=_nanmean([r.offset_reliability for r in runs]),
        seeds=seeds,
        gold_items=runs[0].gold_items,
    )


def _nanmean(values: Sequence[float]) -> float:
    """The mean of the defined values (NaN, without a warning, when none is)."""
    known = [v for v in values if math.isfinite(v)]
    return float(np.mean(known)) if known else math.nan


def _mean_statistics(runs: Sequence[RatingStatistics]) -> RatingStatistics:
    def mean(values: Sequence[float | None]) -> float | None:
        known = [v for v in values if v is not None]
        return _nanmean(known) if known else None

    return RatingStatistics(
        item_mean_hist=np.mean([r.item_mean_hist for r in runs], axis=0).tolist(),
        item_sd_hist=np.mean([r.item_sd_hist for r in runs], axis=0).tolist(),
        mean_item_sd=_nanmean([r.mean_item_sd for r in runs]),
        end_share=float(np.mean([r.end_share for r in runs])),
        offset_sd=_nanmean([r.offset_sd for r in runs]),
        mae_mean=mean([r.mae_mean for r in runs]),
        mae_offset_scale=mean([r.mae_offset_scale for r in runs]),
    )
