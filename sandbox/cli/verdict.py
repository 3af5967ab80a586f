"""``verdict``: your crowd against paid curation, at your prices, on your export's own tasks."""

from __future__ import annotations

import argparse

from sandbox.cli.arguments import finite_float
from sandbox.cli.options import add_aggregator, add_engine, add_format, add_gold, add_import_options, add_seed


def configure(parser: argparse.ArgumentParser) -> None:
    """``verdict EXPORT --cost-per-label C [--curation-cost C2] [--curation P] [--curation-accuracy A]
    [--llm P [--llm-accuracy A]] [--gold G] [--budget B] [--target-accuracy A]``."""
    add_import_options(parser)
    add_gold(parser)
    prices = parser.add_argument_group("prices (money units per answer)")
    prices.add_argument(
        "--cost-per-label", type=finite_float, required=True, help="what one answer of your crowd costs"
    )
    prices.add_argument(
        "--curation-cost", type=finite_float, help="what one curated answer costs (default: the preset's)"
    )
    prices.add_argument(
        "--curation", help="curation population, preset or TOML (default: the task kind's curation preset)"
    )
    prices.add_argument(
        "--curation-accuracy",
        type=finite_float,
        help="curators' mean accuracy on ordinary items, in (0, 1) (default: the preset's)",
    )
    model = parser.add_argument_group("a language model as a third side (assumed, not measured)")
    model.add_argument("--llm", help="the model's population, preset or TOML (e.g. llm_annotator)")
    model.add_argument(
        "--llm-accuracy",
        type=finite_float,
        help="how often the stand-in model is right on your tasks, in (0, 1) (default 0.85)",
    )
    question = parser.add_argument_group("the two questions asked of both sides")
    question.add_argument(
        "--budget",
        type=finite_float,
        help="money each side may spend (default: what curation charges for one answer per task)",
    )
    question.add_argument(
        "--target-accuracy",
        type=finite_float,
        help="accuracy each side must reach (default: the better side's accuracy at the budget)",
    )
    add_aggregator(parser, what="aggregator both sides use")
    add_seed(parser)
    add_engine(parser)
    add_format(parser)
    parser.set_defaults(handler=verdict)


def verdict(args: argparse.Namespace) -> int:
    """Fit the export's crowd, compare it with curation at a budget and at a target, say who wins."""
    from pathlib import Path

    from sandbox.aggregation.registry import check_engine
    from sandbox.cli.reading import gold_for, read_export
    from sandbox.experiment.verdict import Prices, check_question, export_verdict
    from sandbox.reporting.render import dumps
    from sandbox.reporting.verdict import verdict_json, verdict_report

    prices = Prices(
        args.cost_per_label,
        args.curation_cost,
        args.curation_accuracy,
        args.curation,
        llm=args.llm,
        llm_accuracy=args.llm_accuracy,
    ).checked()
    check_question(args.budget, args.target_accuracy)
    engine = check_engine(args.engine)
    kind, imported = read_export(args)
    result = export_verdict(
        kind,
        imported,
        gold_for(kind, args, imported),
        Path(args.export).name,
        prices,
        seed=args.seed,
        budget=args.budget,
        target_accuracy=args.target_accuracy,
        aggregator=args.aggregator,
        engine=engine,
    )
    document = verdict_json(result)
    print(dumps(document) if args.format == "json" else verdict_report(document))
    return 0
