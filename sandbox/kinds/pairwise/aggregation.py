"""One call to aggregate pairwise answers with any registered pairwise method and engine.

:func:`aggregate_pairs` codes the answers once (items and workers in sorted order of their ids),
fits the engine's model and returns a :class:`PairwiseAggregation`: a score per item (higher =
better), the preferred side of every answered pair, and the worker skills and left biases of
methods that estimate them. Bradley–Terry methods have no tie outcome: tie answers are left out of
their fit and counted (``ties_left_out``); win rate and Elo count a tie as half a win; Davidson's
model (``davidson``) fits ties as an outcome and gives, for every pair, the probability that it is a
tie (``probas``: P(left), P(right), P(tie) per answered pair; :meth:`PairwiseAggregation.outcomes`
for any pairs of items).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from foundation.errors import SandboxError
from sandbox.aggregation.aggregate import Aggregation, Fit, run_aggregation
from sandbox.aggregation.crowdkit_adapter import AggregationFailed
from sandbox.aggregation.fast.pairwise.base import FastPairwise
from sandbox.aggregation.fast.pairwise.coding import SIDE_NAMES, TIE, CodedPairs, encode_pairs
from sandbox.aggregation.fast.pairwise.davidson import davidson_probabilities
from sandbox.aggregation.registry import AggregatorSpec, aggregator_names, aggregator_spec
from sandbox.kinds.pairwise.kind import KIND


def _empty_scores() -> pd.Series:
    return pd.Series(dtype=float, name="score", index=pd.Index([], name="item"))


@dataclass(frozen=True)
class PairwiseAggregation(Aggregation):
    """An :class:`Aggregation` of pairwise answers.

    ``scores``: Series indexed by ``item`` (higher = better; items the method could not score are
    left out). ``labels``: the preferred side of each answered pair (``left``/``right``, ``tie``
    when both scores are equal), indexed by ``task``. ``skills``/``biases``: per worker, when the
    method estimates them (noisy Bradley–Terry's P(comparing) and P(left when not comparing)).
    ``ties_left_out``: tie answers the method could not use. ``tie_parameter``: Davidson's ν for a
    method that models ties (then ``scores`` are log-strengths and ``probas`` holds P(left), P(right)
    and P(tie) of every answered pair, by task), else None.
    """

    scores: pd.Series = field(default_factory=_empty_scores)
    biases: pd.Series | None = None
    ties_left_out: int = 0
    tie_parameter: float | None = None

    def ranking(self) -> pd.DataFrame:
        """``item, score, rank`` best first (rank 1 = best; equal scores share the best rank)."""
        return ranking(self.scores)

    @property
    def models_ties(self) -> bool:
        """Whether the method predicts ties (has a tie parameter)."""
        return self.tie_parameter is not None

    def outcomes(self, left: pd.Series, right: pd.Series) -> pd.DataFrame:
        """P(left), P(right) and P(tie) of the item pairs ``left``/``right`` (one row each, NaN where an
        item has no score); SandboxError for a method that does not model ties."""
        if self.tie_parameter is None:
            raise SandboxError(f"{self.aggregator} does not model ties")
        strength_left = np.exp(self.scores.reindex(pd.Index(left)).to_numpy(dtype=float))
        strength_right = np.exp(self.scores.reindex(pd.Index(right)).to_numpy(dtype=float))
        probabilities = davidson_probabilities(strength_left, strength_right, self.tie_parameter)
        return pd.DataFrame(dict(zip(SIDE_NAMES, probabilities, strict=True)), index=left.index)

    def predicted_outcomes(self, left: pd.Series, right: pd.Series) -> pd.Series:
        """The predicted outcome of each pair: the most probable of left, right and tie for a method
        that models ties, else the side whose item scores higher (``preferred_sides``)."""
        if self.tie_parameter is None:
            return preferred_sides(self.scores, left, right)
        probabilities = self.outcomes(left, right)
        known = probabilities.notna().all(axis=1).to_numpy()
        best = np.asarray(SIDE_NAMES, dtype=object)[np.argmax(probabilities.fillna(0).to_numpy(), axis=1)]
        best[~known] = None
        return pd.Series(best, index=left.index, name="label", dtype=object)


def ranking(scores: pd.Series) -> pd.DataFrame:
    """Scores by item → ``item, score, rank`` sorted best first; equal scores share the best rank."""
    ordered = scores.dropna().sort_values(ascending=False, kind="stable")
    return pd.DataFrame(
        {
            "item": ordered.index.to_numpy(),
            "score": ordered.to_numpy(dtype=float),
            "rank": ordered.rank(ascending=False, method="min").to_numpy(dtype=np.int64),
        }
    )


def preferred_sides(scores: pd.Series, left: pd.Series, right: pd.Series) -> pd.Series:
    """``left``/``right``/``tie`` per row from the scores of the two items (NaN when either has none)."""
    left_score = scores.reindex(pd.Index(left)).to_numpy(dtype=float)
    right_score = scores.reindex(pd.Index(right)).to_numpy(dtype=float)
    sides = np.where(left_score > right_score, "left", np.where(right_score > left_score, "right", "tie"))
    known = np.isfinite(left_score) & np.isfinite(right_score)
    values = np.asarray(sides, dtype=object)
    values[~known] = None
    return pd.Series(values, index=left.index, name="label", dtype=object)


_SIDE_OBJECTS = np.asarray(SIDE_NAMES, dtype=object)


def task_sides(scores: np.ndarray[Any, np.dtype[np.float64]], coded: CodedPairs) -> pd.Series:
    """The preferred side of each task's pair (as :func:`preferred_sides` gives it) from the scores
    by item code, indexed by task in sorted order; tasks with an unscored item are left out. A
    task's pair is that of its first answer."""
    if coded.n_tasks == coded.n_answers and np.array_equal(coded.task, np.arange(coded.n_answers)):
        left, right = scores.take(coded.left), scores.take(coded.right)  # one answer per task, in order
    else:
        first = np.empty(coded.n_tasks, dtype=np.intp)
        rows = np.arange(coded.n_answers - 1, -1, -1, dtype=np.intp)
        first[coded.task[rows]] = rows  # the last write wins: each task's first answer
        left, right = scores.take(coded.left.take(first)), scores.take(coded.right.take(first))
    # LEFT (0) where the left item scores higher, RIGHT (1) where the right one does, else TIE (2)
    side = np.full(left.size, TIE, dtype=np.int8)
    side -= 2 * (left > right)
    side -= right > left
    known = ~np.isnan(left + right)
    if known.all():
        return pd.Series(_SIDE_OBJECTS.take(side), index=coded.task_names, name="label", dtype=object)
    return pd.Series(
        _SIDE_OBJECTS.take(side[known]), index=coded.task_names[known], name="label", dtype=object
    )


def _crowdkit_frame(decided: CodedPairs) -> pd.DataFrame:
    """crowd-kit's input: codes, the label being the winning item's code."""
    return pd.DataFrame(
        {"worker": decided.worker, "left": decided.left, "right": decided.right, "label": decided.winners()}
    )


def _by_item(values: Any, n_items: int) -> np.ndarray[Any, np.dtype[np.float64]]:
    if hasattr(values, "reindex"):
        values = values.reindex(range(n_items)).to_numpy(dtype=float)
    return np.asarray(values, dtype=float)


class PairCodec:
    """Pairwise answers as codes (items and workers in sorted order of their ids), and a fitted
    model's item scores decoded (see the module docstring)."""

    def encode(self, answers: pd.DataFrame) -> CodedPairs:
        return encode_pairs(answers)

    def check(self, spec: AggregatorSpec, coded: CodedPairs, params: Mapping[str, Any]) -> None:
        """Every pairwise method runs on any comparisons (their memory is linear in them)."""

    def fit_fast(self, model: FastPairwise, coded: CodedPairs) -> np.ndarray[Any, np.dtype[np.float64]]:
        model.fit_coded(coded)
        return model.scores_

    def fit_crowdkit(self, model: Any, coded: CodedPairs) -> np.ndarray[Any, np.dtype[np.float64]]:
        decided = coded.decided()
        if len(decided.label) == 0:
            raise AggregationFailed(f"{type(model).__name__}: every answer is a tie; nothing to rank")
        model.fit(_crowdkit_frame(decided))
        return _by_item(model.scores_, coded.n_items)

    def decode(self, fit: Fit[CodedPairs], answers: pd.DataFrame) -> PairwiseAggregation:
        spec, coded, model, implementation = fit.spec, fit.coded, fit.model, fit.implementation
        item_scores = pd.Series(fit.fitted, index=coded.item_names, name="score").dropna()
        if item_scores.empty:
            raise AggregationFailed(f"{spec.name} scored no item (every answer a tie?)")
        skills = biases = None
        if implementation.skills is not None:
            skills = pd.Series(
                implementation.skills(model, coded, None), index=coded.worker_names, name="skill"
            )
            biases = pd.Series(
                attribute_biases(model, coded.n_workers), index=coded.worker_names, name="bias"
            )
        tie_parameter = getattr(model, "tie_", None)
        result = PairwiseAggregation(
            aggregator=spec.name,
            labels=task_sides(np.asarray(fit.fitted, dtype=float), coded),
            probas=None,
            skills=None if skills is None else skills.sort_index(),
            seconds=fit.seconds,
            engine=fit.engine,
            scores=item_scores,
            biases=None if biases is None else biases.sort_index(),
            ties_left_out=0 if spec.counts_ties else int((coded.label == TIE).sum()),
            tie_parameter=None if tie_parameter is None else float(tie_parameter),
        )
        if result.models_ties:
            tasks = answers.drop_duplicates("task").set_index("task")
            probas = result.outcomes(tasks["left"], tasks["right"]).sort_index()
            result = replace(result, probas=probas.rename_axis("task"))
        return result


CODEC = PairCodec()


def aggregate_pairs(
    name: str, answers: pd.DataFrame, engine: str = "fast", params: Mapping[str, Any] | None = None
) -> PairwiseAggregation:
    """Run pairwise method ``name`` on validated pairwise answers (``task, worker, left, right,
    label``) with ``engine`` and hyperparameters ``params``; AggregationFailed when it scores no item."""
    spec = aggregator_spec(name)
    if KIND not in spec.kinds:
        raise SandboxError(
            f"{name} aggregates {', '.join(spec.kinds)} answers, not {KIND} ones; allowed: "
            f"{', '.join(aggregator_names(KIND))}"
        )
    return run_aggregation(spec, answers, engine, CODEC, params)


def attribute_biases(model: Any, n_workers: int) -> np.ndarray[Any, np.dtype[np.float64]]:
    """The fitted model's per-worker left bias (``biases_``), NaN where it has none."""
    values = getattr(model, "biases_", None)
    if values is None:
        return np.full(n_workers, np.nan)
    return _by_item(values, n_workers)
