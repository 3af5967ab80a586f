"""The tie rule (``sandbox/aggregation/ties.py``): over the seeds, each tied label wins as often as
the others (binomial bounds: a formula, not the code's output); one seed gives one answer; tied
labels nobody answered on the task rank below the answered ones, fairly among themselves;
``smallest`` is the first maximum."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from foundation.errors import SandboxError
from sandbox.aggregation import ties
from sandbox.aggregation.ties import TieBreak, break_ties
from sandbox.randomness import substream

SEEDS = 2000


def within_binomial(count: int, n: int, p: float, sigmas: float = 4.0) -> bool:
    """``count`` successes of ``n`` trials lie within ``sigmas`` standard deviations of ``n p``."""
    return abs(count - n * p) <= sigmas * math.sqrt(n * p * (1 - p))


def winners(
    posteriors: NDArray[np.float64], task: list[int], label: list[int], row: int = 0
) -> NDArray[np.intp]:
    """The label chosen for task ``row`` under each of :data:`SEEDS` seeds."""
    codes = np.asarray(task), np.asarray(label)
    return np.array([break_ties(posteriors, TieBreak(seed=seed), *codes)[0][row] for seed in range(SEEDS)])


def test_a_two_way_tie_goes_either_way_as_often() -> None:
    posteriors = np.array([[0.5, 0.5]])
    chosen = winners(posteriors, task=[0, 0], label=[1, 0])
    assert set(chosen) == {0, 1}
    assert within_binomial(int((chosen == 0).sum()), SEEDS, 0.5)


def test_a_three_way_tie_is_uniform_and_the_untied_label_never_wins() -> None:
    posteriors = np.array([[0.3, 0.3, 0.1, 0.3]])
    chosen = winners(posteriors, task=[0, 0, 0, 0], label=[3, 2, 0, 1])
    assert 2 not in chosen
    for code in (0, 1, 3):
        assert within_binomial(int((chosen == code).sum()), SEEDS, 1 / 3)


def test_tied_labels_nobody_answered_on_the_task_rank_below_the_answered_and_fairly() -> None:
    # task 0: answered label 2 only, yet its posterior ties labels 0, 1 and 2 (GLAD with a worker
    # of negative expertise can do this); tasks 1 and 2 make labels 0 and 1 answered elsewhere
    posteriors = np.array([[1 / 3, 1 / 3, 1 / 3], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    chosen = winners(posteriors, task=[0, 1, 2], label=[2, 0, 1])
    assert (chosen == 2).all()
    posteriors[0] = [0.4, 0.4, 0.2]  # now only the unanswered labels tie
    chosen = winners(posteriors, task=[0, 1, 2], label=[2, 0, 1])
    assert set(chosen) == {0, 1}
    assert within_binomial(int((chosen == 0).sum()), SEEDS, 0.5)


def test_one_seed_gives_one_answer_and_smallest_is_the_first_maximum() -> None:
    posteriors = np.array([[0.5, 0.5], [0.2, 0.8], [0.5, 0.5]])
    task, label = np.array([0, 0, 1, 2, 2]), np.array([1, 0, 1, 0, 1])
    first, tied = break_ties(posteriors, TieBreak(seed=7), task, label)
    again, _ = break_ties(posteriors, TieBreak(seed=7), task, label)
    assert tied == 2 and first.tolist() == again.tolist() and first[1] == 1
    smallest, tied = break_ties(posteriors, TieBreak("smallest"), task, label)
    assert tied == 2 and smallest.tolist() == [0, 1, 0]


def test_an_unknown_rule_names_the_allowed_ones() -> None:
    with pytest.raises(SandboxError, match="allowed: random, smallest"):
        TieBreak("largest")  # type: ignore[arg-type]


@settings(max_examples=50, deadline=None)
@given(
    positions=st.lists(st.integers(-1, 5000), min_size=1, max_size=30),
    seed=st.integers(0, 2**32 - 1),
    skip=st.booleans(),
)
def test_draws_at_rows_are_the_draws_of_every_row(positions: list[int], seed: int, skip: bool) -> None:
    """The draws at some rows, whether the stream is advanced past the others (``skip``) or every
    row is drawn, are what one uniform per row in row order gives there (0 where no row)."""
    asked = np.asarray(positions, dtype=np.int64)
    every = substream(seed, ties.TIE_STREAM).random(5001)
    expected = np.where(asked >= 0, every[np.maximum(asked, 0)], 0.0)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ties, "DRAW_ALL_ROWS", 0 if skip else 1 << 21)
        patch.setattr(ties, "DRAW_ALL_SPACING", 0 if skip else 64)
        assert np.array_equal(ties.draws_at(seed, asked), expected)
