"""Simulation at scale: each stage of ``crowd-sandbox run`` as a multiple of Dawid–Skene alone.

For each size (answers = tasks × redundancy), in one process: build the synthetic dataset, compute
the task difficulty (a cross-validated classifier on the features), draw the population, simulate
the campaign (``sandbox.simulation``), aggregate with DS (fast engine), then score (agreement, the
downstream models, the per-aggregator scores). DS alone on the campaign's answers is the yardstick;
finally the whole command runs end to end in a fresh interpreter (imports included, as a user sees
it). Target: end to end at 10M answers within 5× DS alone.

    python benchmarks/simulation_scale.py                      # 1M and 10M answers, paid_crowd
    python benchmarks/simulation_scale.py --answers 1000000 --no-cli
    python benchmarks/simulation_scale.py --repeat 3           # best of 3 per stage (busy machines)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotators.population import load_population  # noqa: E402
from sandbox.datasets import load_dataset  # noqa: E402
from sandbox.experiment.scoring import score_answers  # noqa: E402
from sandbox.kinds.base import ScoringInputs, task_kind  # noqa: E402
from sandbox.kinds.classification.aggregation import aggregate  # noqa: E402
from sandbox.metrics.agreement import krippendorff_alpha  # noqa: E402
from sandbox.randomness import make_rng, substream  # noqa: E402
from sandbox.simulation import difficulty as difficulty_module  # noqa: E402
from sandbox.simulation.answering import draw_crowd  # noqa: E402
from sandbox.simulation.campaign import DIFFICULTY_STREAM, run_campaign  # noqa: E402
from sandbox.simulation.policy import CampaignPolicy  # noqa: E402

T = TypeVar("T")


def timed(stages: dict[str, float], name: str, work: Callable[[], T]) -> T:
    """Run ``work``, record its wall-clock seconds under ``name``, return its result."""
    start = time.perf_counter()
    result = work()
    stages[name] = time.perf_counter() - start
    return result


def cli_seconds(dataset: str, population: str, redundancy: int, seed: int) -> float:
    """Wall-clock seconds of ``python -m sandbox.cli run ... --aggregators ds`` in a fresh process."""
    command = [sys.executable, "-m", "sandbox.cli", "run", "--dataset", dataset, "--population"]
    command += [population, "--aggregators", "ds", "--redundancy", str(redundancy), "--seed", str(seed)]
    command += ["--format", "json"]
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def one_size(answers: int, redundancy: int, population_name: str, seed: int, cli: bool) -> dict[str, float]:
    """Stage seconds of one run at ``answers`` answers, with ``ds alone`` and (``cli``) ``end to end``."""
    n_tasks = answers // redundancy
    spec = f"synthetic:n_tasks={n_tasks}"
    stages: dict[str, float] = {}
    dataset = timed(stages, "dataset build", lambda: load_dataset(spec))
    population = load_population(population_name)
    policy = CampaignPolicy(redundancy=redundancy)
    difficulty_module._MODEL_CACHE.clear()
    difficulty = timed(
        stages,
        "difficulty",
        lambda: difficulty_module.task_difficulty(
            dataset, policy, make_rng(seed), population.items, substream(seed, DIFFICULTY_STREAM)
        ),
    )
    prior = dataset.class_prior()
    timed(stages, "population draw", lambda: draw_crowd(population, dataset.n_classes, prior, make_rng(seed)))
    campaign = timed(
        stages, "campaign simulation", lambda: run_campaign(dataset, population, policy, seed, difficulty)
    )
    table = task_kind(dataset.kind).from_campaign(campaign.answers, dataset)
    timed(stages, "ds alone", lambda: aggregate("ds", table, engine="fast"))
    result = timed(stages, "aggregation (ds)", lambda: task_kind(dataset.kind).aggregate("ds", table, "fast"))
    inputs = ScoringInputs(table, dataset.truth, campaign.cost, campaign.workers, dataset, None)
    scorer = timed(stages, "scoring: clean model", lambda: task_kind(dataset.kind).scorer(inputs))
    timed(stages, "scoring: ds scores", lambda: scorer.score(result))
    timed(stages, "scoring: agreement", lambda: krippendorff_alpha(table))
    stages["run in process (sum)"] = sum(
        seconds for name, seconds in stages.items() if name not in ("ds alone", "population draw")
    )
    check = timed(
        stages,
        "score_answers (check)",
        lambda: score_answers(
            table,
            dataset.truth,
            ["ds"],
            campaign.cost,
            campaign.workers,
            dataset,
            "fast",
            kind=task_kind(dataset.kind),
        ),
    )
    assert check.scores[0].accuracy == scorer.score(result).accuracy
    if cli:
        stages["end to end (CLI)"] = cli_seconds(spec, population_name, redundancy, seed)
    stages["answers"] = float(len(table))
    return stages


def best_of(repeat: int, size: int, args: argparse.Namespace) -> dict[str, float]:
    """Each stage's fewest seconds over ``repeat`` runs of :func:`one_size` (``ds alone`` included)."""
    runs = [
        one_size(size, args.redundancy, args.population, args.seed, not args.no_cli)
        for _ in range(max(repeat, 1))
    ]
    return {name: min(run[name] for run in runs) for name in runs[0]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", default="1000000,10000000", help="comma-separated sizes")
    parser.add_argument("--redundancy", type=int, default=5)
    parser.add_argument("--population", default="paid_crowd")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-cli", action="store_true", help="skip the end-to-end command")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size; each stage's best is shown")
    args = parser.parse_args()
    sizes = [int(text.replace("_", "")) for text in args.answers.split(",")]
    results = {size: best_of(args.repeat, size, args) for size in sizes}
    names = [
        name for name in next(iter(results.values())) if name not in ("answers", "score_answers (check)")
    ]
    print(
        f"population {args.population}, redundancy {args.redundancy}, seed {args.seed}, "
        f"{os.cpu_count()} cores"
    )
    header = f"{'stage':<26}" + "".join(f"{f'{size:,} s':>16}{'x DS':>8}" for size in sizes)
    print(header)
    for name in names:
        cells = ""
        for size in sizes:
            seconds = results[size].get(name)
            ds = results[size]["ds alone"]
            cells += f"{seconds:>16.2f}{seconds / ds:>8.2f}" if seconds is not None else f"{'-':>16}{'-':>8}"
        print(f"{name:<26}{cells}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
