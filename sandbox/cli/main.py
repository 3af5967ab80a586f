"""The ``crowd-sandbox`` command line. Parses arguments, calls the engine, prints; nothing else.

Every SandboxError becomes one line on stderr and exit status 2; nothing is written on failure.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from annotators.archetypes import ARCHETYPES
from annotators.errors import SandboxError
from annotators.population import load_population, preset_names
from sandbox.aggregation.aggregate import (
    AGGREGATORS,
    ENGINES,
    aggregator_names,
    check_engine,
    parse_aggregators,
)
from sandbox.aggregation.fast import FAST_AGGREGATORS
from sandbox.cli import dashboard as dashboard_command
from sandbox.cli import sweep as sweep_command
from sandbox.cli.exports import add_export_commands, add_import_options, read_export
from sandbox.datasets import list_datasets, load_dataset
from sandbox.experiment.compare import compare
from sandbox.experiment.demo import DEMO_AGGREGATORS, DEMO_DATASET, run_demo
from sandbox.experiment.experiment import run_simulation, score_answers
from sandbox.io import real_answers
from sandbox.reporting.render import (
    comparison_json,
    comparison_table,
    dumps,
    outcome_json,
    outcome_table,
    table,
)
from sandbox.simulation.policy import CampaignPolicy

DEFAULT_AGGREGATORS = "mv,wawa,ds"
EXIT_USER_ERROR = 2
ENGINE_HELP = "fast: vectorized implementations where they exist (default); crowdkit: crowd-kit throughout"

Handler = Callable[[argparse.Namespace], int]


class ArgumentParser(argparse.ArgumentParser):
    """argparse with the project's convention: one line on stderr, exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: error: {message} (see --help)\n")
        raise SystemExit(EXIT_USER_ERROR)


def cmd_run(args: argparse.Namespace) -> int:
    """Simulate a population on a dataset, aggregate, score."""
    aggregators = parse_aggregators(args.aggregators)
    engine = check_engine(args.engine)
    dataset = load_dataset(args.dataset)
    population = load_population(args.population)
    policy = policy_from_args(args)
    outcome = run_simulation(dataset, population, policy, aggregators, args.seed, engine)
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


