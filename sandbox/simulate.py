"""Simulate a labelling campaign: a population answers a dataset's tasks with fixed redundancy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from annotators.archetypes import AnswerBatch
from annotators.population import Population
from sandbox.assignment import assign_workers
from sandbox.datasets import Dataset
from sandbox.randomness import SeedLike, make_rng


@dataclass(frozen=True)
class Crowd:
    """The drawn pool: per worker its member index (into ``population.members``) and hidden traits."""

    member: NDArray[Any]
    skill: NDArray[Any]
    label: NDArray[Any]


@dataclass(frozen=True)
class Campaign:
    """What a simulated campaign produced.

    ``answers``: ``task, worker, label`` (task ids of the dataset, worker ids 0..pool-1, label codes).
    ``workers``: indexed by ``worker``; columns ``archetype``, ``honest`` and ``skill`` (true P(correct)).
    ``cost``: answers bought × cost per label + the population's fixed cost.
    """

    answers: pd.DataFrame
    workers: pd.DataFrame
    cost: float

    @property
    def n_labels(self) -> int:
        """Answers bought."""
        return len(self.answers)


def draw_crowd(
    population: Population, n_classes: int, class_prior: NDArray[Any], rng: np.random.Generator
) -> Crowd:
    """Draw the pool's workers: archetype counts by largest remainder, then each archetype's traits."""
    counts = population.worker_counts()
    members, skills, labels = [], [], []
    for index, (member, count) in enumerate(zip(population.members, counts, strict=True)):
        traits = member.archetype.draw_workers(int(count), n_classes, class_prior, rng)
        members.append(np.full(count, index, dtype=np.int64))
        skills.append(traits.skill)
        labels.append(traits.label)
    return Crowd(np.concatenate(members), np.concatenate(skills), np.concatenate(labels))


def simulate(dataset: Dataset, population: Population, redundancy: int, seed: SeedLike) -> Campaign:
    """Each task gets ``redundancy`` distinct workers of ``population``; same seed ⇒ same answers."""
    rng = make_rng(seed)
    prior = dataset.class_prior()
    crowd = draw_crowd(population, dataset.n_classes, prior, rng)
    task_position, worker = assign_workers(dataset.n_tasks, population.pool_size, redundancy, rng)
    truth = dataset.truth.to_numpy()[task_position]
    labels = np.empty(len(worker), dtype=np.int64)
    answer_member = crowd.member[worker]
    for index, member in enumerate(population.members):
        mask = answer_member == index
        if not mask.any():
            continue
        batch = AnswerBatch(
            task=task_position[mask],
            worker=worker[mask],
            truth=truth[mask],
            skill=crowd.skill[worker[mask]],
            label=crowd.label[worker[mask]],
            n_classes=dataset.n_classes,
            class_prior=prior,
        )
        labels[mask] = member.archetype.answer(batch, rng)
    answers = pd.DataFrame(
        {"task": dataset.truth.index.to_numpy()[task_position], "worker": worker, "label": labels}
    )
    cost = len(answers) * population.cost_per_label + population.fixed_cost
    return Campaign(answers=answers, workers=worker_table(population, crowd), cost=cost)


def worker_table(population: Population, crowd: Crowd) -> pd.DataFrame:
    """Hidden worker traits for scoring: index ``worker``; ``archetype``, ``honest``, ``skill``."""
    archetypes = np.array([m.archetype.name for m in population.members], dtype=object)
    honest = np.array([m.archetype.honest for m in population.members], dtype=bool)
    return pd.DataFrame(
        {
            "archetype": archetypes[crowd.member],
            "honest": honest[crowd.member],
            "skill": crowd.skill,
        },
        index=pd.RangeIndex(len(crowd.member), name="worker"),
    )
