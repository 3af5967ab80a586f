"""Which workers answer which task: distinct workers per task, weighted by activity, vectorized.

Sampling without replacement with weights uses Efraimidis–Spirakis keys: each (task, worker) gets
key = Exp(1) / weight and a task takes its ``need`` smallest keys. Equal weights give a uniform
sample; a weight of 0 (banned, not admitted) or an earlier answer on the task excludes the worker.

That costs one random key per task and pool member. Datasets of more than ``SEQUENTIAL_TASKS`` tasks
instead draw each empty slot's worker in proportion to the weights and redraw the slots that repeat
a worker the task already has: O(redundancy) per task, and the same distribution (successive
sampling: each pick proportional to weight among the workers not yet picked, which is what the
smallest keys are), but other random numbers, so smaller datasets keep their campaigns draw for draw.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from foundation.errors import SandboxError

#: Random keys drawn per block of tasks (bounds memory at ~64 MB whatever the pool size).
KEYS_PER_BLOCK = 8_000_000
#: Above this many tasks (dataset rows), workers are drawn slot by slot with repeats redrawn instead
#: of by keys: 2M tasks × a pool of 200 took 400M keys (5 s), the draws take 10M.
SEQUENTIAL_TASKS = 250_000
#: Rounds of redrawing repeats; the few tasks still short of workers then take keys for the rest
#: (only likely when a task needs nearly every eligible worker, or the last ones weigh very little).
REDRAW_ROUNDS = 8
#: Slot markers in the draws' task × slot matrix (workers are >= 0).
_EMPTY, _UNWANTED = -1, -2


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
    enough eligible ones remain. By keys up to ``SEQUENTIAL_TASKS`` tasks, by draws above.
    """
    if len(need) > SEQUENTIAL_TASKS:
        return assign_by_draws(need, weights, answered_task, answered_worker, rng)
    return assign_by_keys(need, weights, answered_task, answered_worker, rng)


def assign_by_keys(
    need: NDArray[Any],
    weights: NDArray[Any],
    answered_task: NDArray[Any],
    answered_worker: NDArray[Any],
    rng: np.random.Generator,
) -> tuple[NDArray[Any], NDArray[Any]]:
    """:func:`assign_slots` by Efraimidis–Spirakis keys (one Exp(1) / weight per task and worker)."""
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


def assign_by_draws(
    need: NDArray[Any],
    weights: NDArray[Any],
    answered_task: NDArray[Any],
    answered_worker: NDArray[Any],
    rng: np.random.Generator,
    rounds: int = REDRAW_ROUNDS,
) -> tuple[NDArray[Any], NDArray[Any]]:
    """:func:`assign_slots` by draws: every empty slot of a task draws a worker with probability
    ``weights / weights.sum()``; a slot that repeats a worker the task has (drawn, or answered
    before) is emptied and redrawn in the next round. What a task keeps is the first ``need``
    distinct new workers of a stream of independent draws: successive sampling, as by keys. After
    ``rounds`` rounds the slots still empty are filled by keys among the workers not yet picked.

    ``answered_*`` pairs must be distinct (a worker answers a task at most once). Each task gets
    ``min(need, eligible workers it has not had)`` workers, like :func:`assign_by_keys`.
    """
    none = np.empty(0, dtype=np.int64)
    eligible = np.flatnonzero(weights > 0)
    had = weights[answered_worker] > 0  # earlier answers by workers who could be drawn again
    available = len(eligible) - np.bincount(answered_task[had], minlength=len(need))
    need = np.minimum(need, available)
    rows = np.flatnonzero(need > 0)
    if len(rows) == 0:
        return none, none
    pool_size = len(weights)
    width = int(need[rows].max())
    slots = np.where(np.arange(width) < need[rows][:, None], _EMPTY, _UNWANTED).astype(np.int32)
    row_of_task = np.full(len(need), -1, dtype=np.int64)
    row_of_task[rows] = np.arange(len(rows))
    earlier = had & (row_of_task[answered_task] >= 0)
    excluded = np.sort(row_of_task[answered_task[earlier]] * pool_size + answered_worker[earlier])
    cumulative = None if np.all(weights[eligible] == weights[eligible[0]]) else np.cumsum(weights[eligible])
    pending = np.arange(len(rows))  # rows of ``slots`` with an empty slot
    for _ in range(rounds):
        if len(pending) == 0:
            break
        block = slots if len(pending) == len(slots) else slots[pending]
        empty = block == _EMPTY
        block[empty] = _draw_workers(int(empty.sum()), eligible, cumulative, rng)
        block = _empty_repeats(block, pending, excluded, pool_size)
        slots[pending] = block
        pending = pending[(block == _EMPTY).any(axis=1)]
    if len(pending):
        _fill_by_keys(slots, pending, rows, len(need), weights, (answered_task, answered_worker), rng)
    keep = slots >= 0
    return np.broadcast_to(rows[:, None], slots.shape)[keep], slots[keep].astype(np.int64)


def _draw_workers(
    size: int, eligible: NDArray[Any], cumulative: NDArray[Any] | None, rng: np.random.Generator
) -> NDArray[Any]:
    """``size`` independent workers among ``eligible``: uniform when ``cumulative`` (their
    cumulative weights) is None, else each with probability proportional to its weight."""
    if cumulative is None:
        return eligible[rng.integers(0, len(eligible), size=size)]
    point = rng.random(size)
    point *= cumulative[-1]
    index = np.searchsorted(cumulative, point, side="right")
    return eligible[np.minimum(index, len(eligible) - 1)]  # a rounding at the very top stays in range


def _empty_repeats(
    block: NDArray[Any], pending: NDArray[Any], excluded: NDArray[Any], pool_size: int
) -> NDArray[Any]:
    """``block`` (rows ``pending`` of the slot matrix, no empty slot) with each row sorted and every
    slot that repeats a worker of its row, or an ``excluded`` key (row * pool_size + worker), emptied.
    Which copy of a repeat is kept does not matter: the row's set of workers is the same."""
    block = np.sort(block, axis=1)
    repeat = (block[:, 1:] == block[:, :-1]) & (block[:, 1:] >= 0)
    block[:, 1:][repeat] = _EMPTY
    if len(excluded):
        key = pending[:, None] * pool_size + block
        found = excluded[np.minimum(np.searchsorted(excluded, key), len(excluded) - 1)] == key
        block[found & (block >= 0)] = _EMPTY
    return block


def _fill_by_keys(
    slots: NDArray[Any],
    pending: NDArray[Any],
    rows: NDArray[Any],
    n_tasks: int,
    weights: NDArray[Any],
    answered: tuple[NDArray[Any], NDArray[Any]],
    rng: np.random.Generator,
) -> None:
    """Fill the empty slots of rows ``pending`` (in place) by keys, excluding the workers their task
    (``rows``: task positions of the slot rows, out of ``n_tasks``) had before (``answered``: task,
    worker pairs) and has drawn: successive sampling goes on among the workers not yet picked."""
    block = slots[pending]
    empty = block == _EMPTY
    need = np.zeros(n_tasks, dtype=np.int64)
    need[rows[pending]] = empty.sum(axis=1)
    drawn = block >= 0
    task = np.concatenate([answered[0], np.broadcast_to(rows[pending][:, None], block.shape)[drawn]])
    worker = np.concatenate([answered[1], block[drawn]])
    _, chosen = assign_by_keys(need, weights, task, worker, rng)  # sorted by task, as rows are
    block[empty] = chosen
    slots[pending] = block
