"""Ratings' aggregation: any registered ratings method on a ``task, worker, label`` table of ratings
(:func:`aggregate_ratings`), through the shared skeleton
(:func:`sandbox.aggregation.aggregate.run_aggregation`) with this kind's :class:`RatingCodec`.

Two kinds of method aggregate ratings:

- ratings methods (:mod:`sandbox.aggregation.fast.ratings`: mean, median, trimmed mean, rater
  models) see the ratings as numbers on the scale;
- classification methods the kind serves (Dawid–Skene, :func:`~sandbox.aggregation.registry.serve_kind`)
  see each rating's scale point (its grid value: the point of an integer scale, the nearest of the
  grid's values on a continuous one) as an unordered class; the class they choose is read back as
  its point, and their posteriors over the points are kept. This is the "unordered" reference: it
  throws away that 4 is between 3 and 5.

Both give a :class:`RatingsAggregation`: a score per task on the scale, and, for rater models, each
rater's offset, slope and noise in the scale's units.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from annotators.archetypes.ratings import Scale
from foundation.errors import SandboxError
from sandbox.aggregation.aggregate import Aggregation, Fit, run_aggregation
from sandbox.aggregation.crowdkit_adapter import AggregationFailed
from sandbox.aggregation.fast.coding import CodedAnswers
from sandbox.aggregation.fast.ratings import CodedRatings, FastRatings, encode_ratings
from sandbox.aggregation.registry import AggregatorSpec, aggregator_names, aggregator_spec
from sandbox.kinds.ratings.answers import scale_of
from sandbox.kinds.ratings.kind import KIND
from sandbox.resources import check_memory, check_work

#: Dense float copies of the task × point posteriors and of the workers × points × points confusions
#: a classification method holds while fitting and decoding (as classification counts them).
POSTERIOR_COPIES = 4
CONFUSION_COPIES = 6
#: Cell updates (posteriors and confusions, times the method's passes) one aggregation may make.
AGGREGATION_WORK_LIMIT = 4e9


def _no_scores() -> pd.Series:
    return pd.Series(dtype=float, name="score", index=pd.Index([], name="task"))


@dataclass(frozen=True)
class RatingsAggregation(Aggregation):
    """An :class:`Aggregation` of ratings.

    ``scores``: Series indexed by ``task``, the aggregated score on the scale (``labels`` holds the
    same). ``offsets``/``slopes``/``noise``: per worker (scale units; rater models only): how far above
    an unbiased rater, how far apart they put items, their error sd. ``scale``: the answers' scale.
    """

    scores: pd.Series = field(default_factory=_no_scores)
    offsets: pd.Series | None = None
    slopes: pd.Series | None = None
    noise: pd.Series | None = None
    scale: Scale | None = None


@dataclass(frozen=True)
class RatingCodes:
    """The ratings as numbers (``ratings``) and as scale points for classification methods
    (``points``: label code = position among ``point_values``, the grid values that occur)."""

    ratings: CodedRatings
    points: CodedAnswers
    point_values: NDArray[np.float64]
    scale: Scale


def encode_rating_codes(answers: pd.DataFrame) -> RatingCodes:
    """Code ratings once for every kind of method (see :class:`RatingCodes`)."""
    scale = scale_of(answers)
    ratings = encode_ratings(answers, scale.low, scale.high, scale.step if scale.integer else 0.0)
    grid_codes = scale.grid_code(ratings.value)
    present, label = np.unique(grid_codes, return_inverse=True)
    points = CodedAnswers(
        ratings.task,
        ratings.worker,
        label.astype(np.intp),
        pd.RangeIndex(ratings.n_tasks, name="task"),
        pd.RangeIndex(ratings.n_workers, name="worker"),
        pd.RangeIndex(len(present), name="label"),
    )
    return RatingCodes(ratings, points, scale.grid()[present], scale)


def treats_points_as_classes(spec: AggregatorSpec) -> bool:
    """Whether ``spec`` is a classification method the kind serves (it sees points as classes)."""
    declaring = spec.declaring_class()
    return not (isinstance(declaring, type) and issubclass(declaring, FastRatings))


def check_point_classes(spec: AggregatorSpec, coded: RatingCodes, params: Mapping[str, Any]) -> None:
    """Refuse a classification method whose dense posteriors and confusions over the scale's points
    would not fit in memory, or would take too long, before fitting (a 0–1000 scale has 1,001)."""
    points = coded.points
    tasks, workers, labels = points.n_tasks, points.n_workers, points.n_labels
    what = f"{spec.name} on {tasks} items, {workers} raters and {labels} scale points"
    hint = "use a ratings method (mean, median, offset_scale) or a coarser scale"
    confusion_cells = float(workers) * labels * labels if spec.dense_confusions else 0.0
    needed = 8.0 * POSTERIOR_COPIES * tasks * labels + 8.0 * 3 * points.n_answers
    check_memory(needed + 8.0 * CONFUSION_COPIES * confusion_cells, what, hint)
    cells = float(tasks) * labels + confusion_cells
    check_work(cells * spec.passes(params), AGGREGATION_WORK_LIMIT, what, "cell updates", hint)


class RatingCodec:
    """Ratings as codes, and the fitted models' estimates decoded (see the module docstring)."""

    def encode(self, answers: pd.DataFrame) -> RatingCodes:
        return encode_rating_codes(answers)

    def check(self, spec: AggregatorSpec, coded: RatingCodes, params: Mapping[str, Any]) -> None:
        if treats_points_as_classes(spec):
            check_point_classes(spec, coded, params)

    def fit_fast(self, model: Any, coded: RatingCodes) -> Any:
        if isinstance(model, FastRatings):
            return model.fit_coded(coded.ratings).scores_
        labels: pd.Series = model.fit_coded(coded.points).labels_
        return labels

    def fit_crowdkit(self, model: Any, coded: RatingCodes) -> pd.Series:
        points = coded.points
        frame = pd.DataFrame({"task": points.task, "worker": points.worker, "label": points.label})
        labels: pd.Series = model.fit_predict(frame)
        return labels

    def decode(self, fit: Fit[RatingCodes], answers: pd.DataFrame) -> RatingsAggregation:
        coded, model, spec = fit.coded, fit.model, fit.spec
        tasks = coded.ratings.task_names.rename("task")
        workers = coded.ratings.worker_names.rename("worker")
        if isinstance(model, FastRatings):
            scores = pd.Series(np.asarray(fit.fitted, dtype=float), index=tasks, name="score").dropna()
            per_worker = {
                name: None if values is None else pd.Series(values, index=workers, name=name).sort_index()
                for name, values in (
                    ("offset", model.offsets_),
                    ("slope", model.slopes_),
                    ("noise", model.noise_),
                )
            }
            skills = None
            if fit.implementation.skills is not None:
                values = fit.implementation.skills(model, coded.points, None)
                skills = pd.Series(values, index=workers, name="skill").sort_index()
            return RatingsAggregation(
                aggregator=spec.name,
                labels=scores.rename("label").sort_index(),
                probas=None,
                skills=skills,
                seconds=fit.seconds,
                engine=fit.engine,
                scores=scores.sort_index(),
                offsets=per_worker["offset"],
                slopes=per_worker["slope"],
                noise=per_worker["noise"],
                scale=coded.scale,
            )
        return self._decode_classes(fit, tasks, workers)

    def _decode_classes(
        self, fit: Fit[RatingCodes], tasks: pd.Index, workers: pd.Index
    ) -> RatingsAggregation:
        """A classification method's chosen points (and posteriors over them) as scores."""
        coded, model, spec = fit.coded, fit.model, fit.spec
        labels: pd.Series = fit.fitted
        if labels.isna().any():
            raise AggregationFailed(f"{spec.name} did not converge on these ratings (it produced no label)")
        codes = labels.to_numpy().astype(np.int64)
        scores = pd.Series(
            coded.point_values[codes],
            index=tasks.take(labels.index.to_numpy().astype(np.int64)),
            name="score",
        ).sort_index()
        posteriors = _posteriors(model, coded.points) if spec.gives_posteriors else None
        probas = None
        if posteriors is not None:
            columns = pd.Index(coded.point_values, name="label")
            probas = pd.DataFrame(posteriors, index=tasks, columns=columns).sort_index()
        skills = None
        if fit.implementation.skills is not None:
            values = fit.implementation.skills(model, coded.points, posteriors)
            skills = pd.Series(values, index=workers, name="skill").sort_index()
        return RatingsAggregation(
            aggregator=spec.name,
            labels=scores.rename("label"),
            probas=probas,
            skills=skills,
            seconds=fit.seconds,
            engine=fit.engine,
            scores=scores,
            scale=coded.scale,
        )


