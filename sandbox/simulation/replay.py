"""Replaying a crowd: a population answers a given (task, worker) structure, e.g. a real export's.

Each worker id of the structure is one simulated worker: a known worker keeps the archetype and
traits fitted to them (a digital twin), any other is drawn from the population. Slots get the
population's item structure (how hard each is, which mislead and where they pull) from the seed,
never from the real answers. The answering is the campaign's (:func:`sandbox.simulation.answering.answer`), so
a replica behaves exactly like a simulated campaign on the same items; so is the timing
(:mod:`sandbox.simulation.timing`): every replayed answer takes time, a known worker's own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from annotators.archetypes import EarlierAnswers
from annotators.population import Population
from foundation.errors import SandboxError
from sandbox.randomness import SeedLike, make_rng, substream
from sandbox.simulation.answering import Crowd, Slots, TaskContext, answer, draw_crowd
from sandbox.simulation.campaign import DIFFICULTY_STREAM, ITEM_STREAM
from sandbox.simulation.timing import TIME_STREAM, answer_seconds, draw_times


@dataclass(frozen=True)
class KnownWorker:
    """A worker whose archetype (a name in the population) and traits were fitted: ``skill`` (the
    behaviour's number, e.g. P(right), or 1 − malice for an adversary), ``label`` (a fixed
    spammer's class code, -1 otherwise), ``class_skill`` (P(right) per true class, if fitted),
    ``preference`` (answer shares of a worker who ignores the item, if fitted), ``pull``
    (P(answering the lure of a misleading item), if fitted per worker), ``mistakes`` (K × K: where
    their wrong answers go per true class, if fitted per worker), ``traits`` (other per-worker
    numbers of the archetype, e.g. a pairwise rater's tie propensity, by name) and ``time`` (median
    seconds on an average item, per_item, spread of log seconds), if fitted."""

    archetype: str
    skill: float
    label: int = -1
    class_skill: tuple[float, ...] | None = None
    preference: tuple[float, ...] | None = None
    pull: float | None = None
    mistakes: tuple[tuple[float, ...], ...] | None = None
    traits: Mapping[str, float] = field(default_factory=dict)
    time: tuple[float, float, float] | None = None


def replay(
    population: Population,
    structure: pd.DataFrame,
    truth: pd.Series,
    seed: SeedLike,
    known: Mapping[object, KnownWorker] | None = None,
    n_classes: int | None = None,
    task_data: Any = None,
    work: pd.Series | None = None,
) -> pd.DataFrame:
    """Answers of ``population`` on ``structure`` (``task, worker``; its rows keep their order).

    ``truth``: Series task → class code (0..K-1; ``n_classes`` = K, by default ``truth.max() + 1``),
    indexing every task of the structure. ``known``: fitted workers by id. ``task_data``: what the
    task kind shows of each task, in the order of the structure's distinct tasks (first appearance;
    e.g. a pairwise ``PairContext``), handed to the archetypes. ``work``: each task's work relative to
    the average (Series by task; default 1). Returns ``task, worker, label, seconds`` (label: class
    code). Raises SandboxError when a task has no truth or a known archetype is not in the population.
    """
    rng = make_rng(seed)
    tasks = pd.Index(pd.unique(structure["task"]))
    if not tasks.isin(truth.index).all():
        missing = tasks[~tasks.isin(truth.index)][:5].tolist()
        raise SandboxError(f"tasks without truth cannot be replayed: {missing}")
    codes = truth.reindex(tasks).to_numpy(dtype=np.int64)
    n_classes = n_classes or int(max(codes.max(), truth.max())) + 1
    prior = np.bincount(codes, minlength=n_classes) / len(codes)
    workers = pd.Index(pd.unique(structure["worker"]))
    crowd = _crowd(population, workers, known or {}, n_classes, prior, rng)
    items = population.items
    context = TaskContext(
        truth=codes,
        difficulty=items.draw_difficulty(len(tasks), substream(seed, DIFFICULTY_STREAM)),
        confusion=None,
        class_prior=prior,
        campaign_key=int(rng.integers(2**62)),
        lure=items.draw(codes, n_classes, substream(seed, ITEM_STREAM)) if items.misleading else None,
        pull=items.pull,
        task_data=task_data,
        work=None if work is None else work.reindex(tasks).fillna(1.0).to_numpy(dtype=float),
    )
    task_rows = tasks.get_indexer(pd.Index(structure["task"]))
    worker_rows = workers.get_indexer(pd.Index(structure["worker"]))
    positions = pd.Series(worker_rows).groupby(worker_rows).cumcount().to_numpy()
    questions = Slots(
        task=task_rows.astype(np.int64),
        worker=worker_rows.astype(np.int64),
        is_gold=np.zeros(len(structure), dtype=bool),
        position=positions.astype(np.int64),
    )
    earlier = EarlierAnswers(np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64))
    labels, _ = answer(questions, crowd, population, context, earlier, rng)
    time_rng = substream(seed, TIME_STREAM)
    drawn = draw_times(population, crowd.member, time_rng)
    own = {row: known_worker.time for row, w in enumerate(workers) if (known_worker := (known or {}).get(w))}
    times = drawn.with_known({row: time for row, time in own.items() if time is not None})
    seconds = answer_seconds(questions.task, questions.worker, times, context.work, time_rng)
    return pd.DataFrame(
        {
            "task": structure["task"].to_numpy(),
            "worker": structure["worker"].to_numpy(),
            "label": labels,
            "seconds": seconds,
        }
    )


def _crowd(
    population: Population,
    workers: pd.Index,
    known: Mapping[object, KnownWorker],
    n_classes: int,
    prior: NDArray[np.float64],
    rng: np.random.Generator,
) -> Crowd:
    """One simulated worker per id: fitted traits for known ones, population draws for the others."""
    drawn = draw_crowd(population, n_classes, prior, rng)
    pick = rng.integers(0, len(drawn.member), size=len(workers))
    names = ("member", "skill", "ability", "target", "group", "class_ability", "preference", "pull")
    crowd = {name: getattr(drawn, name)[pick].copy() for name in names}
    own = drawn.mistakes[pick].copy() if drawn.mistakes is not None else None
    if own is None and any(k.mistakes is not None for k in known.values()):
        own = np.full((len(workers), n_classes, n_classes), np.nan)
    traits = {name: values[pick].copy() for name, values in drawn.traits.items()}
    member_of = {m.archetype.name: i for i, m in enumerate(population.members)}
    for row, worker in enumerate(workers):
        fitted = known.get(worker)
        if fitted is None:
            continue
        if fitted.archetype not in member_of:
            raise SandboxError(
                f"worker {worker!r} was fitted as {fitted.archetype}, which the population does not have"
            )
        crowd["member"][row] = member_of[fitted.archetype]
        crowd["skill"][row] = crowd["ability"][row] = fitted.skill
        crowd["class_ability"][row] = fitted.class_skill if fitted.class_skill is not None else fitted.skill
        crowd["target"][row] = fitted.label
        crowd["group"][row] = -1
        if fitted.preference is not None:
            crowd["preference"][row] = fitted.preference
        if fitted.pull is not None:
            crowd["pull"][row] = fitted.pull
        if own is not None:
            own[row] = np.nan if fitted.mistakes is None else fitted.mistakes
        for name, value in fitted.traits.items():
            traits.setdefault(name, np.full(len(workers), np.nan))[row] = value
    return Crowd(**crowd, mistakes=own, traits=traits)
