"""Krippendorff's alpha (nominal) with a bootstrap interval, overall and per class (one-vs-rest).

From the task × label count table (:mod:`sandbox.metrics.label_counts`) of the tasks with at least
two answers: with n_tc the answers of class c on task t, n_t = Σ_c n_tc, N_c = Σ_t n_tc and
n = Σ_t n_t,

    alpha = 1 − D_o / D_e,   D_o = (1/n) Σ_t (n_t² − Σ_c n_tc²) / (n_t − 1),
                             D_e = (n² − Σ_c N_c²) / (n (n − 1))

(Krippendorff 2011, "Computing Krippendorff's alpha-reliability", nominal data, from the
coincidence matrix). Per class c the answers are recoded to "c or not c": the same formula on two
classes, whose per-task disagreement is 2 n_tc (n_t − n_tc) / (n_t − 1).

The interval resamples the *units* (tasks, with all their answers) with replacement, as Hayes &
Krippendorff (2007, "Answering the call for a standard reliability measure for coding data") advise
for the unit of analysis: a resample gives each task a multinomial weight, and every sum above is a
weighted sum, so one resample costs one pass over the table (no copy of the answers); tasks whose
answers count the same are one row of the table, drawn together (a multinomial over the distinct
rows, whose number is small next to the tasks on most exports). The interval
is the percentile interval of the resampled alphas (undefined resamples, e.g. of one class only,
are left out and counted). The tasks are drawn in an order that depends on their answers alone
(:func:`sandbox.metrics.label_counts.canonical_order`), so the interval does not change when tasks
or workers are renamed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import sparse

from sandbox.metrics.label_counts import LabelCounts, canonical_order, squared_sums
from sandbox.resources import check_work

#: Resamples of the bootstrap unless asked otherwise.
DEFAULT_RESAMPLES = 1000
#: The interval's coverage.
LEVEL = 0.95
#: At most this many table cells are updated by one bootstrap (resamples × (tasks + table entries)).
MAX_BOOTSTRAP_WORK = 2e9
#: At most this many task weights are held at once (resamples are drawn in blocks of this size).
BLOCK_CELLS = 1 << 22
#: The row of the overall alpha in :func:`alpha_table`.
ALL = "(all classes)"


@dataclass(frozen=True)
class _Sums:
    """The terms of alpha per distinct task row (tasks whose answers count the same are one row,
    ``multiplicity`` tasks): answers ``n``, overall disagreement ``observed``, and per class the
    counts and one-vs-rest disagreements (sparse, rows × classes)."""

    multiplicity: NDArray[np.float64]
    n: NDArray[np.float64]
    observed: NDArray[np.float64]
    counts: sparse.csr_matrix
    class_observed: sparse.csr_matrix


def distinct_rows(table: LabelCounts) -> tuple[sparse.csr_matrix, NDArray[np.float64]]:
    """The distinct count rows of the tasks with two answers or more, in the canonical order
    (:func:`sandbox.metrics.label_counts.canonical_order`), and how many tasks have each."""
    pairable = table.pairable()
    counts = pairable.counts[canonical_order(pairable)]
    if counts.shape[0] == 0:
        return counts, np.zeros(0)
    changes: Any = counts[1:] - counts[:-1]
    changes.eliminate_zeros()
    starts = np.r_[0, 1 + np.flatnonzero(np.diff(changes.indptr))]  # identical rows are adjacent
    multiplicity = np.diff(np.r_[starts, counts.shape[0]]).astype(np.float64)
    return counts[starts], multiplicity


def _sums(table: LabelCounts) -> _Sums:
    counts, multiplicity = distinct_rows(table)
    n = np.asarray(counts.sum(axis=1), dtype=np.float64).ravel()
    observed = (n * n - squared_sums(counts)) / (n - 1.0)
    per_class = counts.copy()
    rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
    per_class.data = 2.0 * counts.data * (n[rows] - counts.data) / (n[rows] - 1.0)
    return _Sums(multiplicity, n, observed, counts, per_class)


def _alphas(
    n: NDArray[np.float64], observed: NDArray[np.float64], totals: NDArray[np.float64], class_observed: Any
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Overall and per-class alphas of weighted sums (one row per resample): ``n``, ``observed``
    (resamples), ``totals`` and ``class_observed`` (resamples × classes)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        pairs = n * (n - 1.0)
        expected = (n * n - np.sum(totals * totals, axis=1)) / pairs
        overall = 1.0 - (observed / n) / expected
        class_expected = 2.0 * totals * (n[:, None] - totals) / pairs[:, None]
        per_class = 1.0 - (class_observed / n[:, None]) / class_expected
    overall = np.where(np.isfinite(overall), overall, np.nan)
    per_class = np.where(np.isfinite(per_class), per_class, np.nan)
    return overall, per_class


def alpha_table(
    table: LabelCounts,
    rng: np.random.Generator,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    level: float = LEVEL,
) -> pd.DataFrame:
    """Alpha and its bootstrap interval, overall (row :data:`ALL`) and per class.

    Returns a DataFrame indexed by ``class`` (the overall row first, then the labels in sorted
    order) with columns ``alpha``, ``low``, ``high`` (NaN where undefined or ``resamples`` is 0),
    ``answers`` (answers of that class on tasks with two or more; all of them on the overall row)
    and ``resamples`` (the resamples where alpha was defined).
    """
    sums = _sums(table)
    n_tasks = int(sums.multiplicity.sum())
    check_work(
        resamples * (min(n_tasks, 8 * len(sums.multiplicity)) + sums.counts.nnz),
        MAX_BOOTSTRAP_WORK,
        "the agreement bootstrap",
        "table updates",
        "ask for fewer resamples",
    )
    index = pd.Index([ALL, *table.labels.tolist()], name="class", dtype=object)
    weights = sums.multiplicity[None, :]
    totals = np.asarray((sums.counts.T.tocsr() @ weights.T).T)
    answers = np.r_[(weights @ sums.n).ravel(), totals.ravel()].astype(np.int64)
    if n_tasks == 0:
        empty = np.full(len(index), np.nan)
        return pd.DataFrame(
            {"alpha": empty, "low": empty, "high": empty, "answers": answers, "resamples": 0}, index=index
        )
    class_observed = np.asarray((sums.class_observed.T.tocsr() @ weights.T).T)
    overall, per_class = _alphas(weights @ sums.n, weights @ sums.observed, totals, class_observed)
    estimate = np.r_[overall, per_class[0]]
    drawn = _bootstrap(sums, rng, resamples)
    low, high, defined = np.full(len(index), np.nan), np.full(len(index), np.nan), np.zeros(len(index), int)
    if drawn is not None:
        defined = np.sum(~np.isnan(drawn), axis=0)
        tail = (1.0 - level) / 2.0
        for column in np.flatnonzero(defined):
            values = drawn[:, column]
            low[column], high[column] = np.quantile(values[~np.isnan(values)], [tail, 1.0 - tail])
    return pd.DataFrame(
        {"alpha": estimate, "low": low, "high": high, "answers": answers, "resamples": defined}, index=index
    )


def resample_weights(
    rng: np.random.Generator, size: int, multiplicity: NDArray[np.float64]
) -> NDArray[np.float64]:
    """``size`` × rows: how many tasks of each distinct row (``multiplicity`` tasks each) each of
    ``size`` resamples draws, when a resample draws as many tasks as there are, uniformly with
    replacement. A multinomial over the rows when they are few next to the tasks; else drawn as
    task indices (numpy's multinomial is slow over many categories)."""
    n_tasks = int(multiplicity.sum())
    if len(multiplicity) * 8 <= n_tasks:
        drawn: NDArray[np.float64] = rng.multinomial(n_tasks, multiplicity / n_tasks, size=size).astype(
            np.float64
        )
        return drawn
    row_of_task = np.repeat(np.arange(len(multiplicity)), multiplicity.astype(np.int64))
    rows = row_of_task[rng.integers(0, n_tasks, size=(size, n_tasks))]
    rows += (np.arange(size) * len(multiplicity))[:, None]
    counts = np.bincount(rows.ravel(), minlength=size * len(multiplicity))
    return counts.reshape(size, len(multiplicity)).astype(np.float64)


def _bootstrap(sums: _Sums, rng: np.random.Generator, resamples: int) -> NDArray[np.float64] | None:
    """Resamples × (1 + classes) alphas of task resamples (see the module docstring)."""
    if resamples <= 0:
        return None
    block = max(1, BLOCK_CELLS // int(sums.multiplicity.sum()))
    rows = []
    counts_t, observed_t = sums.counts.T.tocsr(), sums.class_observed.T.tocsr()
    for start in range(0, resamples, block):
        size = min(block, resamples - start)
        weights = resample_weights(rng, size, sums.multiplicity)
        totals = np.asarray((counts_t @ weights.T).T)
        class_observed = np.asarray((observed_t @ weights.T).T)
        overall, per_class = _alphas(weights @ sums.n, weights @ sums.observed, totals, class_observed)
        rows.append(np.column_stack([overall, per_class]))
    return np.vstack(rows)
