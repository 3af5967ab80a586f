"""Answers faster than plausible, whatever the task kind: judged against the crowd's own times on
the same task, or against a minimum the user gives (``--min-seconds``).

Without a minimum, an answer's time is compared with the median time of the *other* answers of the
same task (its group): the residual r = log t − median(log t of the others), over every answer whose
task has at least :data:`MIN_OTHERS` other timed answers, is the crowd's own time distribution, item
by item. An answer is implausibly fast when r lies below Tukey's lower fence of those residuals,
Q1 − :data:`FENCE` × IQR: it took a small fraction of what the others needed on the same task, by a
margin the crowd's own spread of times does not reach. Times below :data:`SECONDS_FLOOR` count as
that floor (a log of 0 is not a number).

:func:`speed_evidence` then counts each worker's fast answers against the rest of the crowd's share
of fast answers (the binomial test of :mod:`sandbox.fitting.evidence`); :func:`speed_flags` adjusts
those tests for testing every worker and raises the ``fast`` flags.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sandbox.fitting.evidence import FALSE_DISCOVERY_RATE, Evidence, adjusted, binomial_p
from sandbox.io.answer_times import answer_seconds

#: Other timed answers a task needs before one of its answers is judged against them: two, so that
#: one unusually fast or slow other answer does not set the reference alone.
MIN_OTHERS = 2
#: Tukey's (1977) fence: 1.5 interquartile ranges below the first quartile.
FENCE = 1.5
#: Seconds below this count as this (a recorded 0 is "no time at all", not minus infinity).
SECONDS_FLOOR = 0.1


def leave_one_out_median(groups: NDArray[Any], values: NDArray[np.float64]) -> NDArray[np.float64]:
    """Per entry, the median of the other entries of its group (NaN for a group of one)."""
    n = len(values)
    out = np.full(n, np.nan)
    if n == 0:
        return out
    order = np.lexsort((values, groups))
    sorted_groups, sorted_values = groups[order], values[order]
    starts = np.flatnonzero(np.r_[True, sorted_groups[1:] != sorted_groups[:-1]])
    sizes = np.diff(np.r_[starts, n])
    size = np.repeat(sizes, sizes)
    start = np.repeat(starts, sizes)
    rank = np.arange(n) - start
    remaining = size - 1

    def kth(j: NDArray[Any]) -> NDArray[np.float64]:
        """The j-th smallest of the others (j < remaining): skip the entry itself."""
        index = start + j + (j >= rank)
        return sorted_values[np.clip(index, 0, n - 1)]

    low, high = (remaining - 1) // 2, remaining // 2
    median = (kth(low) + kth(high)) / 2
    out[order] = np.where(remaining > 0, median, np.nan)
    return out


def fast_answers(answers: pd.DataFrame, group: str = "task", min_seconds: float | None = None) -> pd.Series:
    """Per answer: True when implausibly fast, False when not, NaN when it cannot be judged (no
    time, or too few other timed answers on its task); see the module docstring. Empty (all NaN)
    when the answers have no times."""
    seconds = answer_seconds(answers)
    if seconds is None:
        return pd.Series(np.nan, index=answers.index, dtype=object)
    values = seconds.to_numpy(dtype=float)
    timed = ~np.isnan(values)
    verdict = np.full(len(values), np.nan, dtype=object)
    if min_seconds is not None:
        verdict[timed] = values[timed] < min_seconds
        return pd.Series(verdict, index=answers.index, dtype=object)
    codes = pd.factorize(answers[group])[0][timed]
    logs = np.log(np.maximum(values[timed], SECONDS_FLOOR))
    others = pd.Series(codes).map(pd.Series(codes).value_counts()).to_numpy() - 1
    residual = logs - leave_one_out_median(codes, logs)
    judged = others >= MIN_OTHERS
    if judged.sum() >= 4:  # quartiles of fewer residuals are not a distribution
        q1, q3 = np.quantile(residual[judged], [0.25, 0.75])
        fence = q1 - FENCE * (q3 - q1)
        rows = np.flatnonzero(timed)[judged]
        verdict[rows] = residual[judged] < fence
    return pd.Series(verdict, index=answers.index, dtype=object)


def speed_evidence(answers: pd.DataFrame, fast: pd.Series) -> pd.DataFrame:
    """Per worker: ``timed`` (judged answers), ``fast`` (how many were implausibly fast),
    ``fast_share``, ``crowd_fast_share`` (the other workers' share of fast answers),
    ``median_seconds`` and ``p_fast`` (one-sided binomial p-value, not yet adjusted)."""
    seconds = answer_seconds(answers)
    judged = fast.notna().to_numpy()
    frame = pd.DataFrame(
        {
            "worker": answers["worker"].to_numpy()[judged],
            "fast": fast.to_numpy()[judged].astype(bool),
        }
    )
    per_worker = (
        frame.groupby("worker")["fast"].agg(["size", "sum"]).rename(columns={"size": "timed", "sum": "fast"})
    )
    total, total_fast = float(per_worker["timed"].sum()), float(per_worker["fast"].sum())
    others = total - per_worker["timed"]
    crowd = np.where(others > 0, (total_fast - per_worker["fast"]) / others.where(others > 0, 1), np.nan)
    result = per_worker.assign(
        fast_share=per_worker["fast"] / per_worker["timed"],
        crowd_fast_share=crowd,
        p_fast=binomial_p(per_worker["fast"], per_worker["timed"], np.nan_to_num(crowd), "greater"),
    )
    if seconds is not None:
        medians = seconds.groupby(answers["worker"].to_numpy()).median()
        result["median_seconds"] = medians.reindex(result.index)
    result.index.name = "worker"
    return result


def speed_flags(
    answers: pd.DataFrame, group: str = "task", min_seconds: float | None = None
) -> tuple[pd.DataFrame, dict[Any, Evidence]] | None:
    """Per worker, :func:`speed_evidence` with the p-values adjusted for testing every worker
    (Benjamini–Hochberg) and the ``fast`` flags they raise, each with its evidence; None when the
    answers have no times (or none can be judged)."""
    fast = fast_answers(answers, group, min_seconds)
    if not fast.notna().any():
        return None
    table = speed_evidence(answers, fast)
    table["p_fast"] = adjusted(table["p_fast"].to_numpy(dtype=float))
    flagged: dict[Any, Evidence] = {}
    for worker, row in table.iterrows():
        if row["p_fast"] <= FALSE_DISCOVERY_RATE:
            flagged[worker] = Evidence(
                "fast",
                int(row["fast"]),
                int(row["timed"]),
                float(row["fast_share"]),
                float(row["crowd_fast_share"]),
                float(row["p_fast"]),
                "answers implausibly fast",
            )
    return table, flagged