def _posteriors(model: Any, points: CodedAnswers) -> np.ndarray[Any, np.dtype[np.float64]]:
    """A classification model's posteriors as ``n_tasks × points`` in code order."""
    fast = getattr(model, "posteriors_", None)
    if fast is not None:
        return np.asarray(fast, dtype=float)
    probas = model.probas_.reindex(index=range(points.n_tasks), columns=range(points.n_labels))
    return np.asarray(probas.fillna(0.0).to_numpy(dtype=float), dtype=float)


CODEC = RatingCodec()


def aggregate_ratings(
    name: str, answers: pd.DataFrame, engine: str = "fast", params: Mapping[str, Any] | None = None
) -> RatingsAggregation:
    """Run ratings method ``name`` on validated ratings answers (``task, worker, label``; the scale in
    their ``attrs``) with ``engine`` and hyperparameters ``params``."""
    spec = aggregator_spec(name)
    if KIND not in spec.kinds:
        raise SandboxError(
            f"{name} aggregates {', '.join(spec.kinds)} answers, not {KIND} ones; allowed: "
            f"{', '.join(aggregator_names(KIND))}"
        )
    return run_aggregation(spec, answers, engine, CODEC, params)


def with_scores(result: RatingsAggregation, scores: pd.Series) -> RatingsAggregation:
    """``result`` with other scores (e.g. clipped to the scale)."""
    return replace(result, scores=scores, labels=scores.rename("label"))
