"""The archetype contract: how a kind of annotator draws its workers and answers a batch."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from annotators.parameters import AnswerTime, ArchetypeParameters, Distribution
from foundation.config import ConfigModel

#: Seconds per answer of an archetype that looks at the item, when its population file says nothing
#: (``time``). Measured on the bundled sigir2010 batch (the one real crowd with times the project
#: ships), over the raters the report does not flag: see ``python -m
#: sandbox.kinds.pairwise.calibration``.
LOOKING_TIME = AnswerTime(median=25.0, workers=0.6, answers=0.6, per_item=1.0)
#: Seconds per answer of an archetype that does not look at the item (spammers, clickers): the
#: same batch's answers flagged as implausibly fast (they do not grow with the item).
GLANCING_TIME = AnswerTime(median=8.0, workers=0.4, answers=0.4, per_item=0.0)


@dataclass(frozen=True)
class WorkerTraits:
    """Hidden traits of the workers of one archetype, one entry per worker.

    ``skill``: expected probability of a correct answer on a real task (what aggregators estimate,
    what scoring compares with; NaN when undefined, e.g. for copiers);
    ``target``: the class a worker always gives, or the item it promotes (-1 when none);
    ``group``: the colluding ring a worker belongs to (-1 when none);
    ``ability``: the number the behaviour uses when answering (defaults to ``skill``; differs for
    workers whose behaviour and real-task accuracy differ, e.g. a gold-aware cheater's gold accuracy);
    ``class_ability``: optional n_workers × K, the ability per true class (class-conditional skill);
    ``preference``: optional n_workers × K, how often a worker who ignores the item gives each class;
    ``mistakes``: optional n_workers × K × K, where each worker's wrong answers go per true class
    (rows sum to 1, 0 on the diagonal).
    ``traits``: other per-worker numbers a kind's archetypes answer with, by name (e.g. a pairwise
    rater's tie propensity ``tie``, position lean ``left`` and feature ``weight``; a rater's
    ``offset`` on a rating scale), carried to the answers (``AnswerBatch.traits``) and to the
    campaign's workers table.
    """

    skill: NDArray[Any]
    target: NDArray[Any]
    group: NDArray[Any] | None = None
    ability: NDArray[Any] | None = None
    class_ability: NDArray[Any] | None = None
    preference: NDArray[Any] | None = None
    mistakes: NDArray[Any] | None = None
    traits: Mapping[str, NDArray[Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class EarlierAnswers:
    """Answers already given in the campaign (for copiers): task positions and labels, sorted by task."""

    task: NDArray[Any]
    label: NDArray[Any]


@dataclass(frozen=True)
class AnswerBatch:
    """All answers one archetype must give in one round of a campaign, one entry per answer.

    Per answer: ``task`` (row of the task in the dataset), ``worker`` (position in the pool), ``truth``
    (true class code), the worker's traits ``ability`` (for this answer's true class), ``target`` and
    ``group``, ``is_gold`` (a known-answer question), ``position`` (items the worker had done before
    this one) and ``difficulty`` (0 = easy, 1 = hopeless: an honest worker is at chance).
    Per campaign: ``n_classes``, ``n_tasks``, ``class_prior``; ``task_confusion`` (optional
    n_tasks × K) the classes each task is mistaken for; ``campaign_key`` a random integer fixed for the
    campaign (behaviours shared across rounds derive from it); ``earlier`` answers already given;
    ``worker_preference`` (pool × K) each worker's answer shares when ignoring the item;
    ``worker_mistakes`` (pool × K × K, or None) each worker's own mistakes, where drawn or fitted
    (NaN rows for workers without).
    ``context`` what the task kind shows of each task, indexed by ``task`` (the two items of a pair:
    ``annotators.archetypes.pairwise.PairContext``), ``None`` for classification. ``traits``: per
    answer, the worker's other traits by name (:attr:`WorkerTraits.traits`; NaN for a worker whose
    archetype has no such trait).
    ``reference``: the campaign's reference model (a stand-in language model every LLM-using worker
    consults), variants × n_tasks answer codes (variant 0 is the one pasted; ``None`` when the
    campaign has none); ``reference_probabilities``: variants × n_tasks × K, its answer distribution.
    """

    task: NDArray[Any]
    worker: NDArray[Any]
    truth: NDArray[Any]
    ability: NDArray[Any]
    target: NDArray[Any]
    group: NDArray[Any]
    is_gold: NDArray[Any]
    position: NDArray[Any]
    difficulty: NDArray[Any]
    n_classes: int
    n_tasks: int
    class_prior: NDArray[Any]
    campaign_key: int = 0
    task_confusion: NDArray[Any] | None = field(default=None)
    earlier: EarlierAnswers | None = field(default=None)
    worker_preference: NDArray[Any] | None = field(default=None)
    context: Any = field(default=None)
    worker_mistakes: NDArray[Any] | None = field(default=None)
    traits: Mapping[str, NDArray[Any]] = field(default_factory=dict)
    reference: NDArray[Any] | None = field(default=None)
    reference_probabilities: NDArray[Any] | None = field(default=None)

    def select(self, mask: NDArray[Any]) -> AnswerBatch:
        """The answers where ``mask`` is true (per-answer fields cut, per-campaign fields kept)."""
        per_answer = (
            "task",
            "worker",
            "truth",
            "ability",
            "target",
            "group",
            "is_gold",
            "position",
            "difficulty",
        )
        cut = {name: getattr(self, name)[mask] for name in per_answer}
        return replace(self, **cut, traits={name: values[mask] for name, values in self.traits.items()})


class Archetype(ABC):
    """A kind of annotator. Subclasses declare ``name``, ``summary``, ``parameters`` and ``honest``.

    ``parameters`` is the model of the archetype's table in a population file (its keys, defaults and
    descriptions). Parameters arrive validated (see ``annotators.population_file``); ``params`` holds
    every declared key.
    """

    name: ClassVar[str]
    summary: ClassVar[str]
    #: The task kind whose items this archetype answers (set by its :func:`family`).
    kind: ClassVar[str]
    parameters: ClassVar[type[ArchetypeParameters]] = ArchetypeParameters
    honest: ClassVar[bool] = False
    #: Copiers answer after everyone else in a round, so that there is something to copy.
    answers_last: ClassVar[bool] = False
    #: Whether its workers look at the item: their time grows with it (see :attr:`default_time`).
    looks: ClassVar[bool] = True
    #: Whether it consults the campaign's reference model (``AnswerBatch.reference``).
    consults_reference: ClassVar[bool] = False

    def reference_variants(self) -> int:
        """How many reference-model variants its workers consult (0: none; 1: the shared model)."""
        return 1 if self.consults_reference else 0

    def __init__(self, params: Mapping[str, Any]) -> None:
        self.params = dict(params)

    @property
    def default_time(self) -> AnswerTime:
        """Seconds per answer when the population file gives no ``time``: :data:`LOOKING_TIME` for an
        archetype that looks at the item, :data:`GLANCING_TIME` for one that does not."""
        return LOOKING_TIME if self.looks else GLANCING_TIME

    def answer_time(self) -> AnswerTime:
        """How long its workers take per answer (the ``time`` parameter, else :attr:`default_time`)."""
        given = self.params.get("time")
        return given if isinstance(given, AnswerTime) else self.default_time

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
            elif isinstance(value, ConfigModel):
                out[key] = value.model_dump()
            elif isinstance(value, np.ndarray):
                out[key] = value.tolist()
            else:
                out[key] = value
        return out


def no_target(n_workers: int) -> NDArray[Any]:
    """The ``target`` trait of workers without one."""
    return np.full(n_workers, -1, dtype=np.int64)


@dataclass(frozen=True)
class ArchetypeFamily:
    """The archetypes of one task kind: ``kind`` (the kind's name), ``archetypes`` (name → class, in
    listing order); ``default``: the family of population files that name no ``kind``."""

    kind: str
    archetypes: Mapping[str, type[Archetype]]
    default: bool = False


def family(kind: str, classes: Sequence[type[Archetype]], default: bool = False) -> ArchetypeFamily:
    """The family of ``classes`` for task kind ``kind`` (each class's ``kind`` is set to it)."""
    for cls in classes:
        cls.kind = kind
    return ArchetypeFamily(kind, {cls.name: cls for cls in classes}, default)
