"""The playground's live run: 2,000 items × 5 answers with the default aggregators, against ~2 s.

Times what the Playground page computes on a cache miss (the crowd's run and the paid-curation
reference), per aggregator and in total, and prints it beside the target. Run from the repository
root: ``python benchmarks/dashboard_live_run.py [--repeats N]``.
"""

from __future__ import annotations

import argparse
import statistics
import time

from annotators.population import load_population
from sandbox.datasets import load_dataset
from sandbox.experiment import run_simulation
from sandbox.policy import CampaignPolicy
from sandbox.views import DEFAULT_AGGREGATORS

TARGET_SECONDS = 2.0
DATASET = "synthetic:n_tasks=2000,n_classes=2"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    dataset = load_dataset(DATASET)
    crowd, curation = load_population("volunteers"), load_population("paid_curation")
    totals, per_aggregator = [], {name: [] for name in DEFAULT_AGGREGATORS}
    for seed in range(args.repeats):
        start = time.perf_counter()
        outcome = run_simulation(dataset, crowd, CampaignPolicy(redundancy=5), DEFAULT_AGGREGATORS, seed)
        run_simulation(dataset, curation, CampaignPolicy(redundancy=1), ("mv",), seed)
        totals.append(time.perf_counter() - start)
        for score in outcome.scores:
            per_aggregator[score.aggregator].append(score.seconds)
    print(f"playground live run: {DATASET}, volunteers × 5 answers + paid curation × 1, {args.repeats} runs")
    print(f"{'part':<24}{'median s':>10}")
    for name, seconds in per_aggregator.items():
        print(f"{'aggregate ' + name:<24}{statistics.median(seconds):>10.3f}")
    total = statistics.median(totals)
    print(f"{'total (page compute)':<24}{total:>10.3f}")
    print(f"{'target':<24}{TARGET_SECONDS:>10.3f}")
    print(f"ratio total / target: {total / TARGET_SECONDS:.2f}")


if __name__ == "__main__":
    main()
