"""Turning a round's items (who answers what, when) into labels, archetype by archetype."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from annotators.archetypes import AnswerBatch, EarlierAnswers
from annotators.population import Population


@dataclass(frozen=True)
class Crowd:
    """The drawn pool, one entry per worker: member index (into ``population.members``), true
    ``skill``, behaviour ``ability``, fixed ``label`` and ring ``group``."""

    member: NDArray[Any]
    skill: NDArray[Any]
    ability: NDArray[Any]
    label: NDArray[Any]
    group: NDArray[Any]


@dataclass(frozen=True)
class Items:
    """Items to answer, one entry each: task row, worker, gold flag, the worker's item count before it."""

    task: NDArray[Any]
    worker: NDArray[Any]
    is_gold: NDArray[Any]
    position: NDArray[Any]


@dataclass(frozen=True)
class TaskContext:
    """What the answering needs to know of the tasks (per dataset row) and the campaign; ``task_data``
    is what the task kind shows of each task (``Dataset.task_context()``), passed on to archetypes."""

    truth: NDArray[Any]
    difficulty: NDArray[Any]
    confusion: NDArray[Any] | None
    class_prior: NDArray[Any]
    campaign_key: int
    task_data: Any = None

    @property
    def n_classes(self) -> int:
        return len(self.class_prior)


def draw_crowd(
    population: Population, n_classes: int, class_prior: NDArray[Any], rng: np.random.Generator
) -> Crowd:
    """Draw the pool: archetype counts by largest remainder, then each archetype's traits."""
    parts: dict[str, list[NDArray[Any]]] = {k: [] for k in ("member", "skill", "ability", "label", "group")}
    for index, (member, count) in enumerate(zip(population.members, population.worker_counts(), strict=True)):
        traits = member.archetype.draw_workers(int(count), n_classes, class_prior, rng)
        parts["member"].append(np.full(count, index, dtype=np.int64))
        parts["skill"].append(traits.skill.astype(float))
        parts["ability"].append(
            (traits.ability if traits.ability is not None else traits.skill).astype(float)
        )
        parts["label"].append(traits.label)
        parts["group"].append(
            traits.group if traits.group is not None else np.full(count, -1, dtype=np.int64)
        )
    return Crowd(**{k: np.concatenate(v) for k, v in parts.items()})


def answer(
    items: Items,
    crowd: Crowd,
    population: Population,
    context: TaskContext,
    earlier: EarlierAnswers,
    rng: np.random.Generator,
) -> tuple[NDArray[Any], EarlierAnswers]:
    """Labels of ``items``, one batch per archetype. Copiers answer last and see every earlier real
    answer by a non-copier, this round's included. Returns the labels and the grown earlier answers."""
    labels = np.empty(len(items.task), dtype=np.int64)
    member_of_item = crowd.member[items.worker]
    copies = np.array([m.archetype.answers_last for m in population.members])
    for last in (False, True):
        if last:
            earlier = with_answers(earlier, items, labels, ~copies[member_of_item] & ~items.is_gold)
        for index, member in enumerate(population.members):
            mask = member_of_item == index
            if member.archetype.answers_last == last and mask.any():
                batch = batch_for(items, mask, crowd, context, earlier)
                labels[mask] = member.archetype.answer(batch, rng)
    return labels, earlier


def with_answers(
    earlier: EarlierAnswers, items: Items, labels: NDArray[Any], keep: NDArray[Any]
) -> EarlierAnswers:
    """``earlier`` plus the kept items' answers, sorted by task (stable)."""
    task = np.concatenate([earlier.task, items.task[keep]])
    label = np.concatenate([earlier.label, labels[keep]])
    order = np.argsort(task, kind="stable")
    return EarlierAnswers(task=task[order], label=label[order])


def batch_for(
    items: Items, mask: NDArray[Any], crowd: Crowd, context: TaskContext, earlier: EarlierAnswers
) -> AnswerBatch:
    """The AnswerBatch of the items selected by ``mask``."""
    task, worker = items.task[mask], items.worker[mask]
    return AnswerBatch(
        task=task,
        worker=worker,
        truth=context.truth[task],
        ability=crowd.ability[worker],
        label=crowd.label[worker],
        group=crowd.group[worker],
        is_gold=items.is_gold[mask],
        position=items.position[mask],
        difficulty=context.difficulty[task],
        n_classes=context.n_classes,
        n_tasks=len(context.truth),
        class_prior=context.class_prior,
        campaign_key=context.campaign_key,
        task_confusion=context.confusion,
        earlier=earlier,
        context=context.task_data,
    )
