"""Turning a round's assignment slots (who answers what, when) into labels, archetype by archetype."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from annotators.archetypes import AnswerBatch, EarlierAnswers
from annotators.archetypes.base import WorkerTraits
from annotators.items import NO_LURE
from annotators.population import Population
from sandbox.simulation.reference import ReferenceModel

#: The answer type of class codes (the default).
CLASS_CODE: np.dtype[Any] = np.dtype(np.int64)


@dataclass(frozen=True)
class Crowd:
    """The drawn pool, one entry per worker: member index (into ``population.members``), true
    ``skill``, behaviour ``ability`` (and ``class_ability``, n_workers × K, per true class), fixed
    ``target``, ring ``group``, ``preference`` (n_workers × K: answer shares when ignoring items) and
    ``pull`` (P(answering the lure of a misleading item), for workers who try); ``mistakes``
    (n_workers × K × K, or None when nobody has their own): each worker's own mistakes, NaN rows for
    workers who share their archetype's; the other per-worker ``traits`` of the archetypes that have
    them, by name (NaN for the workers of archetypes that do not)."""

    member: NDArray[Any]
    skill: NDArray[Any]
    ability: NDArray[Any]
    target: NDArray[Any]
    group: NDArray[Any]
    class_ability: NDArray[Any]
    preference: NDArray[Any]
    pull: NDArray[Any]
    mistakes: NDArray[Any] | None = None
    traits: Mapping[str, NDArray[Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Slots:
    """Assignment slots to answer (a task given to a worker), one entry each: task row, worker, gold
    flag, and the number of slots the worker had answered before it."""

    task: NDArray[Any]
    worker: NDArray[Any]
    is_gold: NDArray[Any]
    position: NDArray[Any]


@dataclass(frozen=True)
class TaskContext:
    """What the answering needs to know of the tasks (per dataset row) and the campaign.

    ``task_data``: what the task kind shows of each task (``Dataset.task_context()``), passed on to
    archetypes; ``work``: how much there is to do in each task relative to the average one
    (``Dataset.task_work()``; answer times grow with it). ``lure``: per task, the class a misleading
    item pulls to (``NO_LURE`` for ordinary items; None: no misleading items); ``pull``: the
    probability that a worker who tries answers it. ``reference``: the campaign's reference model
    (a stand-in language model; None when no archetype consults one).
    """

    truth: NDArray[Any]
    difficulty: NDArray[Any]
    confusion: NDArray[Any] | None
    class_prior: NDArray[Any]
    campaign_key: int
    lure: NDArray[Any] | None = None
    pull: float = 0.0
    task_data: Any = None
    work: NDArray[Any] | None = None
    reference: ReferenceModel | None = None

    @property
    def n_classes(self) -> int:
        return len(self.class_prior)


def draw_crowd(
    population: Population, n_classes: int, class_prior: NDArray[Any], rng: np.random.Generator
) -> Crowd:
    """Draw the pool: archetype counts by largest remainder, then each archetype's traits."""
    names = ("member", "skill", "ability", "target", "group", "class_ability", "preference")
    parts: dict[str, list[NDArray[Any]]] = {k: [] for k in names}
    mistakes: list[WorkerTraits] = []
    drawn_traits: list[tuple[int, Mapping[str, NDArray[Any]]]] = []
    for index, (member, count) in enumerate(zip(population.members, population.worker_counts(), strict=True)):
        traits = member.archetype.draw_workers(int(count), n_classes, class_prior, rng)
        mistakes.append(traits)
        drawn_traits.append((int(count), traits.traits))
        ability = (traits.ability if traits.ability is not None else traits.skill).astype(float)
        parts["member"].append(np.full(count, index, dtype=np.int64))
        parts["skill"].append(traits.skill.astype(float))
        parts["ability"].append(ability)
        parts["class_ability"].append(
            traits.class_ability.astype(float)
            if traits.class_ability is not None
            else np.repeat(ability[:, None], n_classes, axis=1)
        )
        parts["preference"].append(
            traits.preference.astype(float)
            if traits.preference is not None
            else np.full((count, n_classes), 1.0 / n_classes)
        )
        parts["target"].append(traits.target)
        parts["group"].append(
            traits.group if traits.group is not None else np.full(count, -1, dtype=np.int64)
        )
    columns = {k: np.concatenate(v) for k, v in parts.items()}
    own = None
    if any(t.mistakes is not None for t in mistakes):
        own = np.concatenate(
            [
                t.mistakes
                if t.mistakes is not None
                else np.full((len(t.skill), n_classes, n_classes), np.nan)
                for t in mistakes
            ]
        )
    return Crowd(
        **columns,
        pull=population.items.draw_pulls(len(columns["member"]), rng),
        mistakes=own,
        traits=_pooled_traits(drawn_traits),
    )


