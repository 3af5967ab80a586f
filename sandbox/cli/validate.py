"""``validate``: is a crowd fitted to real answers a faithful twin? Judged on held-out tasks, by
the export's task kind (for classification, by predictive intervals)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from sandbox.cli.options import (
    add_aggregators,
    add_engine,
    add_format,
    add_gold,
    add_import_options,
    add_ties,
)

if TYPE_CHECKING:
    import pandas as pd

#: More splits than this cost minutes and add nothing to the averages.
MAX_SEEDS = 100


def configure(parser: argparse.ArgumentParser) -> None:
    """``validate (EXPORT [--gold G] | --dataset NAME) [--seeds N] [--replays N] [--refits N]
    [--aggregators A,B] [--ties random|smallest] [--engine] [--format table|json]`` (pairwise:
    ``--kind pairwise [--items ITEMS.csv]``, gold optional)."""
    add_import_options(parser, export_optional=True)
    parser.add_argument("--dataset", help="a bundled dataset with real answers and gold (instead of EXPORT)")
    add_gold(parser)
    parser.add_argument("--seeds", type=int, default=1, help=f"random splits, 1..{MAX_SEEDS} (default 1)")
    parser.add_argument(
        "--replays",
        type=int,
        help="replays of the held-out half per split, from which the 90%% intervals come "
        "(default 400; at least 19, at most 10000)",
    )
    parser.add_argument(
        "--refits",
        type=int,
        help="bootstrap fits per split that the replays share, for the fitting noise "
        "(default: a quarter of --replays; 1..--replays)",
    )
    add_aggregators(parser)
    add_ties(parser)  # seeded by 0: --seeds counts the splits
    add_engine(parser)
    add_format(parser)
    parser.set_defaults(handler=validate)


def validate(args: argparse.Namespace) -> int:
    """Fit on half of the tasks, replay the other half, judge the real values there."""
    from foundation.errors import SandboxError
    from sandbox.aggregation.registry import split_names
    from sandbox.aggregation.ties import TieBreak
    from sandbox.cli.reading import read_export
    from sandbox.experiment import real_answers
    from sandbox.kinds.base import ValidationRequest, task_kind
    from sandbox.reporting.render import dumps

    gold: pd.Series | None

    if (args.export is None) == (args.dataset is None):
        raise SandboxError("validate needs either an EXPORT file or --dataset NAME (not both)")
    if not 1 <= args.seeds <= MAX_SEEDS:
        raise SandboxError(f"--seeds must be between 1 and {MAX_SEEDS}, got {args.seeds}")
    if args.dataset is not None:
        if args.gold is not None:
            raise SandboxError("--gold goes with EXPORT; a bundled dataset brings its own gold")
        real = real_answers.from_dataset(args.dataset)
        kind, answers, gold, name = task_kind(real.kind), real.answers, real.gold, real.source
    else:
        kind, imported = read_export(args)
        export_gold = kind.gold(args, imported)
        if export_gold is None and kind.validation_needs_gold:
            raise SandboxError(
                f"{args.export} has no gold: validation scores real and replica answers against gold; "
                "give --gold FILE (task, label)"
            )
        real = kind.real_answers(imported, args.export, args.gold)
        answers, gold, name = imported.answers, export_gold, args.export
    request = ValidationRequest(
        seeds=args.seeds,
        engine=args.engine,
        aggregators=tuple(split_names(args.aggregators)) if args.aggregators else None,
        replays=args.replays,
        refits=args.refits,
        ties=TieBreak(args.ties),
    )
    result = kind.validate(answers, gold, str(name), request, dataset=real.dataset)
    print(dumps(result.to_dict()) if args.format == "json" else result.table())
    return 0
