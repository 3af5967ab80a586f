"""The archetype contract: how a kind of annotator draws its workers and answers a batch."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from annotators.parameters import Distribution, Parameter


@dataclass(frozen=True)
class WorkerTraits:
    """Hidden traits of the workers of one archetype, one entry per worker.

    ``skill``: expected probability of a correct answer (the quantity aggregators estimate);
    ``label``: a worker's fixed class (-1 when the archetype has none).
    """

    skill: NDArray[Any]
    label: NDArray[Any]


@dataclass(frozen=True)
class AnswerBatch:
    """All answers one archetype must give in a campaign, one entry per answer.

    ``task`` and ``worker`` are positions (task row in the dataset, worker in the pool);
    ``truth`` the true class code; ``skill``/``label`` the answering worker's traits.
    ``confusion`` (optional K×K) is the dataset's own confusion structure.
    """

    task: NDArray[Any]
    worker: NDArray[Any]
    truth: NDArray[Any]
    skill: NDArray[Any]
    label: NDArray[Any]
    n_classes: int
    class_prior: NDArray[Any]
    confusion: NDArray[Any] | None = field(default=None)


class Archetype(ABC):
    """A kind of annotator. Subclasses declare ``name``, ``summary``, ``parameters`` and ``honest``.

    Parameters arrive validated (see ``annotators.population``); ``params`` holds every declared key.
    """

    name: ClassVar[str]
    summary: ClassVar[str]
    parameters: ClassVar[Mapping[str, Parameter]] = {}
    honest: ClassVar[bool] = False

    def __init__(self, params: Mapping[str, Any]) -> None:
        self.params = dict(params)

    def distribution(self, key: str) -> Distribution:
        """The validated distribution stored under ``key``."""
        value = self.params[key]
        assert isinstance(value, Distribution)
        return value

    @abstractmethod
    def draw_workers(
        self, n_workers: int, n_classes: int, class_prior: NDArray[Any], rng: np.random.Generator
    ) -> WorkerTraits:
        """Draw the hidden traits of ``n_workers`` workers of this archetype."""

    @abstractmethod
    def answer(self, batch: AnswerBatch, rng: np.random.Generator) -> NDArray[Any]:
        """Return the int class code of every answer in ``batch`` (vectorized)."""

    def to_toml(self) -> dict[str, Any]:
        """The parameters in TOML form (for saving a population)."""
        out: dict[str, Any] = {}
        for key, value in self.params.items():
            if value is None:
                continue
            if isinstance(value, Distribution):
                out[key] = value.to_toml()
            elif isinstance(value, np.ndarray):
                out[key] = value.tolist()
            else:
                out[key] = value
        return out


def no_label(n_workers: int) -> NDArray[Any]:
    """The ``label`` trait of workers without a fixed class."""
    return np.full(n_workers, -1, dtype=np.int64)
