"""Worker assignment: the smallest random keys of each task's row, found two ways, agree."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox.simulation import assignment


def _by_partition(keys: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """numpy's partition, then a stable sort of the candidates (the reference)."""
    candidates = np.argpartition(keys, width - 1, axis=1)[:, :width]
    candidate_keys = np.take_along_axis(keys, candidates, axis=1)
    ranking = np.argsort(candidate_keys, axis=1, kind="stable")
    return np.take_along_axis(candidates, ranking, axis=1), np.take_along_axis(
        candidate_keys, ranking, axis=1
    )


@settings(max_examples=200, deadline=None)
@given(
    rows=st.integers(1, 40),
    pool=st.integers(1, 60),
    width=st.integers(1, assignment.ARGMIN_WIDTH),  # the repeated-minima path
    used_share=st.floats(0, 1),
    seed=st.integers(0, 2**32 - 1),
)
def test_repeated_minima_pick_the_partitions_workers(
    rows: int, pool: int, width: int, used_share: float, seed: int
) -> None:
    """Keys are exponential draws, some set to inf (workers a task already had, or weight 0): the
    finite picks are the same columns in the same order; inf picks are dropped by the caller."""
    width = min(width, pool)
    rng = np.random.default_rng(seed)
    keys = rng.exponential(size=(rows, pool))
    keys[rng.random((rows, pool)) < used_share] = np.inf
    expected, expected_keys = _by_partition(keys.copy(), width)
    chosen, chosen_keys = assignment._smallest_keys(keys.copy(), width)
    assert np.array_equal(np.isfinite(chosen_keys), np.isfinite(expected_keys))
    finite = np.isfinite(expected_keys)
    assert np.array_equal(chosen[finite], expected[finite])
    assert np.array_equal(chosen_keys[finite], expected_keys[finite])