def cmd_compare(args: argparse.Namespace) -> int:
    """Crowd vs paid curation at a budget, or the cost of reaching a target accuracy."""
    parse_aggregators(args.aggregator)
    dataset = load_dataset(args.dataset)
    crowd, curation = load_population(args.crowd), load_population(args.curation)
    result = compare(dataset, crowd, curation, args.aggregator, args.seed, args.budget, args.target_accuracy)
    header = {
        "dataset": dataset.name,
        "aggregator": args.aggregator,
        "seed": args.seed,
        **({"budget": args.budget} if args.budget is not None else {"target_accuracy": args.target_accuracy}),
    }
    document = comparison_json(result, header)
    print(dumps(document) if args.format == "json" else comparison_table(document))
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    """Aggregate real answers and score them against gold."""
    aggregators = parse_aggregators(args.aggregators)
    engine = check_engine(args.engine)
    if args.cost_per_label < 0:
        raise SandboxError(f"--cost-per-label must be >= 0, got {args.cost_per_label}")
    if args.dataset is not None:
        if args.gold is not None:
            raise SandboxError("--gold goes with --answers; a bundled dataset brings its own gold")
        real = real_answers.from_dataset(args.dataset)
    else:
        real = real_answers.from_export(read_export(args, "answers"), args.answers, args.gold)
    outcome = score_answers(
        real.answers, real.gold, aggregators, cost=len(real.answers) * args.cost_per_label, engine=engine
    )
    if args.format == "json":
        print(dumps(outcome_json(outcome, {"dataset": real.source})))
    else:
        print(outcome_table(outcome, f"real answers of {real.source}, scored on {len(real.gold)} gold tasks"))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Volunteers, a paid crowd and paid curation side by side on a real dataset."""
    rows = []
    for side in run_demo(seed=args.seed):
        for score in side.outcome.scores:
            rows.append(
                {
                    "population": side.population,
                    "answers/task": side.redundancy,
                    "aggregator": score.aggregator,
                    "accuracy": score.accuracy,
                    "cost": side.outcome.cost,
                    "cost/correct": score.cost_per_correct_label,
                }
            )
    print(
        f"Crowd vs paid curation on {DEMO_DATASET} (real expert gold as truth), "
        f"aggregators {', '.join(DEMO_AGGREGATORS)}, seed {args.seed}\n"
    )
    print(table(rows, ["population", "answers/task", "aggregator", "accuracy", "cost", "cost/correct"]))
    return 0


def cmd_datasets(args: argparse.Namespace) -> int:
    """List registered datasets."""
    listing = list_datasets()
    width = max(map(len, listing))
    for name, description in listing.items():
        print(f"{name.ljust(width)}  {description}")
    return 0


def cmd_populations(args: argparse.Namespace) -> int:
    """List shipped population presets and the archetypes they can mix."""
    names = preset_names()
    width = max(map(len, [*names, *ARCHETYPES]))
    for name in names:
        print(f"{name.ljust(width)}  {load_population(name).description}")
    print("\narchetypes:")
    for name, kind in ARCHETYPES.items():
        print(f"{name.ljust(width)}  {kind.summary}")
    return 0


def cmd_aggregators(args: argparse.Namespace) -> int:
    """List registered aggregators."""
    width = max(map(len, AGGREGATORS))
    for name, spec in AGGREGATORS.items():
        engines = "fast, crowdkit" if name in FAST_AGGREGATORS else "crowdkit"
        print(f"{name.ljust(width)}  {spec.summary} [engines: {engines}]")
    return 0


def add_policy_arguments(parser: argparse.ArgumentParser) -> None:
    """Quality-control, adaptive-redundancy and difficulty flags (see ``sandbox.simulation.policy``)."""
    group = parser.add_argument_group("campaign policy")
    group.add_argument("--gold-rate", type=float, default=0.0, help="share of items that are gold questions")
    group.add_argument("--ban-threshold", type=float, default=0.0, help="ban below this gold accuracy")
    group.add_argument("--min-gold", type=int, default=5, help="gold answers before a ban can happen")
    group.add_argument("--qualification", type=int, default=0, help="gold questions before starting")
    group.add_argument("--qualification-threshold", type=float, default=0.0, help="pass mark of the test")
    group.add_argument("--max-redundancy", type=int, help="adaptive: buy answers up to this many per task")
    group.add_argument("--confidence", type=float, default=0.8, help="adaptive: majority share that suffices")
    group.add_argument("--difficulty", default="auto", help="auto | model | beta | none (default auto)")


def policy_from_args(args: argparse.Namespace) -> CampaignPolicy:
    """The validated campaign policy of the run flags."""
    return CampaignPolicy.from_dict(
        {
            "redundancy": args.redundancy,
            "gold_rate": args.gold_rate,
            "ban_threshold": args.ban_threshold,
            "min_gold": args.min_gold,
            "qualification": args.qualification,
            "qualification_threshold": args.qualification_threshold,
            "max_redundancy": args.max_redundancy,
            "confidence": args.confidence,
            "difficulty": args.difficulty,
        },
        source="options",
    )


def build_parser() -> ArgumentParser:
    """All subcommands and their options."""
    parser = ArgumentParser(prog="crowd-sandbox", description=__doc__.splitlines()[0] if __doc__ else None)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=ArgumentParser)

    run = commands.add_parser("run", help="simulate a crowd on a dataset, aggregate, score")
    run.add_argument("--dataset", required=True, help="registered name, synthetic:..., or CSV/Parquet path")
    run.add_argument("--population", required=True, help="preset name or population TOML path")
    run.add_argument("--redundancy", type=int, default=5, help="answers per task (default 5)")
    add_policy_arguments(run)
    run.add_argument(
        "--aggregators",
        default=DEFAULT_AGGREGATORS,
        help=f"comma-separated (default {DEFAULT_AGGREGATORS})",
    )
    run.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    run.add_argument("--engine", choices=ENGINES, default="fast", help=ENGINE_HELP)
    run.add_argument("--format", choices=("table", "json"), default="table")
    run.set_defaults(handler=cmd_run)

    comparison = commands.add_parser(
        "compare", help="crowd vs paid curation: same budget, or target accuracy"
    )
    comparison.add_argument("--dataset", required=True)
    comparison.add_argument("--crowd", required=True, help="crowd population (preset or TOML)")
    comparison.add_argument("--curation", required=True, help="curation population (preset or TOML)")
    question = comparison.add_mutually_exclusive_group(required=True)
    question.add_argument("--budget", type=float, help="money available to each side")
    question.add_argument("--target-accuracy", type=float, help="accuracy each side must reach")
    comparison.add_argument("--aggregator", default="ds", help="aggregator both sides use (default ds)")
    comparison.add_argument("--seed", type=int, default=0)
    comparison.add_argument("--format", choices=("table", "json"), default="table")
    comparison.set_defaults(handler=cmd_compare)

    evaluate = commands.add_parser("evaluate", help="aggregate real answers and score against gold")
    source = evaluate.add_mutually_exclusive_group(required=True)
    source.add_argument("--dataset", help="bundled dataset with real answers")
    source.add_argument(
        "--answers",
        help="answers: any export (Label Studio JSON/JSON_MIN/CSV, long CSV/Parquet, MTurk CSV)",
    )
    evaluate.add_argument(
        "--gold", help="CSV/Parquet file with task, label (with --answers; default: the export's own)"
    )
    add_import_options(evaluate, positional=False)
    evaluate.add_argument("--aggregators", default=DEFAULT_AGGREGATORS)
    evaluate.add_argument("--engine", choices=ENGINES, default="fast", help=ENGINE_HELP)
    evaluate.add_argument("--cost-per-label", type=float, default=0.0, help="price of one answer (default 0)")
    evaluate.add_argument("--format", choices=("table", "json"), default="table")
    evaluate.set_defaults(handler=cmd_evaluate)

    demo = commands.add_parser("demo", help="volunteers vs paid crowd vs paid curation on real data")
    demo.add_argument("--seed", type=int, default=0)
    demo.set_defaults(handler=cmd_demo)

    sweep_command.add_parser(commands)
    add_export_commands(commands, aggregator_names())

    for name, handler, text in (
        ("datasets", cmd_datasets, "list datasets"),
        ("populations", cmd_populations, "list population presets and archetypes"),
        ("aggregators", cmd_aggregators, "list aggregators"),
    ):
        commands.add_parser(name, help=text).set_defaults(handler=handler)
    dashboard_command.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``crowd-sandbox`` console script."""
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        status = handler(args)
        sys.stdout.flush()  # surface a closed pipe here, not at interpreter exit
        return status
    except SandboxError as error:
        sys.stderr.write(f"crowd-sandbox: error: {error}\n")
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        sys.stderr.write("crowd-sandbox: interrupted\n")
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    raise SystemExit(main())
