"""Coverage of `validate`'s intervals on planted crowds, with and without the bootstrap refits.

Each seed draws a crowd and its tasks from the planted population of
``tests/sandbox/test_validation_coverage.py``, runs a campaign and one split of the validation
protocol. Printed per variant: the share of seeds whose real MV and DS accuracy lie inside the 90 %
interval (with its binomial standard error) and the median sharpness. "one fit" replays the
split's fit only (no fitting noise); "bootstrap refits" is `validate`'s default design (a quarter of
the replays are refits).

    python benchmarks/planted_coverage.py [--seeds 100] [--tasks 300] [--replays 100]
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from annotators.population import Population
from sandbox.datasets.dataset import Dataset
from sandbox.fitting.intervals import SplitDraws, binomial_half_width, interval_of
from sandbox.kinds.classification.fit import FittedCrowd, fit_population
from sandbox.kinds.classification.validation import validate_split
from sandbox.reporting.tables import table
from sandbox.simulation.campaign import run_campaign
from sandbox.simulation.policy import CampaignPolicy
from tests.sandbox.test_validation_coverage import PLANTED


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seeds", type=int, default=100)
    parser.add_argument("--tasks", type=int, default=300)
    parser.add_argument("--replays", type=int, default=100)
    args = parser.parse_args()
    population = Population.from_dict(PLANTED, "planted")
    variants = {"one fit": 1, "bootstrap refits": max(1, args.replays // 4)}
    rows = []
    for variant, refits in variants.items():
        start = time.perf_counter()
        inside = {"mv": 0, "ds": 0}
        sharpness: dict[str, list[float]] = {"mv": [], "ds": []}
        for seed in range(args.seeds):
            rng = np.random.default_rng(seed)
            truth = pd.Series(rng.integers(0, 3, args.tasks), index=pd.RangeIndex(args.tasks, name="task"))
            dataset = Dataset(name="planted", description="planted", truth=truth, classes=(0, 1, 2))
            answers = run_campaign(dataset, population, CampaignPolicy(redundancy=5), seed).answers
            if refits == 1:  # the split's own fit, replayed: pass a fitter that ignores the resample
                split = _one_fit(answers, truth, seed, args.replays)
            else:
                split = validate_split(answers, truth, "planted", seed, replays=args.replays, refits=refits)[
                    1
                ]
            for metric in inside:
                lo, hi = interval_of(split.draws[metric])
                inside[metric] += lo <= split.real[metric] <= hi
                reference = binomial_half_width(
                    float(np.median(split.draws[metric])), args.tasks - args.tasks // 2
                )
                sharpness[metric].append((hi - lo) / 2 / reference)
        row: dict[str, object] = {"variant": variant, "refits": refits}
        for metric in inside:
            share = inside[metric] / args.seeds
            row[f"{metric} coverage"] = f"{share:.2f} ± {math.sqrt(share * (1 - share) / args.seeds):.2f}"
            row[f"{metric} sharpness"] = float(np.median(sharpness[metric]))
        row["seconds"] = time.perf_counter() - start
        rows.append(row)
        print(row, file=sys.stderr, flush=True)
    print(table(rows, list(rows[0]), digits=2))
    print(f"\n{args.seeds} planted crowds of {args.tasks} tasks × 5 answers, {args.replays} replays each")


def _one_fit(answers: pd.DataFrame, truth: pd.Series, seed: int, replays: int) -> SplitDraws:
    """One split replayed on its own fit only: the fitter returns the first fit for every resample."""
    first: list[FittedCrowd] = []

    def fitter(sample: pd.DataFrame, **options: Any) -> FittedCrowd:
        if not first:
            first.append(fit_population(sample, **options))
        return first[0]

    return validate_split(answers, truth, "planted", seed, replays=replays, refits=1, fitter=fitter)[1]


if __name__ == "__main__":
    main()
