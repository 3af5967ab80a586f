"""Classification's aggregation: any registered classification method on a ``task, worker,
label`` table (:func:`aggregate`), through the shared skeleton
(:func:`sandbox.aggregation.aggregate.run_aggregation`) with this kind's :class:`ClassCodec`.

The answers are coded once (dense integer codes, labels in sorted order), each engine's model is
fit on the codes, and everything it estimated is decoded back to the original task, worker and
label ids. A task whose highest posterior several labels share is tied: the label is chosen by the
rule of :mod:`sandbox.aggregation.ties` (seeded random among the tied labels by default; the
smallest label with ``TieBreak("smallest")``, which reproduces crowd-kit's published figures), the
same for both engines. Methods without posteriors break their own ties by the same rule: KOS (a
score of exactly 0; fast engine) and MMSR (its weighted vote, ``scores_``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from foundation.errors import SandboxError
from sandbox.aggregation.aggregate import Aggregation, Fit, run_aggregation
from sandbox.aggregation.crowdkit_adapter import AggregationFailed
from sandbox.aggregation.fast.classification.base import FastAggregator
from sandbox.aggregation.fast.coding import CodedAnswers, encode
from sandbox.aggregation.registry import AggregatorSpec, aggregator_spec
from sandbox.aggregation.ties import DEFAULT_TIES, TieBreak, break_ties
from sandbox.kinds.classification.kind import KIND
from sandbox.resources import check_memory, check_work

#: Dense float copies of the task × label posteriors one aggregation holds at once (the model's,
#: the decoded table, the report's aligned copy, the tie-breaking priorities).
POSTERIOR_COPIES = 5
#: Numbers per answer one aggregation holds (its three codes, the tie-breaking draw and its index).
ANSWER_COPIES = 5
#: Dense float copies of the workers × labels × labels confusions (the model's E and M steps, the
#: decoded table, the report's cube).
CONFUSION_COPIES = 6
#: Cell updates (task × label posteriors and confusions, times the method's passes) one aggregation
#: may make: about a minute for the slowest methods (ZBS, MACE) on this project's 2-core machine.
AGGREGATION_WORK_LIMIT = 4e9


def check_aggregation_size(spec: AggregatorSpec, coded: CodedAnswers, params: Mapping[str, Any]) -> None:
    """Refuse an aggregation whose dense arrays would not fit in memory, or whose passes over them
    would take too long, before fitting: every method holds ``n_tasks × n_labels`` posteriors, and
    Dawid–Skene-like methods a ``K × K`` confusion per worker (answers with thousands of distinct
    labels — free text — would take hundreds of GiB)."""
    tasks, workers, labels = coded.n_tasks, coded.n_workers, coded.n_labels
    what = f"{spec.name} on {tasks} tasks, {workers} workers and {labels} different labels"
    hint = "are the labels categories? free text needs grouping into classes first"
    confusion_cells = float(workers) * labels * labels if spec.dense_confusions else 0.0
    cells = float(tasks) * labels + confusion_cells
    needed = 8.0 * POSTERIOR_COPIES * tasks * labels + 8.0 * ANSWER_COPIES * coded.n_answers
    needed += 8.0 * CONFUSION_COPIES * confusion_cells
    check_memory(needed, what, hint)
    check_work(cells * spec.passes(params), AGGREGATION_WORK_LIMIT, what, "cell updates", hint)


def codes_only(coded: CodedAnswers) -> CodedAnswers:
    """The same answers with every id replaced by its code (what the models are fit on)."""
    return replace(
        coded,
        task_names=pd.RangeIndex(coded.n_tasks, name="task"),
        worker_names=pd.RangeIndex(coded.n_workers, name="worker"),
        label_names=pd.RangeIndex(coded.n_labels, name="label"),
    )


@dataclass(frozen=True)
class ClassCodec:
    """Classification answers as codes, and the fitted models' estimates decoded with the tie rule
    ``ties`` (see the module docstring)."""

    ties: TieBreak = DEFAULT_TIES

    def encode(self, answers: pd.DataFrame) -> CodedAnswers:
        return encode(answers)

    def check(self, spec: AggregatorSpec, coded: CodedAnswers, params: Mapping[str, Any]) -> None:
        check_aggregation_size(spec, coded, params)
        name = spec.name
        if spec.binary_only and coded.n_labels > 2:
            raise SandboxError(
                f"{name} handles two classes only, these answers have {coded.n_labels}; "
                "use mv, ds, glad or mace"
            )
        if coded.n_labels < spec.min_labels:
            raise SandboxError(
                f"{name} needs answers with at least {spec.min_labels} different labels, these have "
                f"{coded.n_labels} ({', '.join(map(str, coded.label_names[:5]))}); use mv or ds"
            )
        if spec.guard is not None:
            spec.guard(codes_only(coded))

    def fit_fast(self, model: FastAggregator, coded: CodedAnswers) -> pd.Series:
        model.tie_break = self.ties  # the votes the method takes on its way, too
        labels: pd.Series = model.fit_coded(codes_only(coded)).labels_
        return labels

    def fit_crowdkit(self, model: Any, coded: CodedAnswers) -> pd.Series:
        codes = codes_only(coded)
        frame = pd.DataFrame({"task": codes.task, "worker": codes.worker, "label": codes.label})
        labels: pd.Series = model.fit_predict(frame)
        scores = getattr(model, "scores_", None)  # a weighted vote's shares (MMSR), without posteriors
        if isinstance(scores, pd.DataFrame) and len(labels):
            table = scores.reindex(index=range(coded.n_tasks), columns=range(coded.n_labels)).fillna(0.0)
            best = break_ties(table.to_numpy(dtype=float), self.ties, codes.task, codes.label)[0]
            labels = pd.Series(best.take(labels.index.to_numpy().astype(np.int64)), index=labels.index)
        return labels

    def decode(self, fit: Fit[CodedAnswers], answers: pd.DataFrame) -> Aggregation:
        spec, coded, model, labels = fit.spec, fit.coded, fit.model, fit.fitted
        if labels.isna().any():
            raise AggregationFailed(f"{spec.name} did not converge on these answers (it produced no label)")
        posteriors = _posteriors(model, coded) if spec.gives_posteriors else None
        n_tied = 0
        if posteriors is not None:  # the argmax under the tie rule, whatever the engine chose
            best, n_tied = break_ties(posteriors, self.ties, coded.task, coded.label)
            labels = pd.Series(best.take(labels.index.to_numpy().astype(np.int64)), index=labels.index)
        skills = None
        if fit.implementation.skills is not None:
            skills = fit.implementation.skills(model, codes_only(coded), posteriors)
            if spec.undefined_skills_fail and not np.isfinite(skills).all():
                raise AggregationFailed(
                    f"{spec.name} did not converge on these answers (worker skills are undefined); "
                    "try ds or glad"
                )
        return Aggregation(
            aggregator=spec.name,
            labels=pd.Series(  # the tasks the method labelled (crowd-kit's MMSR may leave some out)
                coded.label_names.take(labels.to_numpy().astype(np.int64)),
                index=coded.task_names.take(labels.index.to_numpy().astype(np.int64)).rename("task"),
                name="label",
            ).sort_index(),
            probas=None if posteriors is None else _probas(posteriors, coded),
            skills=None if skills is None else _per_worker(skills, coded),
            seconds=fit.seconds,
            engine=fit.engine,
            n_tied=n_tied,
            confusion=_confusion(model.errors_, coded) if spec.estimates_confusion else None,
            priors=(
                pd.Series(_array(model.priors_, coded.n_labels), index=coded.label_names, name="prior")
                if spec.estimates_confusion
                else None
            ),
        )


def aggregate(
    name: str,
    answers: pd.DataFrame,
    engine: str = "fast",
    params: Mapping[str, Any] | None = None,
    ties: TieBreak | None = None,
) -> Aggregation:
    """Run classification method ``name`` on ``answers`` (``task, worker, label``) with ``engine``,
    hyperparameters ``params`` and tie rule ``ties`` (default: random, seed 0); SandboxError for a
    method of another kind or one that cannot handle the data, AggregationFailed when it does not
    converge."""
    spec = aggregator_spec(name)
    if KIND not in spec.kinds:
        raise SandboxError(f"{name} does not aggregate {KIND} answers; allowed: {_methods()}")
    return run_aggregation(spec, answers, engine, ClassCodec(ties or DEFAULT_TIES), params)


def _methods() -> str:
    from sandbox.aggregation.registry import aggregator_names

    return ", ".join(aggregator_names(KIND))


def _array(values: Any, size: int) -> np.ndarray[Any, np.dtype[np.float64]]:
    """A Series indexed by code as a float array over codes ``0 .. size - 1``."""
    return np.asarray(values.reindex(range(size)).to_numpy(dtype=float), dtype=float)


def _posteriors(model: Any, coded: CodedAnswers) -> np.ndarray[Any, np.dtype[np.float64]]:
    """The model's posteriors as an ``n_tasks × K`` array in code order (0 where it says nothing)."""
    if isinstance(model, FastAggregator):  # fitted on the codes: already that array
        fast: np.ndarray[Any, np.dtype[np.float64]] = model.posteriors_
        return fast
    probas = model.probas_.reindex(index=range(coded.n_tasks), columns=range(coded.n_labels))
    return np.asarray(probas.fillna(0.0).to_numpy(dtype=float), dtype=float)


def _probas(posteriors: np.ndarray[Any, np.dtype[np.float64]], coded: CodedAnswers) -> pd.DataFrame:
    frame = pd.DataFrame(
        posteriors, index=coded.task_names.rename("task"), columns=coded.label_names.rename("label")
    )
    return frame.sort_index()


def _per_worker(values: np.ndarray[Any, np.dtype[np.float64]], coded: CodedAnswers) -> pd.Series:
    series = pd.Series(values, index=coded.worker_names.rename("worker"), name="skill")
    return series.sort_index()


def _confusion(errors: pd.DataFrame, coded: CodedAnswers) -> pd.DataFrame:
    """Dawid–Skene's ``errors_`` with worker and label codes decoded."""
    workers = errors.index.get_level_values("worker").to_numpy().astype(np.int64)
    answered = errors.index.get_level_values("label").to_numpy().astype(np.int64)
    index = pd.MultiIndex.from_arrays(
        [coded.worker_names.take(workers), coded.label_names.take(answered)], names=["worker", "label"]
    )
    columns = coded.label_names.take(errors.columns.to_numpy().astype(np.int64)).rename("label")
    return pd.DataFrame(errors.to_numpy(dtype=float), index=index, columns=columns)
