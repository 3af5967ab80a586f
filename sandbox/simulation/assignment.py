"""Which workers answer which task: distinct workers per task, weighted by activity, vectorized.

Sampling without replacement with weights uses Efraimidis–Spirakis keys: each (task, worker) gets
key = Exp(1) / weight and a task takes its ``need`` smallest keys. Equal weights give a uniform
sample; a weight of 0 (banned, not admitted) or an earlier answer on the task excludes the worker.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from annotators.errors import SandboxError

#: Random keys drawn per block of tasks (bounds memory at ~64 MB whatever the pool size).
KEYS_PER_BLOCK = 8_000_000


def check_redundancy(redundancy: int, pool_size: int) -> None:
    """A task cannot get more distinct workers than the pool has."""
    if redundancy < 1:
        raise SandboxError(f"redundancy must be >= 1, got {redundancy}")
    if redundancy > pool_size:
        raise SandboxError(
            f"redundancy {redundancy} is larger than the pool of {pool_size} workers; "
            f"allowed: 1..{pool_size} (a worker never answers a task twice)"
        )


def assign_slots(
    need: NDArray[Any],
    weights: NDArray[Any],
    answered_task: NDArray[Any],
    answered_worker: NDArray[Any],
    rng: np.random.Generator,
) -> tuple[NDArray[Any], NDArray[Any]]:
    """Give task t ``need[t]`` workers it has not had, with probability growing with ``weights``.

    ``answered_task``/``answered_worker``: pairs already used (never repeated). Returns
    ``(task_position, worker)`` int64 arrays sorted by task; a task gets fewer workers when not
    enough eligible ones remain.
    """
    pool_size = len(weights)
    rows = np.flatnonzero(need > 0)
    if len(rows) == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    with np.errstate(divide="ignore"):
        inverse_weight = np.where(weights > 0, 1.0 / np.maximum(weights, 1e-300), np.inf)
    uniform = bool(np.all(inverse_weight == 1.0))  # multiplying by 1.0 changes nothing
    row_of_task = np.full(len(need), -1, dtype=np.int64)
    tasks_out, workers_out = [], []
    block = max(1, KEYS_PER_BLOCK // pool_size)
    for start in range(0, len(rows), block):
        block_rows = rows[start : start + block]
        keys = rng.exponential(size=(len(block_rows), pool_size))
        if not uniform:
            keys *= inverse_weight  # in place: one block-sized array, not two
        row_of_task[block_rows] = np.arange(len(block_rows))
        used = row_of_task[answered_task] >= 0 if len(answered_task) else np.zeros(0, dtype=bool)
        keys[row_of_task[answered_task[used]], answered_worker[used]] = np.inf
        row_of_task[block_rows] = -1
        width = min(int(need[block_rows].max()), pool_size)
        chosen, chosen_keys = _smallest_keys(keys, width)
        keep = (np.arange(width)[None, :] < need[block_rows][:, None]) & np.isfinite(chosen_keys)
        tasks_out.append(np.broadcast_to(block_rows[:, None], chosen.shape)[keep])
        workers_out.append(chosen[keep])
    return np.concatenate(tasks_out).astype(np.int64), np.concatenate(workers_out).astype(np.int64)


#: Up to this many workers per task are picked by repeated row minima (one fast pass each);
#: more by a partition of every row.
ARGMIN_WIDTH = 16


def _smallest_keys(keys: NDArray[Any], width: int) -> tuple[NDArray[Any], NDArray[Any]]:
    """Per row of ``keys`` (overwritten), the columns of its ``width`` smallest keys in ascending
    order, and those keys. Repeated ``argmin`` (each pick then set to inf) for small widths is ten
    times faster than ``argpartition`` on rows of hundreds of keys, and picks the same columns
    whenever the keys are distinct (ties between finite exponential draws do not occur)."""
    if width > ARGMIN_WIDTH:
        candidates = np.argpartition(keys, width - 1, axis=1)[:, :width]
        candidate_keys = np.take_along_axis(keys, candidates, axis=1)
        ranking = np.argsort(candidate_keys, axis=1, kind="stable")
        return np.take_along_axis(candidates, ranking, axis=1), np.take_along_axis(
            candidate_keys, ranking, axis=1
        )
    rows = np.arange(len(keys))
    chosen = np.empty((len(keys), width), dtype=np.int64)
    chosen_keys = np.empty((len(keys), width))
    for rank in range(width):
        column = keys.argmin(axis=1)
        chosen[:, rank] = column
        chosen_keys[:, rank] = keys[rows, column]
        keys[rows, column] = np.inf
    return chosen, chosen_keys
