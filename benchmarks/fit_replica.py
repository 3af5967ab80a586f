"""Fit a crowd to each bundled real dataset and compare replica accuracies with the real ones.

For each dataset: MV and DS (crowd-kit DawidSkene, 100 iterations) accuracy on gold of the real
answers, then of replicas that answer the same (task, worker) pairs from the fitted model (mean and
standard deviation over seeds). Prints one row per dataset; ``within_3pts`` is the acceptance rule
of the fit. Usage: python benchmarks/fit_replica.py [--seeds 5] [NAME ...]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from crowdkit.aggregation import DawidSkene, MajorityVote

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sandbox.fitting.fit_population import fit_population, simulate_replica  # noqa: E402

DATASETS = REPO / "datasets"


def accuracies(answers: pd.DataFrame, gold: pd.Series) -> np.ndarray:
    mv = MajorityVote().fit_predict(answers).reindex(gold.index)
    ds = DawidSkene(n_iter=100).fit_predict(answers).reindex(gold.index)
    return np.array([(mv == gold).mean(), (ds == gold).mean()])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*")
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    names = args.names or sorted(p.name for p in DATASETS.iterdir() if (p / "labels.csv").exists())
    header = "dataset            real_mv  real_ds  rep_mv (sd)       rep_ds (sd)       within_3pts  seconds"
    print(header)
    for name in names:
        answers = pd.read_csv(DATASETS / name / "labels.csv")
        gold = pd.read_csv(DATASETS / name / "gold.csv").set_index("task")["label"]
        start = time.perf_counter()
        fitted = fit_population(answers, name=name, gold=gold)
        real = accuracies(answers, gold)
        reps = np.array(
            [accuracies(simulate_replica(fitted, answers, gold, seed=s), gold) for s in range(args.seeds)]
        )
        mean, sd = reps.mean(axis=0), reps.std(axis=0)
        ok = bool(np.abs(mean - real).max() <= 0.03)
        print(
            f"{name:<18} {real[0]:.4f}   {real[1]:.4f}   {mean[0]:.4f} ({sd[0]:.4f})  "
            f"{mean[1]:.4f} ({sd[1]:.4f})  {ok!s:<11}  {time.perf_counter() - start:.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
