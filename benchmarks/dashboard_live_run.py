"""The playground's live run: 2,000 items × 5 answers with the default aggregators, against ~2 s.

Times what the Playground page computes on a cache miss (the crowd's run and the paid-curation
reference) with each aggregation engine, per aggregator and in total, side by side with the target.
Run from the repository root: ``python benchmarks/dashboard_live_run.py [--repeats N]``.
"""

from __future__ import annotations

import argparse
import statistics
import time

from annotators.population import load_population
from sandbox.aggregation.registry import ENGINES
from sandbox.datasets import load_dataset
from sandbox.experiment.experiment import Experiment
from sandbox.kinds.base import default_kind
from sandbox.simulation.policy import CampaignPolicy

TARGET_SECONDS = 2.0
DATASET = "synthetic:n_tasks=2000,n_classes=2"


def measure(engine: str, repeats: int) -> dict[str, float]:
    """Median seconds per aggregator and for the whole page computation."""
    aggregators = default_kind().default_aggregators
    dataset = load_dataset(DATASET)
    crowd, curation = load_population("volunteers"), load_population("paid_curation")
    totals: list[float] = []
    parts: dict[str, list[float]] = {name: [] for name in aggregators}
    for seed in range(repeats):
        start = time.perf_counter()
        outcome = Experiment(dataset, crowd, CampaignPolicy(redundancy=5), aggregators, engine, seed).run()  # type: ignore[arg-type]
        Experiment(dataset, curation, CampaignPolicy(redundancy=1), ("mv",), engine, seed).run()  # type: ignore[arg-type]
        totals.append(time.perf_counter() - start)
        for score in outcome.scores:
            parts[score.aggregator].append(score.seconds)
    medians = {f"aggregate {name}": statistics.median(values) for name, values in parts.items()}
    medians["total (page compute)"] = statistics.median(totals)
    return medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    results = {engine: measure(engine, args.repeats) for engine in ENGINES}
    print(f"playground live run: {DATASET}, volunteers × 5 + curation × 1, median of {args.repeats}")
    print(f"{'seconds':<24}" + "".join(f"{engine:>12}" for engine in ENGINES))
    for row in results[ENGINES[0]]:
        print(f"{row:<24}" + "".join(f"{results[engine][row]:>12.3f}" for engine in ENGINES))
    print(f"{'target':<24}" + "".join(f"{TARGET_SECONDS:>12.3f}" for _ in ENGINES))
    ratios = "".join(f"{results[e]['total (page compute)'] / TARGET_SECONDS:>12.2f}" for e in ENGINES)
    print(f"{'total / target':<24}" + ratios)


if __name__ == "__main__":
    main()
