"""``report``, ``aggregate`` and ``fit``: what a real annotation export says about its annotators.

The handlers parse, call the engine (:mod:`sandbox.fitting`, :mod:`sandbox.aggregation`,
:mod:`sandbox.io`) and print or write. Outputs are checked before any work
(:func:`sandbox.io.files.outputs.check_outputs`: never an input, a directory or a read-only file), written
all or nothing (:mod:`sandbox.io.files.atomic`), and CSV is made safe for spreadsheets; nothing is
written or printed when a command fails.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sandbox.cli.arguments import non_negative_float
from sandbox.cli.options import (
    add_aggregator,
    add_engine,
    add_format,
    add_gold,
    add_import_options,
    add_min_seconds,
    add_reference,
    add_ties,
)
from sandbox.cli.reading import (
    aggregator_for,
    gold_for,
    input_paths,
    read_export,
    reference_for,
    say_reference_coverage,
    tie_break,
    with_reference_worker,
)

REPORT_FORMATS = ("table", "json", "csv")
CONSENSUS_FORMATS = ("csv", "labelstudio")


def configure_report(parser: argparse.ArgumentParser) -> None:
    """``report EXPORT [--gold G] [--aggregator A] [--engine] [--format] [--reference P
    [--reference-as-worker NAME]] [--tasks-out F]``."""
    add_import_options(parser)
    add_gold(parser)
    add_aggregator(parser)
    add_engine(parser)
    add_format(parser, REPORT_FORMATS)
    add_min_seconds(parser)
    add_ties(parser, seed=True)
    add_reference(parser)
    parser.add_argument("--tasks-out", help="also write the per-task table (CSV) here")
    parser.set_defaults(handler=report)


def report(args: argparse.Namespace) -> int:
    """Per-annotator, per-task and overall quality of an export."""
    import json
    from pathlib import Path

    from sandbox.io.files.atomic import write_atomically
    from sandbox.io.files.outputs import check_outputs, spreadsheet_csv
    from sandbox.reporting.render import report_json, report_table

    check_outputs({"--tasks-out": args.tasks_out}, input_paths(args))
    kind, imported = read_export(args)
    aggregator = aggregator_for(kind, args.aggregator)
    gold = gold_for(kind, args, imported)
    reference = reference_for(kind, args, imported.answers)
    result = kind.report(
        with_reference_worker(kind, args, imported.answers, reference),
        aggregator=aggregator,
        engine=args.engine,
        gold=gold,
        items=imported.items,
        min_seconds=args.min_seconds,
        ties=tie_break(args),
        reference=reference,
    )
    if args.format == "json":
        header = {
            "kind": kind.name,
            "aggregator": aggregator,
            "source_format": imported.source_format,
            "skipped": imported.skipped,
        }
        if args.reference is not None:
            header["reference"] = Path(args.reference).name
        text = json.dumps(report_json(result, header), indent=2) + "\n"
    elif args.format == "csv":
        text = spreadsheet_csv(result.annotators)
    else:
        title = f"{args.export}: {imported.source_format} ({kind.name}), consensus by {aggregator}"
        text = report_table(result, title) + "\n"
    if args.tasks_out:
        write_atomically(Path(args.tasks_out), spreadsheet_csv(result.tasks))
    say_reference_coverage(kind, args, imported.answers, reference)
    print(text, end="")
    return 0


def configure_aggregate(parser: argparse.ArgumentParser) -> None:
    """``aggregate EXPORT [--aggregator A] [--engine] --out FILE [--out-format] [--to-name]``."""
    add_import_options(parser)
    add_aggregator(parser)
    add_engine(parser)
    add_ties(parser, seed=True)
    parser.add_argument("--out", required=True, help="output file (.json: Label Studio predictions)")
    parser.add_argument("--out-format", choices=CONSENSUS_FORMATS, help="default: from --out's suffix")
    parser.add_argument("--to-name", help="Label Studio object the control labels (default: from export)")
    parser.set_defaults(handler=aggregate)


def aggregate(args: argparse.Namespace) -> int:
    """Consensus of an export as CSV or Label Studio predictions JSON."""
    from pathlib import Path

    from foundation.errors import SandboxError, printable
    from sandbox.io.files.outputs import check_outputs

    out = Path(args.out)
    output = args.out_format or ("labelstudio" if out.suffix.lower() == ".json" else "csv")
    if output == "labelstudio" and args.task_field:
        raise SandboxError("Label Studio predictions need the export's task ids: drop --task-field")
    check_outputs({"--out": out}, input_paths(args))
    kind, imported = read_export(args)
    aggregator = aggregator_for(kind, args.aggregator)
    written = kind.write_consensus(args, imported, aggregator, out, output)
    print(f"wrote the {aggregator} consensus of {written} to {printable(str(out))} ({output})")
    return 0


def configure_fit(parser: argparse.ArgumentParser) -> None:
    """``fit EXPORT [--gold G] --out FILE.toml [--name] [--cost-per-label] [--workers-out]``."""
    add_import_options(parser)
    add_gold(parser)
    add_engine(parser)
    parser.add_argument("--out", required=True, help="population TOML file to write")
    parser.add_argument("--name", help="population name (default: the output file's stem)")
    parser.add_argument(
        "--cost-per-label", type=non_negative_float, default=0.0, help="price of one answer (default 0)"
    )
    parser.add_argument("--workers-out", help="also write the per-annotator fit (CSV) here")
    add_min_seconds(parser)
    add_ties(parser, seed=True)
    parser.set_defaults(handler=fit)


def fit(args: argparse.Namespace) -> int:
    """A population fitted from an export, as a population TOML file."""
    from pathlib import Path

    from foundation.errors import printable
    from sandbox.io.files.atomic import write_all_atomically
    from sandbox.io.files.outputs import check_outputs, spreadsheet_csv
    from sandbox.reporting.tables import frame_table

    out = Path(args.out)
    check_outputs({"--out": out, "--workers-out": args.workers_out}, input_paths(args))
    kind, imported = read_export(args)
    toml, workers = kind.fit(args, imported, args.name or out.stem)
    files: dict[Path, str] = {out: toml}
    if args.workers_out:
        files[Path(args.workers_out)] = spreadsheet_csv(workers)
    write_all_atomically(files)
    print(f"wrote the {kind.name} population fitted to {len(workers)} annotators to {printable(str(out))}")
    print(frame_table(workers["archetype"].value_counts().rename("annotators").to_frame()))
    return 0
