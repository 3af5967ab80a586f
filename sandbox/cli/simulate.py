"""``run``, ``compare`` and ``demo``: simulated campaigns, aggregated and scored."""

from __future__ import annotations

import argparse
import sys

from sandbox.cli.arguments import finite_float
from sandbox.cli.options import (
    add_aggregator,
    add_aggregator_params,
    add_aggregators,
    add_engine,
    add_format,
    add_policy,
    add_reference_model,
    add_seed,
    add_ties,
    policy_from_args,
    reference_from_args,
)
from sandbox.cli.reading import aggregator_for, aggregator_params, aggregators_for

#: How the demo's costs read, printed under its tables.
DEMO_UNITS = (
    "Costs are in money units: answers bought × the price per answer (plus any fixed cost). Volunteers "
    "are unpaid: their price per answer is the platform's fixed cost of hosting and moderating them."
)
#: ``run`` shows a progress bar on stderr once it has taken this many seconds.
PROGRESS_AFTER = 3.0


def configure_run(parser: argparse.ArgumentParser) -> None:
    """``run --dataset D --population P [policy] [--aggregators] [--seed] [--engine] [--format]``."""
    parser.add_argument(
        "--dataset", required=True, help="registered name, synthetic:..., or CSV/Parquet path"
    )
    parser.add_argument("--population", required=True, help="preset name or population TOML path")
    add_policy(parser)
    add_reference_model(parser)
    add_aggregators(parser)
    add_aggregator_params(parser)
    add_seed(parser)
    add_ties(parser)
    add_engine(parser)
    add_format(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Simulate a population on a dataset, aggregate, score."""
    from annotators.population import load_population
    from sandbox.aggregation.registry import check_engine
    from sandbox.datasets import load_dataset
    from sandbox.experiment.experiment import Experiment
    from sandbox.kinds.base import task_kind
    from sandbox.reporting.progress import LateProgress
    from sandbox.reporting.render import dumps, outcome_json, outcome_table

    engine = check_engine(args.engine)
    dataset = load_dataset(args.dataset)
    aggregators = aggregators_for(task_kind(dataset.kind), args.aggregators)
    population = load_population(args.population)
    policy = policy_from_args(args)
    reference = reference_from_args(args)
    params = aggregator_params(args, aggregators)
    experiment = Experiment(
        dataset,
        population,
        policy,
        tuple(aggregators),
        engine,
        args.seed,
        aggregator_params=params,
        ties=args.ties,
        reference=reference,
    )
    with LateProgress(experiment.steps, sys.stderr, after=PROGRESS_AFTER) as bar:
        outcome = experiment.run(progress=bar.step)
    if args.format == "json":
        header = {
            "dataset": dataset.name,
            "population": population.name,
            "seed": args.seed,
            "policy": policy.to_dict(),
        }
        print(dumps(outcome_json(outcome, header)))
    else:
        title = f"{population.name} on {dataset.name}, {args.redundancy} answers per task, seed {args.seed}"
        print(outcome_table(outcome, title))
    return 0


def configure_compare(parser: argparse.ArgumentParser) -> None:
    """``compare --dataset D --crowd P --curation P [--llm P] (--budget B | --target-accuracy A)``."""
    parser.add_argument(
        "--dataset", required=True, help="registered name, synthetic:..., or CSV/Parquet path"
    )
    parser.add_argument("--crowd", required=True, help="crowd population (preset or TOML)")
    parser.add_argument("--curation", required=True, help="curation population (preset or TOML)")
    parser.add_argument(
        "--llm", help="a third side: the model as annotator or judge (e.g. llm_annotator, llm_judge)"
    )
    question = parser.add_mutually_exclusive_group(required=True)
    question.add_argument("--budget", type=finite_float, help="money available to each side")
    question.add_argument("--target-accuracy", type=finite_float, help="accuracy each side must reach")
    add_aggregator(parser, what="aggregator every side uses")
    add_reference_model(parser)
    add_aggregator_params(parser)
    add_seed(parser)
    add_engine(parser)
    add_format(parser)
    parser.set_defaults(handler=compare)


def compare(args: argparse.Namespace) -> int:
    """Crowd vs paid curation (vs a model, ``--llm``) at a budget, or the cost of reaching a target
    accuracy."""
    from annotators.population import load_population
    from sandbox.aggregation.registry import check_engine
    from sandbox.datasets import load_dataset
    from sandbox.experiment.compare import compare as compare_sides
    from sandbox.experiment.compare import partial_coverage_warnings
    from sandbox.kinds.base import task_kind
    from sandbox.reporting.render import comparison_json, comparison_table, dumps

    dataset = load_dataset(args.dataset)
    aggregator = aggregator_for(task_kind(dataset.kind), args.aggregator)
    crowd, curation = load_population(args.crowd), load_population(args.curation)
    llm = load_population(args.llm) if args.llm is not None else None
    reference = reference_from_args(args)
    result = compare_sides(
        dataset,
        crowd,
        curation,
        aggregator,
        args.seed,
        budget=args.budget,
        target_accuracy=args.target_accuracy,
        engine=check_engine(args.engine),
        params=aggregator_params(args, [aggregator]).get(aggregator),
        llm=llm,
        reference=reference,
    )
    header = {
        "dataset": dataset.name,
        "aggregator": aggregator,
        "seed": args.seed,
        **({"budget": args.budget} if args.budget is not None else {"target_accuracy": args.target_accuracy}),
    }
    document = comparison_json(result, header)
    for warning in partial_coverage_warnings(result, dataset.n_tasks):
        print(f"crowd-sandbox: warning: {warning}", file=sys.stderr)
    print(dumps(document) if args.format == "json" else comparison_table(document))
    return 0


def configure_demo(parser: argparse.ArgumentParser) -> None:
    """``demo [--seed S]``."""
    add_seed(parser)
    parser.set_defaults(handler=demo)


def demo(args: argparse.Namespace) -> int:
    """Volunteers, a paid crowd and paid curation side by side on a real dataset, then on preferences."""
    from sandbox.experiment.demo import alike, conclusion, demos, run_demo
    from sandbox.reporting.tables import table

    for number, demo in enumerate(demos()):
        rows = []
        sides = run_demo(demo, seed=args.seed)
        for side in sides:
            once = alike(side)
            for score in side.outcome.scores[:1] if once else side.outcome.scores:
                rows.append(
                    {
                        "population": side.population,
                        "answers/task": side.redundancy,
                        "aggregator": " = ".join(demo.aggregators) if once else score.aggregator,
                        "accuracy": score.accuracy,
                        **{name: score.extra.get(name) for name in demo.extra_columns},
                        "cost": side.outcome.cost,
                        "cost/correct": score.cost_per_correct_label,
                    }
                )
        columns = ["population", "answers/task", "aggregator", "accuracy", *demo.extra_columns]
        print(
            ("\n" if number else "")
            + f"{demo.title}, aggregators {', '.join(demo.aggregators)}, seed {args.seed}\n"
        )
        print(table(rows, [*columns, "cost", "cost/correct"]))
        print(conclusion(sides))
    print(f"\n{DEMO_UNITS}")
    return 0
