"""Time per answer as a fitted trait, whatever the task kind: the ``time`` table of each archetype of a
fitted population (:class:`annotators.parameters.AnswerTime`) and each worker's own times (for twins).

The model is the simulation's (:mod:`sandbox.simulation.timing`):
log t = log m_w + per_item × log work(task) + e, with e ~ N(0, answers²). A task's work is not known
in an export, so it is estimated from the crowd: the median log time of the *other* answers on the
task, less the median over all answers (0 for a task with fewer than ``MIN_OTHERS`` other timed
answers: an average one). Per archetype (the workers mapped to it):

- ``per_item``: the slope of a worker's log times on their tasks' log work, within workers (each
  worker's own means removed), clipped to the schema's 0 .. 2;
- each worker's median m_w: exp of the mean of log t − per_item × log work over their answers;
- ``median``: the median of the m_w; ``workers``: the spread of log m_w between workers, less what
  their own few answers add (method of moments), at least 0; ``answers``: the pooled spread of the
  residuals e within workers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sandbox.fitting.speed import MIN_OTHERS, SECONDS_FLOOR, leave_one_out_median
from sandbox.io.answer_times import answer_seconds

#: The schema's bounds (``AnswerTime``): ``per_item`` in 0 .. 2, spreads in 0 .. 5, median in (0, 1 day].
PER_ITEM_RANGE = (0.0, 2.0)
SPREAD_RANGE = (0.0, 5.0)
MEDIAN_RANGE = (0.01, 86_400.0)


@dataclass(frozen=True)
class FittedTimes:
    """``tables``: archetype → the ``time`` table of the population file; ``workers``: per worker
    (index) ``median_seconds``, ``per_item`` and ``spread`` (their archetype's), for twins."""

    tables: dict[str, dict[str, float]]
    workers: pd.DataFrame

    def of(self, worker: Any) -> tuple[float, float, float] | None:
        """(median, per_item, spread) of one worker, or None when they have no times."""
        if worker not in self.workers.index:
            return None
        row = self.workers.loc[worker]
        return float(row["median_seconds"]), float(row["per_item"]), float(row["spread"])


def fit_times(answers: pd.DataFrame, archetype: pd.Series, group: str = "task") -> FittedTimes | None:
    """The fitted times (see the module docstring) of ``answers`` whose workers are mapped to
    archetypes by ``archetype`` (Series by worker); None when the answers have no times."""
    seconds = answer_seconds(answers)
    if seconds is None:
        return None
    timed = seconds.notna().to_numpy()
    frame = pd.DataFrame(
        {
            "worker": answers["worker"].to_numpy()[timed],
            "task": pd.factorize(answers[group])[0][timed],
            "log_t": np.log(np.maximum(seconds.to_numpy(dtype=float)[timed], SECONDS_FLOOR)),
        }
    )
    frame["archetype"] = frame["worker"].map(archetype).fillna("honest").to_numpy()
    others = frame.groupby("task")["log_t"].transform("size").to_numpy() - 1
    typical = leave_one_out_median(frame["task"].to_numpy(), frame["log_t"].to_numpy())
    frame["log_work"] = np.where(others >= MIN_OTHERS, typical - np.median(frame["log_t"]), 0.0)
    tables: dict[str, dict[str, float]] = {}
    rows = []
    for name, members in frame.groupby("archetype", sort=True):
        table, per_worker = _fit_group(members)
        tables[str(name)] = table
        rows.append(per_worker)
    workers = pd.concat(rows) if rows else pd.DataFrame(columns=["median_seconds", "per_item", "spread"])
    workers.index.name = "worker"
    return FittedTimes(tables=tables, workers=workers)


def _fit_group(members: pd.DataFrame) -> tuple[dict[str, float], pd.DataFrame]:
    """One archetype's time table and its workers' own times."""
    by_worker = members.groupby("worker")
    centred_t = members["log_t"] - by_worker["log_t"].transform("mean")
    centred_w = members["log_work"] - by_worker["log_work"].transform("mean")
    variance = float(np.sum(centred_w**2))
    slope = float(np.sum(centred_w * centred_t) / variance) if variance > 0 else 1.0
    per_item = float(np.clip(slope, *PER_ITEM_RANGE))
    adjusted = members["log_t"] - per_item * members["log_work"]
    log_median = adjusted.groupby(members["worker"]).mean()
    count = by_worker.size()
    residual = adjusted - adjusted.groupby(members["worker"]).transform("mean")
    degrees = float(len(members) - len(count))
    answers_sd = float(np.sqrt(np.sum(residual**2) / degrees)) if degrees > 0 else 0.0
    noise = float(np.mean(answers_sd**2 / count))
    between = float(np.sqrt(max(float(log_median.var(ddof=1)) - noise, 0.0))) if len(count) > 1 else 0.0
    table = {
        "median": round(float(np.clip(np.exp(log_median.median()), *MEDIAN_RANGE)), 4),
        "workers": round(float(np.clip(between, *SPREAD_RANGE)), 4),
        "answers": round(float(np.clip(answers_sd, *SPREAD_RANGE)), 4),
        "per_item": round(per_item, 4),
    }
    per_worker = pd.DataFrame(
        {
            "median_seconds": np.clip(np.exp(log_median), *MEDIAN_RANGE),
            "per_item": per_item,
            "spread": table["answers"],
        }
    )
    return table, per_worker
