"""Running crowd-kit aggregators cleanly: quiet output, global random state kept, MMSR's memory and
work estimated before it runs (never by building what it would build).

crowd-kit 1.4.2 is pinned with scikit-learn < 1.8 and pandas < 3 (see pyproject.toml); its remaining
FutureWarning/DeprecationWarning/RuntimeWarning noise is silenced here, never globally.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from foundation.errors import SandboxError
from sandbox.resources import check_work, gigabytes, memory_budget

if TYPE_CHECKING:
    from sandbox.aggregation.fast.coding import CodedAnswers, IntArray

#: MMSR's sign step builds a dense square matrix over workers + positively correlated worker pairs.
MMSR_MEMORY_LIMIT_BYTES = 2 * 1024**3
#: crowd-kit's covariance loop runs over every pair of workers in Python (about a minute at 7,000).
MMSR_WORK_LIMIT = 5e7
_PAIRS_PER_BLOCK = 4_000_000
_ADVICE = "use ds, glad or mace on crowds this size"


class AggregationFailed(SandboxError):
    """An aggregator could not produce labels on this data (e.g. no convergence)."""


@contextmanager
def quiet_crowdkit() -> Iterator[None]:
    """Run crowd-kit quietly and without side effects for the duration of one aggregation.

    Silences its library warnings, and restores numpy's global random state afterwards (KOS calls
    ``np.random.seed``; the project never lets the global state change under a user's feet).
    """
    global_state = np.random.get_state()  # noqa: NPY002 (guarding the global state)
    try:
        with warnings.catch_warnings():
            for category in (FutureWarning, DeprecationWarning, RuntimeWarning, UserWarning):
                warnings.simplefilter("ignore", category)
            yield
    finally:
        np.random.set_state(global_state)  # noqa: NPY002 (guarding the global state)


def _positive_pairs(worker: IntArray, task: IntArray, label: IntArray, k: int, most: int) -> int:
    """Worker pairs (i < j) whose crowd-kit covariance is positive (they agree on more than 1/K of
    their common tasks), counted by sparse products over blocks of workers; counting stops once
    ``most`` is exceeded (the answer is then ``most + 1``)."""
    from scipy import sparse

    n_workers = int(worker.max()) + 1
    n_tasks = int(task.max()) + 1
    ones = np.ones(len(worker))
    seen = sparse.csr_matrix((ones, (worker, task)), shape=(n_workers, n_tasks))
    said = sparse.csr_matrix((ones, (worker, task * k + label)), shape=(n_workers, n_tasks * k))
    block = max(1, _PAIRS_PER_BLOCK // n_workers)
    found = 0
    for start in range(0, n_workers, block):
        rows = slice(start, min(start + block, n_workers))
        common = (seen[rows] @ seen.T).tocoo()
        agree = (said[rows] @ said.T).tocsr()
        upper = common.col > common.row + start
        i, j, shared = common.row[upper], common.col[upper], common.data[upper]
        agreed = np.asarray(agree[i, j]).ravel()
        found += int(np.count_nonzero(agreed * k > shared))
        if found > most:
            return most + 1
    return found


def check_mmsr_memory(codes: CodedAnswers) -> None:
    """Refuse MMSR before it runs when crowd-kit would need more memory or work than allowed.

    Estimated without building anything dense (see the module docstring): crowd-kit builds a
    workers × tasks observation matrix (and two sign copies), four workers × workers matrices, and
    for the sign step a dense square matrix over workers + positively correlated worker pairs
    (P, counted here by sparse products, stopping as soon as the limit is out of reach); its
    covariance loop takes workers² Python steps.
    """
    pairs = pd.DataFrame({"task": codes.task, "worker": codes.worker, "label": codes.label})
    pairs = pairs.drop_duplicates(["task", "worker"], keep="last")  # crowd-kit keeps the last
    n_workers, n_tasks, k = codes.n_workers, codes.n_tasks, codes.n_labels
    steps = n_workers * n_workers + codes.n_answers
    check_work(steps, MMSR_WORK_LIMIT, f"mmsr on {n_workers} workers", "Python steps", _ADVICE)
    limit = min(MMSR_MEMORY_LIMIT_BYTES, memory_budget())
    base = 8 * (3 * n_workers * n_tasks + 4 * n_workers * n_workers)
    side_bytes = 4 * 8  # the sign matrix, its normalised copy, the identity added, solver space
    most = int(np.sqrt(max(limit - base, 0) / side_bytes)) - n_workers
    per_task = np.bincount(pairs["task"].to_numpy(), minlength=n_tasks).astype(np.int64)
    bound = int((per_task * (per_task - 1) // 2).sum())  # co-occurrences: at least the pairs
    positive = 0
    if most >= 0 and bound > most:
        positive = _positive_pairs(
            pairs["worker"].to_numpy(), pairs["task"].to_numpy(), pairs["label"].to_numpy(), k, most
        )
    if most < 0 or positive > most:
        needed = base + side_bytes * (n_workers + positive) ** 2
        pairs_text = f"{positive}+" if positive > most >= 0 else "any"
        raise SandboxError(
            f"mmsr would need at least {gigabytes(needed)} here ({n_workers} workers, {n_tasks} tasks, "
            f"{pairs_text} positively correlated pairs; limit {gigabytes(limit)}); {_ADVICE}"
        )
