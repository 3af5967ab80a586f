"""Vectorized draws shared by the archetypes (one call per batch of answers, no Python loop)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray


def sample_categorical(probabilities: NDArray[Any], rng: np.random.Generator) -> NDArray[Any]:
    """Draw one class per row of an (N, K) matrix of row probabilities; returns int64 codes."""
    cumulative = np.cumsum(probabilities, axis=1)
    cumulative /= cumulative[:, -1:]
    draws = rng.random(len(probabilities))[:, None]
    return np.minimum((draws > cumulative).sum(axis=1), probabilities.shape[1] - 1).astype(np.int64)


def uniform_other_class(truth: NDArray[Any], n_classes: int, rng: np.random.Generator) -> NDArray[Any]:
    """A class different from ``truth`` for each entry, uniform over the other K-1 classes."""
    shift = rng.integers(1, n_classes, size=len(truth))
    return (truth + shift) % n_classes


def off_diagonal_draw(rows: NDArray[Any], truth: NDArray[Any], rng: np.random.Generator) -> NDArray[Any]:
    """A class different from ``truth`` per entry, in proportion to ``rows`` (N × K) off the true class.

    Rows with no mass off the true class fall back to uniform over the other classes. With two
    classes the draw is :func:`sample_categorical`'s worked out (same random numbers, same result).
    """
    if rows.shape[1] == 2:  # the other class, unless the uniform draw is exactly 0 on a class-0 row
        draws = rng.random(len(truth))
        return ((truth == 0) & (draws > 0)).astype(np.int64)
    rows = rows.astype(float, copy=True)
    rows[np.arange(len(truth)), truth] = 0.0
    empty = rows.sum(axis=1) <= 0
    rows[empty] = 1.0
    rows[empty, truth[empty]] = 0.0
    return sample_categorical(rows, rng)


def confused_class(truth: NDArray[Any], confusion: NDArray[Any], rng: np.random.Generator) -> NDArray[Any]:
    """A wrong class drawn from the off-diagonal of ``confusion[truth]`` (a K×K matrix)."""
    return off_diagonal_draw(confusion[truth], truth, rng)


def task_mistakes(
    truth: NDArray[Any], task: NDArray[Any], task_confusion: NDArray[Any], rng: np.random.Generator
) -> NDArray[Any]:
    """A wrong class drawn from the off-diagonal of each answer's own task row (n_tasks × K)."""
    return off_diagonal_draw(task_confusion[task], truth, rng)


def correct_or_mistake(
    truth: NDArray[Any],
    p_correct: NDArray[Any],
    mistakes: NDArray[Any],
    rng: np.random.Generator,
) -> NDArray[Any]:
    """``truth`` where a Bernoulli(p_correct) draw succeeds, else the given ``mistakes``."""
    correct = rng.random(len(truth)) < p_correct
    return np.where(correct, truth, mistakes)


def effective_skill(skill: NDArray[Any], difficulty: NDArray[Any], n_classes: int) -> NDArray[Any]:
    """P(correct) on a task of ``difficulty``: chance + (skill - chance) × (1 - difficulty).

    Difficulty 0 leaves the worker's skill; difficulty 1 brings everyone to chance (1/K).
    """
    chance = 1.0 / n_classes
    return chance + (skill - chance) * (1.0 - difficulty)
