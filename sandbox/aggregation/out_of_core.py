"""Majority vote and Dawid–Skene over answers streamed in coded batches (answers larger than memory).

The answers are never held: every pass over them is a *reduction*, a sum over batches of a
per-batch array whose size depends only on the tasks, workers and labels —

- ``counts``: answers per (task, label) and per (worker·K + label) cell;
- ``expected``: expected counts per cell and true class under task posteriors (``Aᵀ · post``);
- ``logits``: per task and class, the summed log confusion of its answers (``A · log errors``).

:class:`Reductions` is where a pass runs: :class:`StreamedReductions` here (batches read one after
another), or on a Dask cluster (``sandbox.experiment.dask_reductions``). The EM is the fast
engine's (``sandbox.aggregation.fast.classification.ds``) step for step — MV initialisation,
M-step, E-step, crowd-kit's ELBO stopping rule, ``n_iter=100, tol=1e-5`` — so results agree with
it up to floating-point summation order (well within 1e-8). Tied tasks are broken by the rule of
:mod:`sandbox.aggregation.ties`, whose draws are keyed by answer row: one more pass finds the first
rows of the tied tasks' labels (:meth:`Reductions.first_rows`, batches folded in order). Memory: task
posteriors (n_tasks × K), confusions (n_workers × K × K) and one batch.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from foundation.errors import SandboxError
from sandbox.aggregation.aggregate import Aggregation
from sandbox.aggregation.fast.classification.ds import EPS, confusion_errors, evidence_lower_bound
from sandbox.aggregation.fast.classification.mv import vote_shares
from sandbox.aggregation.fast.coding import FloatArray, IntArray
from sandbox.aggregation.fast.rows import column_sums, softmax_rows
from sandbox.aggregation.ties import DEFAULT_TIES, FirstRows, TieBreak, break_ties_by, first_rows
from sandbox.resources import one_blas_thread

#: What a pass computes (see the module docstring).
Reduction = Literal["counts", "expected", "logits"]
#: Aggregators that run out of core.
OUT_OF_CORE_AGGREGATORS = ("mv", "ds")
CodedBatch = tuple[IntArray, IntArray, IntArray]


@dataclass(frozen=True)
class Sizes:
    """Numbers of distinct tasks, workers and labels (the codes' ranges)."""

    n_tasks: int
    n_workers: int
    n_labels: int


def reduce_batch(
    kind: Reduction, batch: CodedBatch, sizes: Sizes, parameter: FloatArray | None = None
) -> FloatArray:
    """One batch's share of a reduction (``parameter``: posteriors for ``expected``, log
    confusions for ``logits``); shares of all batches add up to the pass's result."""
    task, worker, label = batch
    k = sizes.n_labels
    cell = worker * k + label
    if kind == "counts":
        per_task = np.bincount(task * k + label, minlength=sizes.n_tasks * k)
        per_cell = np.bincount(cell, minlength=sizes.n_workers * k)
        return np.concatenate([per_task, per_cell]).astype(np.float64)
    assert parameter is not None, f"the {kind} reduction needs its parameter"
    if kind == "expected":
        rows, length = parameter[task], sizes.n_workers * k
        index = cell
    else:
        rows, length = parameter[cell], sizes.n_tasks
        index = task
    out = np.empty((length, k), dtype=np.float64)
    for column in range(k):
        out[:, column] = np.bincount(index, weights=rows[:, column], minlength=length)
    return out


def first_rows_batch(batch: CodedBatch, sizes: Sizes, tied: IntArray) -> tuple[FirstRows, int]:
    """(first rows within ``batch`` of the tied tasks ``tied``, the batch's number of rows)."""
    task, _, label = batch
    return first_rows(task, label, tied, sizes.n_tasks, sizes.n_labels), len(task)


def fold_first_rows(total: FirstRows | None, part: FirstRows, offset: int) -> FirstRows:
    """``total`` (rows before ``offset``) and ``part`` (a later batch's rows, counted from 0): the
    first rows of both, earlier rows kept."""
    if total is None:
        total = FirstRows(
            np.full_like(part.cell, -1), np.full_like(part.label, -1), np.full_like(part.task, -1)
        )
    for kept, new in ((total.cell, part.cell), (total.label, part.label), (total.task, part.task)):
        unset = (kept < 0) & (new >= 0)
        kept[unset] = new[unset] + offset
    return total


class Reductions(Protocol):
    """Runs a pass over all the answers; ``passes`` counts the passes made."""

    sizes: Sizes
    passes: int

    def reduce(self, kind: Reduction, parameter: FloatArray | None = None) -> FloatArray:
        """The sum over all batches of :func:`reduce_batch`."""
        ...

    def first_rows(self, tied: IntArray) -> FirstRows:
        """The first rows of the tied tasks ``tied`` over all batches in order (one pass; rows
        counted across batches): what the seeded tie rule draws at."""
        ...


class StreamedReductions:
    """Passes in this process: ``batches()`` starts a fresh pass over the coded batches."""

    def __init__(self, batches: Callable[[], Iterable[CodedBatch]], sizes: Sizes) -> None:
        self.batches = batches
        self.sizes = sizes
        self.passes = 0

    def reduce(self, kind: Reduction, parameter: FloatArray | None = None) -> FloatArray:
        total: FloatArray | None = None
        for batch in self.batches():
            part = reduce_batch(kind, batch, self.sizes, parameter)
            if total is None:
                total = part
            else:
                total += part
        self.passes += 1
        if total is None:
            raise SandboxError("the answers are empty; aggregation needs at least one answer")
        return total

    def first_rows(self, tied: IntArray) -> FirstRows:
        total, offset = None, 0
        for batch in self.batches():
            part, n_rows = first_rows_batch(batch, self.sizes, tied)
            total = fold_first_rows(total, part, offset)
            offset += n_rows
        self.passes += 1
        if total is None:
            raise SandboxError("the answers are empty; aggregation needs at least one answer")
        return total


@dataclass(frozen=True)
class StreamedFit:
    """What a streamed method estimated, in codes: posteriors (n_tasks × K), iterations,
    convergence, and for Dawid–Skene the log-likelihood, priors (K) and confusions ((W·K) × K, rows
    of unobserved cells meaningless, ``observed`` marks the others)."""

    posteriors: FloatArray
    n_iter: int
    converged: bool
    loglikelihood: float | None = None
    priors: FloatArray | None = None
    errors: FloatArray | None = None
    observed: NDArray[np.bool_] | None = None


def _votes(reductions: Reductions) -> tuple[FloatArray, FloatArray]:
    """(answers per task and label, answers per cell) in one pass."""
    sizes = reductions.sizes
    flat = reductions.reduce("counts")
    split = sizes.n_tasks * sizes.n_labels
    return flat[:split].reshape(sizes.n_tasks, sizes.n_labels), flat[split:]


def majority_vote(reductions: Reductions) -> StreamedFit:
    """Vote shares per task (one pass); ties are broken when decoding (:func:`aggregate_streamed`)."""
    with one_blas_thread():
        scores, _ = _votes(reductions)
        return StreamedFit(vote_shares(scores), n_iter=1, converged=True)


def dawid_skene(reductions: Reductions, n_iter: int = 100, tol: float = 1e-5) -> StreamedFit:
    """Dawid–Skene EM as the fast engine runs it: one pass for the vote, one for the first M-step,
    then two per iteration (E-step logits, M-step expected counts)."""
    sizes = reductions.sizes
    with one_blas_thread():
        scores, per_cell = _votes(reductions)
        observed = per_cell > 0
        answers_per_task = scores.sum(axis=1)
        n_answers = int(per_cell.sum())
        post = vote_shares(scores)
        counts = reductions.reduce("expected", post)
        log_errors = np.log(confusion_errors(counts, observed, sizes.n_workers, sizes.n_labels))
        priors = column_sums(post) / post.shape[0]
        loss = -np.inf
        converged, done, loglikelihood = False, 0, None
        for _ in range(n_iter):
            logits = reductions.reduce("logits", log_errors) + np.log(np.maximum(priors, EPS))
            post, log_norm = softmax_rows(logits)
            loglikelihood = float(log_norm.sum())
            priors = column_sums(post) / post.shape[0]
            counts = reductions.reduce("expected", post)
            log_errors = np.log(confusion_errors(counts, observed, sizes.n_workers, sizes.n_labels))
            new_loss = evidence_lower_bound(counts, log_errors, post, answers_per_task) / n_answers
            done += 1
            if new_loss - loss < tol:
                converged = True
                break
            loss = new_loss
    return StreamedFit(post, done, converged, loglikelihood, priors, np.exp(log_errors), observed)


FITTERS: dict[str, Callable[[Reductions], StreamedFit]] = {"mv": majority_vote, "ds": dawid_skene}


def check_out_of_core(names: Iterable[str]) -> None:
    """SandboxError naming the allowed methods when one of ``names`` cannot run out of core."""
    for name in names:
        if name not in FITTERS:
            raise SandboxError(
                f"aggregator {name!r} does not run out of core (answers in a directory or glob); "
                f"allowed: {', '.join(OUT_OF_CORE_AGGREGATORS)}"
            )


def aggregate_streamed(
    name: str,
    reductions: Reductions,
    tasks: pd.Index,
    workers: pd.Index,
    labels: pd.Index,
    ties: TieBreak = DEFAULT_TIES,
) -> Aggregation:
    """Run ``name`` (``mv`` or ``ds``) over ``reductions`` and decode it with the names of tasks,
    workers and labels in code order: the in-memory :class:`Aggregation`, without worker skills.
    Tied tasks (``n_tied``) are broken by ``ties`` as in memory: the seeded rule draws at the first
    rows of the tied tasks' labels, found by one more pass (only when a task is tied), so the labels
    are those of the same answers read whole, in the same row order."""
    check_out_of_core([name])
    start = time.perf_counter()
    fit = FITTERS[name](reductions)
    best, n_tied = break_ties_by(fit.posteriors, ties, reductions.first_rows)
    seconds = time.perf_counter() - start
    task_index = tasks.rename("task")
    label_index = labels.rename("label")
    confusion = priors = None
    if fit.errors is not None and fit.observed is not None and fit.priors is not None:
        cells = np.flatnonzero(fit.observed)
        k = len(labels)
        index = pd.MultiIndex.from_arrays(
            [workers.take(cells // k), labels.take(cells % k)], names=["worker", "label"]
        )
        confusion = pd.DataFrame(fit.errors[cells], index=index, columns=label_index)
        priors = pd.Series(fit.priors, index=labels, name="prior")
    return Aggregation(
        aggregator=name,
        labels=pd.Series(labels.take(best), index=task_index, name="label"),
        probas=pd.DataFrame(fit.posteriors, index=task_index, columns=label_index),
        skills=None,
        seconds=seconds,
        engine="fast",
        n_tied=n_tied,
        confusion=confusion,
        priors=priors,
    )
