"""Replaying a ratings crowd on a given (task, worker) structure, e.g. a real export's held-out half.

Each worker id of the structure is one simulated rater: a known rater keeps the archetype and
traits fitted to them (a digital twin: noise, offset, slope, point, stays), any other is drawn from
the population. Items get the true positions given (gold, or draws from the fitted items) and a
difficulty given with them, or drawn from the population's ``[items] difficulty`` (never read off
the real answers being replayed).
The answering is the campaign's (:func:`sandbox.simulation.answering.answer`), so a replica rates
exactly like a simulated campaign on the same items.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from annotators.archetypes import EarlierAnswers
from annotators.archetypes.ratings import RatingContext, Scale
from annotators.population import Population
from foundation.errors import SandboxError
from sandbox.randomness import SeedLike, make_rng, substream
from sandbox.simulation.answering import Crowd, Slots, TaskContext, answer, draw_crowd
from sandbox.simulation.campaign import DIFFICULTY_STREAM


@dataclass(frozen=True)
class KnownRater:
    """A rater whose archetype (a name in the population) and traits (name → value, shares of the
    range) were fitted."""

    archetype: str
    traits: Mapping[str, float] = field(default_factory=dict)


#: The named traits a twin keeps (columns of a fitted workers table).
TRAITS = ("noise", "offset", "slope", "point", "stays")


def twins(workers: pd.DataFrame) -> dict[object, KnownRater]:
    """Fitted raters (a workers table: ``archetype`` and the :data:`TRAITS` columns) as twins."""
    known: dict[object, KnownRater] = {}
    columns = [name for name in TRAITS if name in workers.columns]
    for worker, archetype, *values in workers[["archetype", *columns]].itertuples(name=None):
        traits = {name: float(value) for name, value in zip(columns, values, strict=True) if pd.notna(value)}
        known[worker] = KnownRater(str(archetype), traits)
    return known


def replay_ratings(
    population: Population,
    structure: pd.DataFrame,
    positions: pd.Series,
    scale: Scale,
    seed: SeedLike,
    known: Mapping[object, KnownRater] | None = None,
    difficulty: pd.Series | None = None,
) -> pd.DataFrame:
    """Ratings of ``population`` on ``structure`` (``task, worker``; its rows keep their order) of
    items at true ``positions`` (Series task → position on the range, 0..1 — beyond it for items
    seen beyond an end — for every task of the structure). Returns ``task, worker, label`` (label:
    the rating on ``scale``)."""
    rng = make_rng(seed)
    tasks = pd.Index(pd.unique(structure["task"]))
    if not tasks.isin(positions.index).all():
        missing = tasks[~tasks.isin(positions.index)][:5].tolist()
        raise SandboxError(f"items without a true score cannot be replayed: {missing}")
    quality = positions.reindex(tasks).to_numpy(dtype=float)  # latent: may lie beyond the range
    codes = scale.grid_code(scale.low + quality * scale.span)
    n_grid = scale.n_grid
    prior = np.bincount(codes, minlength=n_grid) / len(codes)
    workers = pd.Index(pd.unique(structure["worker"]))
    crowd = _crowd(population, workers, known or {}, n_grid, prior, rng)
    context = TaskContext(
        truth=codes,
        difficulty=(
            population.items.draw_difficulty(len(tasks), substream(seed, DIFFICULTY_STREAM))
            if difficulty is None
            else np.clip(difficulty.reindex(tasks).to_numpy(dtype=float), 0.0, 1.0)
        ),
        confusion=None,
        class_prior=prior,
        campaign_key=int(rng.integers(2**62)),
        task_data=RatingContext(quality=quality, scale=scale),
    )
    task_rows = tasks.get_indexer(pd.Index(structure["task"]))
    worker_rows = workers.get_indexer(pd.Index(structure["worker"]))
    positions_done = pd.Series(worker_rows).groupby(worker_rows).cumcount().to_numpy()
    slots = Slots(
        task=task_rows.astype(np.int64),
        worker=worker_rows.astype(np.int64),
        is_gold=np.zeros(len(structure), dtype=bool),
        position=positions_done.astype(np.int64),
    )
    earlier = EarlierAnswers(np.empty(0, dtype=np.int64), np.empty(0, dtype=float))
    labels, _ = answer(slots, crowd, population, context, earlier, rng, np.dtype(np.float64))
    return pd.DataFrame(
        {"task": structure["task"].to_numpy(), "worker": structure["worker"].to_numpy(), "label": labels}
    )


def _crowd(
    population: Population,
    workers: pd.Index,
    known: Mapping[object, KnownRater],
    n_grid: int,
    prior: NDArray[np.float64],
    rng: np.random.Generator,
) -> Crowd:
    """One simulated rater per id: fitted traits for known ones, population draws for the others."""
    drawn = draw_crowd(population, n_grid, prior, rng)
    pick = rng.integers(0, len(drawn.member), size=len(workers))
    names = ("member", "skill", "ability", "target", "group", "class_ability", "preference", "pull")
    crowd = {name: getattr(drawn, name)[pick].copy() for name in names}
    extra = {name: values[pick].copy() for name, values in drawn.traits.items()}
    member_of = {m.archetype.name: i for i, m in enumerate(population.members)}
    for row, worker in enumerate(workers):
        fitted = known.get(worker)
        if fitted is None:
            continue
        if fitted.archetype not in member_of:
            raise SandboxError(
                f"rater {worker!r} was fitted as {fitted.archetype}, which the population does not have"
            )
        crowd["member"][row] = member_of[fitted.archetype]
        for name, value in fitted.traits.items():
            if name not in extra:
                extra[name] = np.full(len(workers), np.nan)
            extra[name][row] = value
    return Crowd(**crowd, traits=extra)
