"""``validate``: is a crowd fitted to real answers a faithful twin? Judged by predictive intervals on
held-out tasks."""

from __future__ import annotations

import argparse

from sandbox.cli.options import (
    add_aggregators,
    add_engine,
    add_format,
    add_gold,
    add_import_options,
    gold_of,
    read_export,
)

#: More splits than this cost minutes and add nothing to the averages.
MAX_SEEDS = 100
#: Replays per split by default (see ``sandbox.fitting.validation.DEFAULT_REPLAYS``).
DEFAULT_REPLAYS = 400


def configure(parser: argparse.ArgumentParser) -> None:
    """``validate (EXPORT [--gold G] | --dataset NAME) [--seeds N] [--replays N] [--refits N]
    [--aggregators A,B] [--engine] [--format table|json]``."""
    add_import_options(parser, export_optional=True)
    parser.add_argument("--dataset", help="a bundled dataset with real answers and gold (instead of EXPORT)")
    add_gold(parser)
    parser.add_argument("--seeds", type=int, default=1, help=f"random splits, 1..{MAX_SEEDS} (default 1)")
    parser.add_argument(
        "--replays",
        type=int,
        default=DEFAULT_REPLAYS,
        help=f"replays of the held-out half per split, from which the 90%% intervals come (default "
        f"{DEFAULT_REPLAYS}; at least 19, at most 10000)",
    )
    parser.add_argument(
        "--refits",
        type=int,
        help="bootstrap fits per split that the replays share, for the fitting noise "
        "(default: a quarter of --replays; 1..--replays)",
    )
    add_aggregators(parser)
    add_engine(parser)
    add_format(parser)
    parser.set_defaults(handler=validate)


def validate(args: argparse.Namespace) -> int:
    """Fit on half of the tasks, replay the other half many times, judge the real values there."""
    from annotators.errors import SandboxError
    from sandbox.cli.options import aggregators_for
    from sandbox.experiment import real_answers
    from sandbox.fitting.validation import REPLAYS_PER_REFIT, check_replays
    from sandbox.fitting.validation import validate as validate_crowd
    from sandbox.reporting.render import dumps, validation_table

    if (args.export is None) == (args.dataset is None):
        raise SandboxError("validate needs either an EXPORT file or --dataset NAME (not both)")
    if not 1 <= args.seeds <= MAX_SEEDS:
        raise SandboxError(f"--seeds must be between 1 and {MAX_SEEDS}, got {args.seeds}")
    refits = args.refits if args.refits is not None else max(1, args.replays // REPLAYS_PER_REFIT)
    check_replays(args.replays, refits)
    aggregators = aggregators_for("classification", args.aggregators or "mv,ds")
    if "mv" not in aggregators or "ds" not in aggregators:
        aggregators = list(dict.fromkeys(["mv", "ds", *aggregators]))
    if args.dataset is not None:
        if args.gold is not None:
            raise SandboxError("--gold goes with EXPORT; a bundled dataset brings its own gold")
        real = real_answers.from_dataset(args.dataset)
        answers, gold, name = real.answers, real.gold, real.source
    else:
        imported = read_export(args)
        export_gold = gold_of(args, imported)
        if export_gold is None:
            raise SandboxError(
                f"{args.export} has no gold: validation scores real and replica answers against gold; "
                "give --gold FILE (task, label)"
            )
        answers, gold, name = imported.answers, export_gold, args.export
    result = validate_crowd(
        answers,
        gold,
        str(name),
        seeds=args.seeds,
        engine=args.engine,
        aggregators=aggregators,
        replays=args.replays,
        refits=refits,
    )
    print(dumps(result.to_dict()) if args.format == "json" else validation_table(result))
    return 0
