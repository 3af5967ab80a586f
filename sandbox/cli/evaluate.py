"""``evaluate``: aggregate real answers (a bundled dataset's, or any export) and score them against gold."""

from __future__ import annotations

import argparse

from sandbox.cli.arguments import non_negative_float
from sandbox.cli.options import (
    add_aggregator_params,
    add_aggregators,
    add_engine,
    add_format,
    add_gold,
    add_import_options,
    add_reference,
    add_ties,
)
from sandbox.cli.reading import (
    aggregator_params,
    aggregators_for,
    read_export,
    reference_for,
    say_reference_coverage,
    tie_break,
    with_reference_worker,
)


def configure(parser: argparse.ArgumentParser) -> None:
    """``evaluate (--dataset D | --answers FILE [--gold G]) [--aggregators] [--engine] [--format]
    [--reference P [--reference-as-worker NAME]]``."""
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--dataset", help="bundled dataset with real answers")
    source.add_argument(
        "--answers",
        help="answers: any export (Label Studio JSON/JSON_MIN/CSV, long CSV/Parquet, MTurk CSV), or a "
        "directory or glob of long Parquet partitions (aggregated out of core: mv, ds)",
    )
    parser.add_argument(
        "--scheduler", help="Dask scheduler address: partitioned --answers are reduced on its workers"
    )
    add_gold(parser)
    add_import_options(parser, positional=False)
    add_aggregators(parser)
    add_aggregator_params(parser)
    add_engine(parser)
    add_ties(parser, seed=True)
    parser.add_argument(
        "--cost-per-label", type=non_negative_float, default=0.0, help="price of one answer (default 0)"
    )
    add_reference(parser)
    add_format(parser)
    parser.set_defaults(handler=evaluate)


def evaluate(args: argparse.Namespace) -> int:
    """Aggregate real answers and score them against gold."""
    from foundation.errors import SandboxError
    from sandbox.aggregation.registry import check_engine
    from sandbox.experiment import real_answers
    from sandbox.experiment.scoring import score_answers
    from sandbox.io.partitioned.reader import is_partitioned
    from sandbox.kinds.base import task_kind
    from sandbox.reporting.render import dumps, gold_line, outcome_json, outcome_table

    engine = check_engine(args.engine)
    if args.answers is not None and is_partitioned(args.answers):
        if args.reference is not None or args.reference_as_worker is not None:
            raise SandboxError("--reference takes answers read whole, not partitioned --answers")
        from sandbox.cli.evaluate_partitioned import evaluate_partitioned

        return evaluate_partitioned(args)
    if args.scheduler:
        raise SandboxError("--scheduler goes with partitioned --answers (a directory or a glob)")
    if args.dataset is not None:
        if args.gold is not None:
            raise SandboxError("--gold goes with --answers; a bundled dataset brings its own gold")
        real = real_answers.from_dataset(args.dataset)
        kind = task_kind(real.kind)
    else:
        kind, imported = read_export(args, "answers")
        real = kind.real_answers(imported, args.answers, args.gold)
    aggregators = aggregators_for(kind, args.aggregators)
    reference = reference_for(kind, args, real.answers)
    outcome = score_answers(
        with_reference_worker(kind, args, real.answers, reference),
        real.gold,
        aggregators,
        cost=len(real.answers) * args.cost_per_label,
        dataset=real.dataset,
        engine=engine,
        kind=kind,
        params=aggregator_params(args, aggregators),
        ties=tie_break(args),
        fixed=[kind.reference_aggregation(reference, real.answers)] if reference is not None else [],
    )
    say_reference_coverage(kind, args, real.answers, reference)
    if args.format == "json":
        print(dumps(outcome_json(outcome, {"dataset": real.source})))
    else:
        print(
            outcome_table(
                outcome, f"real answers of {real.source}, {gold_line(real.gold_size, kind.gold_unit)}"
            )
        )
    return 0
