"""``report`` and ``fit`` against ``evaluate`` on one large export, side by side (issue 13, item 4).

Writes a long CSV of N answers by W workers (default: 2,000,000 answers, 20,000 workers with
long-tailed activity, 200,000 tasks, 3 labels, one honest worker in ten answering at random) and a
gold file, then runs, each as its own process, ``evaluate --answers F --gold G`` (its default
aggregators mv, wawa, ds), ``report F --gold G`` and ``fit F --gold G --out P.toml``, and prints
wall time and peak memory of each, and each command's ratio to ``evaluate``. The target: report and
fit within 2× of evaluate.

Usage: python benchmarks/export_commands.py [--answers N] [--workers W] [--tasks T] [--repeat R]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]


def write_export(
    folder: Path, n_answers: int, n_workers: int, n_tasks: int, seed: int = 0
) -> tuple[Path, Path]:
    """A long CSV of answers and a gold CSV (half the tasks) in ``folder``."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 3, size=n_tasks)
    activity = 1.0 / np.arange(1, n_workers + 1) ** 0.8
    task = rng.integers(0, n_tasks, size=n_answers)
    worker = rng.choice(n_workers, size=n_answers, p=activity / activity.sum())
    spammer = rng.random(n_workers) < 0.1
    right = rng.random(n_answers) < 0.75
    label = np.where(right, truth[task], rng.integers(0, 3, size=n_answers))
    label = np.where(spammer[worker], rng.integers(0, 3, size=n_answers), label)
    answers = folder / "answers.csv"
    pd.DataFrame({"task": task, "worker": [f"w{w}" for w in worker], "label": label}).to_csv(
        answers, index=False
    )
    gold = folder / "gold.csv"
    pd.DataFrame({"task": np.arange(0, n_tasks, 2), "label": truth[::2]}).to_csv(gold, index=False)
    return answers, gold


def timed(argv: list[str]) -> tuple[float, float]:
    """(seconds, peak MiB) of ``crowd-sandbox ARGV`` run as its own process."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-m", "sandbox.cli", *argv], cwd=REPO, stdout=subprocess.DEVNULL, stderr=errors
        )
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            errors.seek(0)
            raise SystemExit(f"crowd-sandbox {' '.join(argv)} failed:\n{errors.read().decode()}")
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--answers", type=int, default=2_000_000)
    parser.add_argument("--workers", type=int, default=20_000)
    parser.add_argument("--tasks", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=1, help="runs per command (the fastest counts)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="crowd-sandbox-bench-") as name:
        folder = Path(name)
        answers, gold = write_export(folder, args.answers, args.workers, args.tasks)
        size = answers.stat().st_size / 1e6
        print(f"{args.answers} answers, {args.workers} workers, {args.tasks} tasks ({size:.0f} MB CSV)")
        commands = {
            "evaluate": ["evaluate", "--answers", str(answers), "--gold", str(gold)],
            "report": ["report", str(answers), "--gold", str(gold), "--format", "json"],
            "fit": ["fit", str(answers), "--gold", str(gold), "--out", str(folder / "fitted.toml")],
        }
        results = {}
        for name, argv in commands.items():
            runs = [timed(argv) for _ in range(args.repeat)]
            results[name] = (min(r[0] for r in runs), max(r[1] for r in runs))
        base = results["evaluate"][0]
        print(f"{'command':<10}{'seconds':>10}{'× evaluate':>12}{'peak MiB':>10}")
        for name, (seconds, peak) in results.items():
            print(f"{name:<10}{seconds:>10.1f}{seconds / base:>12.2f}{peak:>10.0f}")


if __name__ == "__main__":
    main()
