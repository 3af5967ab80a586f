"""``validate``: is a crowd fitted to real answers a faithful twin? Judged on held-out tasks."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from sandbox.cli.options import add_engine, add_format, add_gold, add_import_options
from sandbox.cli.reading import read_export

if TYPE_CHECKING:
    import pandas as pd

#: More splits than this cost minutes and add nothing to the averages.
MAX_SEEDS = 100


def configure(parser: argparse.ArgumentParser) -> None:
    """``validate (EXPORT [--gold G] | --dataset NAME) [--seeds N] [--engine] [--format table|json]``
    (pairwise: ``--kind pairwise [--items ITEMS.csv]``, gold optional)."""
    add_import_options(parser, export_optional=True)
    parser.add_argument("--dataset", help="a bundled dataset with real answers and gold (instead of EXPORT)")
    add_gold(parser)
    parser.add_argument(
        "--seeds", type=int, default=1, help=f"random splits to average, 1..{MAX_SEEDS} (default 1)"
    )
    add_engine(parser)
    add_format(parser)
    parser.set_defaults(handler=validate)


def validate(args: argparse.Namespace) -> int:
    """Fit on half of the tasks, replay the other half, compare real and replica there."""
    from foundation.errors import SandboxError
    from sandbox.experiment import real_answers
    from sandbox.kinds.base import task_kind
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
    result = kind.validate(
        answers, gold, str(name), seeds=args.seeds, engine=args.engine, dataset=real.dataset
    )
    print(dumps(result.to_dict()) if args.format == "json" else result.table())
    return 0
