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


def confused_class(truth: NDArray[Any], confusion: NDArray[Any], rng: np.random.Generator) -> NDArray[Any]:
    """A class different from ``truth`` drawn from the off-diagonal of ``confusion[truth]``.

    Rows with no off-diagonal mass fall back to uniform over the other classes.
    """
    n_classes = confusion.shape[0]
    rows = confusion[truth].copy()
    rows[np.arange(len(truth)), truth] = 0.0
    empty = rows.sum(axis=1) <= 0
    rows[empty] = 1.0
    rows[empty, truth[empty]] = 0.0
    return sample_categorical(rows, rng) if n_classes > 1 else truth.copy()


def correct_or_mistake(
    truth: NDArray[Any],
    p_correct: NDArray[Any],
    mistakes: NDArray[Any],
    rng: np.random.Generator,
) -> NDArray[Any]:
    """``truth`` where a Bernoulli(p_correct) draw succeeds, else the given ``mistakes``."""
    correct = rng.random(len(truth)) < p_correct
    return np.where(correct, truth, mistakes)
