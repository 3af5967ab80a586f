"""The agreement statistics of ``sandbox.metrics`` against their reference libraries, side by side
on the same answers (issue 24): Krippendorff's alpha (``krippendorff.alpha`` on the task × label
counts), Fleiss' kappa (statsmodels' ``fleiss_kappa``, same answers per task) and the Cohen's kappa
of every pair of the most active annotators (scikit-learn's ``cohen_kappa_score``, pair by pair);
then the whole agreement report with its 1,000-resample bootstrap, its wall time and its peak
memory (tracemalloc) against the answers' own size.

The answers: T tasks of K answers each from W workers with long-tailed activity, 5 labels, three in
four answers right. Prints seconds per statistic, the reference's, their ratio, and the equality of
the values.

Usage: python benchmarks/agreement_statistics.py [--tasks T] [--per-task K] [--workers W]
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import krippendorff
import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa as statsmodels_fleiss

from sandbox.metrics.agreement_report import agreement_report
from sandbox.metrics.alpha_bootstrap import ALL, alpha_table
from sandbox.metrics.fleiss import fleiss_kappa
from sandbox.metrics.label_counts import label_counts
from sandbox.metrics.pair_kappa import MIN_SHARED, pair_kappas


def crowd(n_tasks: int, per_task: int, n_workers: int, seed: int = 0) -> pd.DataFrame:
    """``per_task`` answers on each of ``n_tasks`` tasks (distinct workers per task)."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 5, n_tasks)
    activity = 1.0 / np.arange(1, n_workers + 1) ** 0.8
    activity /= activity.sum()
    workers = np.stack([rng.choice(n_workers, per_task, replace=False, p=activity) for _ in range(n_tasks)])
    task = np.repeat(np.arange(n_tasks), per_task)
    right = rng.random(task.size) < 0.75
    label = np.where(right, truth[task], rng.integers(0, 5, task.size))
    return pd.DataFrame({"task": task, "worker": workers.ravel(), "label": label})


def timed(function: Callable[..., Any], *args: Any) -> tuple[Any, float]:
    """``function(*args)`` and its wall time in seconds."""
    start = time.perf_counter()
    value = function(*args)
    return value, time.perf_counter() - start


def row(name: str, ours: float, reference: float, equal: bool) -> None:
    """One line of the table."""
    print(f"{name:<26}{ours:>10.3f}{reference:>14.3f}{reference / ours:>9.1f}  {equal}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--per-task", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2_000)
    args = parser.parse_args()
    answers = crowd(args.tasks, args.per_task, args.workers)
    print(f"{len(answers):,} answers, {args.tasks:,} tasks, {args.workers:,} workers, 5 labels")
    print(f"{'statistic':<26}{'ours s':>10}{'reference s':>14}{'ratio':>9}  equal")

    table = label_counts(answers)
    ours, ours_s = timed(lambda: alpha_table(table, np.random.default_rng(0), resamples=0).loc[ALL, "alpha"])
    dense = table.counts.toarray()
    reference, reference_s = timed(
        lambda: krippendorff.alpha(value_counts=dense, level_of_measurement="nominal")
    )
    row("krippendorff alpha", ours_s, reference_s, abs(ours - reference) < 1e-12)

    ours, ours_s = timed(fleiss_kappa, table)
    reference, reference_s = timed(statsmodels_fleiss, dense)
    row("fleiss kappa", ours_s, reference_s, abs(ours - reference) < 1e-12)

    pairs, ours_s = timed(pair_kappas, answers)
    by_worker = answers.set_index(["worker", "task"])["label"]

    def sklearn_pairs() -> list[float]:
        values = []
        for a, b in pairs[["worker_a", "worker_b"]].itertuples(index=False):
            x, y = by_worker.loc[a], by_worker.loc[b]
            shared = x.index.intersection(y.index)
            values.append(
                cohen_kappa_score(x.loc[shared], y.loc[shared]) if len(shared) >= MIN_SHARED else np.nan
            )
        return values

    reference_values, reference_s = timed(sklearn_pairs)
    equal = np.allclose(pairs["kappa"].to_numpy(), reference_values, equal_nan=True, atol=1e-12)
    row(f"cohen kappa ({len(pairs)} pairs)", ours_s, reference_s, equal)

    tracemalloc.start()
    _, report_s = timed(agreement_report, answers, np.random.default_rng(0))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    size = answers.memory_usage(deep=True).sum()
    print(
        f"whole agreement report (1,000 resamples): {report_s:.2f} s, peak {peak / 1e6:.0f} MB = "
        f"{peak / size:.1f} × the answers' {size / 1e6:.0f} MB"
    )


if __name__ == "__main__":
    main()
