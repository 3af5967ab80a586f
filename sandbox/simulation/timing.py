"""How long each simulated answer takes: every archetype's ``time``
(:class:`annotators.parameters.AnswerTime`).

A worker's median seconds on an item of average work is drawn once, log-normal around their
archetype's ``median`` (sd ``workers`` of log seconds); each answer takes

    median × work(task) ** per_item × exp(answers × N(0, 1)),

``work`` being the task's work relative to the average task (``Dataset.task_work()``: a pair's two
lengths, or 1). Honest work grows with the item (``per_item`` = 1); a worker who does not look at the
item does not (``per_item`` = 0), and cheaters are fast (a small ``median``).

Times are drawn from a random stream of their own (``TIME_STREAM``), never from the one that draws
the answers: giving a population times changes no answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from annotators.population import Population

#: The random stream of answer times (see ``sandbox.randomness.substream``).
TIME_STREAM = 0x71E


@dataclass(frozen=True)
class CrowdTimes:
    """Per worker of the pool: ``median`` seconds on an item of average work, ``per_item`` (how time
    grows with the item's work) and ``spread`` (sd of log seconds between their answers)."""

    median: NDArray[np.float64]
    per_item: NDArray[np.float64]
    spread: NDArray[np.float64]

    def with_known(self, rows: Mapping[int, tuple[float, float, float]]) -> CrowdTimes:
        """These times with the workers at ``rows`` set to (median, per_item, spread)."""
        median, per_item, spread = self.median.copy(), self.per_item.copy(), self.spread.copy()
        for row, (m, p, s) in rows.items():
            median[row], per_item[row], spread[row] = m, p, s
        return CrowdTimes(median, per_item, spread)

    def take(self, rows: NDArray[Any]) -> CrowdTimes:
        """The workers at ``rows`` (positions), in that order."""
        return CrowdTimes(self.median[rows], self.per_item[rows], self.spread[rows])


def draw_times(population: Population, member: NDArray[Any], rng: np.random.Generator) -> CrowdTimes:
    """Each worker's time traits from their archetype's ``time`` (``member``: the archetype index of
    each worker of the pool)."""
    models = [m.archetype.answer_time() for m in population.members]
    centre = np.log(np.array([t.median for t in models]))[member]
    between = np.array([t.workers for t in models])[member]
    return CrowdTimes(
        median=np.exp(centre + between * rng.standard_normal(len(member))),
        per_item=np.array([t.per_item for t in models], dtype=float)[member],
        spread=np.array([t.answers for t in models], dtype=float)[member],
    )


def answer_seconds(
    task: NDArray[Any],
    worker: NDArray[Any],
    times: CrowdTimes,
    work: NDArray[Any] | None,
    rng: np.random.Generator,
) -> NDArray[np.float64]:
    """Seconds of each answer (``task`` rows and ``worker`` positions, one entry per answer)."""
    effort = np.ones(len(task)) if work is None else np.asarray(work, dtype=float)[task]
    factor = np.exp(times.spread[worker] * rng.standard_normal(len(task)))
    seconds: NDArray[np.float64] = times.median[worker] * effort ** times.per_item[worker] * factor
    return seconds
