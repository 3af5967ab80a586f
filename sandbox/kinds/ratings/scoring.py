"""Scoring ratings aggregations against the truth (simulations: the items' true scores; real
answers: the gold scores).

- ``accuracy``: share of the scored items whose aggregated score is right — on an integer scale its
  nearest point is the true score's; on a continuous one it lies within the dataset's tolerance of it
  (a tenth of the range by default); ``f1_macro`` over the scale's points; ``coverage``: share of the
  items that got a score; ``cost_per_correct_label``: money per right item;
- ``mae``, ``rmse`` (scale units), ``spearman``, ``kendall_tau`` (the items' order) and ``qwk``
  (quadratic-weighted kappa on the points), and ``mae_range``: the MAE as a share of the range;
- simulations: ``skill_correlation`` and ``cheater_auc`` of methods that estimate rater skill; for
  rater models ``offset_correlation`` and ``offset_mae`` of the estimated offsets against the planted
  ones (raters who look at the items), and ``slope_correlation``; with a colluding ring,
  ``ring_lift``: how much higher the pushed items score than their truth, beyond the others' error;
- datasets with item features: ``downstream_accuracy`` — for ratings the R² of a ridge regression
  trained on the aggregated scores, tested on clean items (``downstream_accuracy_clean``: trained on
  the true scores), and ``downstream_mae`` (:mod:`sandbox.kinds.ratings.downstream`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from annotators.archetypes.ratings import Scale, pushed_rows
from foundation.errors import SandboxError
from sandbox.aggregation.aggregate import Aggregation
from sandbox.kinds.base import ScoringInputs
from sandbox.kinds.ratings.aggregation import RatingsAggregation
from sandbox.kinds.ratings.answers import scale_of
from sandbox.kinds.ratings.dataset import RatingsDataset
from sandbox.kinds.ratings.downstream import DownstreamSplit, downstream_split, regressor_scores
from sandbox.kinds.ratings.metrics import errors, exact, paired, pearson, quadratic_kappa, rank_agreement
from sandbox.kinds.ratings.rules import default_tolerance
from sandbox.metrics.labels import cost_per_correct_label
from sandbox.metrics.outcome import AggregatorScore
from sandbox.metrics.workers import cheater_detection_auc, skill_rank_correlation

RING = "colluding_ring"
#: Archetypes whose planted offsets and slopes mean what rater models estimate.
LOOKING = ("honest", "lenient", "harsh", "central_tendency", "extreme", "anchoring")


class RatingsScorer:
    """Scores aggregations of one ratings answers table (see the module docstring)."""

    def __init__(self, inputs: ScoringInputs) -> None:
        self.inputs = inputs
        dataset = inputs.dataset
        if isinstance(dataset, RatingsDataset):
            self.scale: Scale = dataset.scale
            self.tolerance = dataset.tolerance
            truth = dataset.scores if dataset.scores.notna().any() else inputs.truth
            self.n_items = dataset.n_tasks or int(inputs.answers["task"].nunique())
        elif dataset is None and len(inputs.answers):
            self.scale = scale_of(inputs.answers)
            self.tolerance = default_tolerance(self.scale)
            truth, self.n_items = inputs.truth, int(inputs.answers["task"].nunique())
        else:
            raise SandboxError("ratings are scored against a ratings dataset (items on a scale)")
        self.truth = pd.to_numeric(truth, errors="coerce").astype(float).dropna()
        self.split: DownstreamSplit | None = None
        self.downstream_accuracy_clean: float | None = None
        if isinstance(dataset, RatingsDataset) and dataset.item_features is not None and dataset.n_tasks:
            self.split = downstream_split(dataset.item_features, dataset.truth.index, self.truth)
            if self.split is not None:
                self.downstream_accuracy_clean = regressor_scores(self.split, self.truth)[0]
        self.pushed = self._pushed_items()

    def _pushed_items(self) -> pd.Index | None:
        """The items a colluding ring of the crowd pushed (simulations), else None."""
        workers, dataset = self.inputs.workers, self.inputs.dataset
        if workers is None or not isinstance(dataset, RatingsDataset) or "ring_key" not in workers.columns:
            return None
        ring = workers[workers["archetype"] == RING]
        if ring.empty:
            return None
        rows = np.arange(dataset.n_tasks)
        pushed = np.zeros(dataset.n_tasks, dtype=bool)
        for key, share in ring[["ring_key", "ring_items"]].drop_duplicates().itertuples(index=False):
            pushed |= pushed_rows(rows, key, share)
        return dataset.truth.index[pushed]

    def score(self, result: Aggregation) -> AggregatorScore:
        """How ``result`` (a :class:`RatingsAggregation`) did (see the module docstring)."""
        if not isinstance(result, RatingsAggregation):
            raise SandboxError(f"{result.aggregator} is not a ratings aggregation")
        scores = result.scores
        estimated, true = paired(scores, self.truth)
        right, f1 = exact(estimated, true, self.scale, self.tolerance)
        error = errors(estimated, true)
        extra: dict[str, float | None] = {
            **error,
            "mae_range": error["mae"] / self.scale.span,
            **rank_agreement(estimated, true),
            "qwk": quadratic_kappa(estimated, true, self.scale),
            "scored_items": float(len(true)),
        }
        extra.update(self._rater_recovery(result))
        if self.pushed is not None:
            extra["ring_lift"] = self._ring_lift(scores)
        workers = self.inputs.workers
        skill_correlation = cheater_auc = downstream = None
        if workers is not None and result.skills is not None:
            skill_correlation = skill_rank_correlation(result.skills, workers["skill"])
            cheater_auc = cheater_detection_auc(result.skills, workers["honest"])
        if self.split is not None:
            downstream, extra["downstream_mae"] = regressor_scores(self.split, scores)
        correct = int(right.sum())
        return AggregatorScore(
            aggregator=result.aggregator,
            accuracy=float(right.mean()) if len(right) else math.nan,
            f1_macro=f1,
            coverage=len(scores) / max(self.n_items, 1),
            cost_per_correct_label=cost_per_correct_label(self.inputs.cost, correct),
            seconds=result.seconds,
            skill_correlation=skill_correlation,
            cheater_auc=cheater_auc,
            downstream_accuracy=downstream,
            extra=extra,
        )

    def _rater_recovery(self, result: RatingsAggregation) -> dict[str, float | None]:
        """Estimated against planted offsets and slopes of the raters who look (simulations)."""
        workers = self.inputs.workers
        if workers is None or result.offsets is None or "offset" not in workers.columns:
            return {}
        looking = workers[workers["archetype"].isin(LOOKING)]
        planted = looking["offset"] * self.scale.span
        estimated = result.offsets.reindex(looking.index)
        known = estimated.notna() & planted.notna()
        recovery: dict[str, float | None] = {
            "offset_correlation": pearson(estimated[known], planted[known]),
            "offset_mae": float(np.mean(np.abs(estimated[known] - planted[known])))
            if known.any()
            else math.nan,
        }
        if result.slopes is not None and "slope" in workers.columns:
            recovery["slope_correlation"] = pearson(result.slopes.reindex(looking.index), looking["slope"])
        return recovery

    def _ring_lift(self, scores: pd.Series) -> float:
        """Mean (score − truth) of the pushed items minus that of the others."""
        assert self.pushed is not None
        difference = (scores - self.truth.reindex(scores.index)).dropna()
        pushed = difference.index.isin(self.pushed)
        if not pushed.any() or pushed.all():
            return math.nan
        return float(difference[pushed].mean() - difference[~pushed].mean())