def _pooled_traits(drawn: list[tuple[int, Mapping[str, NDArray[Any]]]]) -> dict[str, NDArray[Any]]:
    """Each trait over the whole pool, in member order (NaN for members without it)."""
    names = sorted({name for _, traits in drawn for name in traits})
    return {
        name: np.concatenate(
            [np.asarray(traits.get(name, np.full(count, np.nan)), dtype=float) for count, traits in drawn]
        )
        if drawn
        else np.empty(0)
        for name in names
    }


def answer(
    slots: Slots,
    crowd: Crowd,
    population: Population,
    context: TaskContext,
    earlier: EarlierAnswers,
    rng: np.random.Generator,
    dtype: np.dtype[Any] = CLASS_CODE,
) -> tuple[NDArray[Any], EarlierAnswers]:
    """Labels of the ``slots`` (of the kind's answer type ``dtype``), one batch per archetype. Copiers
    answer last and see every earlier real answer by a non-copier, this round's included. Returns the
    labels and the grown earlier answers."""
    labels = np.empty(len(slots.task), dtype=dtype)
    member_of_item = crowd.member[slots.worker]
    copies = np.array([m.archetype.answers_last for m in population.members])
    for last in (False, True):
        if last and copies.any():  # only copiers read earlier answers: no copier, nothing to gather
            earlier = with_answers(earlier, slots, labels, ~copies[member_of_item] & ~slots.is_gold)
        for index, member in enumerate(population.members):
            mask = member_of_item == index
            if member.archetype.answers_last == last and mask.any():
                batch = batch_for(slots, mask, crowd, context, earlier)
                labels[mask] = member.archetype.answer(batch, rng)
        if not last and context.lure is not None:
            _follow_lures(labels, slots, member_of_item, population, context, crowd.pull, rng)
    return labels, earlier


def _follow_lures(
    labels: NDArray[Any],
    slots: Slots,
    member_of_item: NDArray[Any],
    population: Population,
    context: TaskContext,
    pull: NDArray[Any],
    rng: np.random.Generator,
) -> None:
    """On misleading items, workers who try (honest archetypes) answer the lure with their
    probability ``pull`` (per worker of the pool; in place; copiers answer afterwards and copy what
    they see)."""
    assert context.lure is not None
    tries = np.array([m.archetype.honest for m in population.members])[member_of_item]
    lure = context.lure[slots.task]
    pulled = tries & (lure != NO_LURE) & (rng.random(len(labels)) < pull[slots.worker])
    labels[pulled] = lure[pulled]


def with_answers(
    earlier: EarlierAnswers, slots: Slots, labels: NDArray[Any], keep: NDArray[Any]
) -> EarlierAnswers:
    """``earlier`` plus the kept slots' answers, sorted by task (stable)."""
    task = np.concatenate([earlier.task, slots.task[keep]])
    label = np.concatenate([earlier.label, labels[keep]])
    order = np.argsort(task, kind="stable")
    return EarlierAnswers(task=task[order], label=label[order])


def batch_for(
    slots: Slots, mask: NDArray[Any], crowd: Crowd, context: TaskContext, earlier: EarlierAnswers
) -> AnswerBatch:
    """The AnswerBatch of the slots selected by ``mask``."""
    task, worker = slots.task[mask], slots.worker[mask]
    truth = context.truth[task]
    return AnswerBatch(
        task=task,
        worker=worker,
        truth=truth,
        ability=crowd.class_ability[worker, truth],
        target=crowd.target[worker],
        group=crowd.group[worker],
        is_gold=slots.is_gold[mask],
        position=slots.position[mask],
        difficulty=context.difficulty[task],
        n_classes=context.n_classes,
        n_tasks=len(context.truth),
        class_prior=context.class_prior,
        campaign_key=context.campaign_key,
        task_confusion=context.confusion,
        earlier=earlier,
        worker_preference=crowd.preference,
        worker_mistakes=crowd.mistakes,
        context=context.task_data,
        traits={name: values[worker] for name, values in crowd.traits.items()},
        reference=None if context.reference is None else context.reference.answers,
        reference_probabilities=None if context.reference is None else context.reference.probabilities,
    )
