"""Which workers answer which task: ``redundancy`` distinct workers per task, vectorized."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from sandbox.errors import SandboxError

#: Random keys drawn per block of tasks (bounds memory at ~64 MB whatever the pool size).
KEYS_PER_BLOCK = 8_000_000


def assign_workers(
    n_tasks: int, pool_size: int, redundancy: int, rng: np.random.Generator
) -> tuple[NDArray[Any], NDArray[Any]]:
    """Pick ``redundancy`` distinct workers uniformly for each task.

    Returns ``(task_position, worker)``, int64 arrays of length ``n_tasks * redundancy``, sorted by task.
    Each task draws one random key per worker and keeps the ``redundancy`` smallest keys, which is a
    uniform sample without replacement; tasks are processed in blocks to bound memory.
    """
    if redundancy < 1:
        raise SandboxError(f"redundancy must be >= 1, got {redundancy}")
    if redundancy > pool_size:
        raise SandboxError(
            f"redundancy {redundancy} is larger than the pool of {pool_size} workers; "
            f"allowed: 1..{pool_size} (a worker never answers a task twice)"
        )
    block = max(1, KEYS_PER_BLOCK // pool_size)
    chosen = []
    for start in range(0, n_tasks, block):
        rows = min(block, n_tasks - start)
        keys = rng.random((rows, pool_size))
        chosen.append(np.argpartition(keys, redundancy - 1, axis=1)[:, :redundancy])
    workers = np.concatenate(chosen).reshape(-1) if chosen else np.empty(0, dtype=np.int64)
    tasks = np.repeat(np.arange(n_tasks, dtype=np.int64), redundancy)
    return tasks, workers.astype(np.int64)
