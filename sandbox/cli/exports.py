"""``report``, ``aggregate`` and ``fit``: what a real annotation export says about its annotators.

The handlers parse, call the engine (:mod:`sandbox.fitting`, :mod:`sandbox.aggregation`,
:mod:`sandbox.io`) and print or write. Outputs are checked before any work
(:func:`sandbox.io.files.outputs.check_outputs`: never an input, a directory or a read-only file), written
all or nothing (:mod:`sandbox.io.files.atomic`), and CSV is made safe for spreadsheets; nothing is
written or printed when a command fails.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

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
    read_export_controls,
    reference_for,
    say_reference_coverage,
    tie_break,
    with_reference_worker,
)

if TYPE_CHECKING:
    import pandas as pd

REPORT_FORMATS = ("table", "json", "csv")
CONSENSUS_FORMATS = ("csv", "labelstudio")


def configure_report(parser: argparse.ArgumentParser) -> None:
    """``report EXPORT [--gold G] [--aggregator A] [--engine] [--format] [--reference P
    [--reference-as-worker NAME]] [--tasks-out F] [--removal-out F] [--html F]``; ``--from-name a,b``
    or ``all`` reports per labeling control."""
    add_import_options(parser)
    add_gold(parser)
    add_aggregator(parser)
    add_engine(parser)
    add_format(parser, REPORT_FORMATS)
    add_min_seconds(parser)
    add_ties(parser, seed=True)
    add_reference(parser)
    parser.add_argument("--tasks-out", help="also write the per-task table (CSV) here")
    parser.add_argument(
        "--removal-out",
        help="also write the removal list (CSV: the suspected annotators, their identity and evidence) here",
    )
    parser.add_argument("--html", help="also write a self-contained HTML report (charts and tables) here")
    parser.set_defaults(handler=report)


def report(args: argparse.Namespace) -> int:
    """Per-annotator, per-task and overall quality of an export (per labeling control when asked)."""
    import json

    from foundation.errors import printable
    from sandbox.fitting.removal_list import removal_list, with_identities
    from sandbox.io.files.atomic import write_all_atomically
    from sandbox.io.files.outputs import check_outputs, spreadsheet_csv
    from sandbox.reporting.render import report_json, report_table

    outputs = {"--tasks-out": args.tasks_out, "--removal-out": args.removal_out, "--html": args.html}
    check_outputs(outputs, input_paths(args))
    kind, exports = read_export_controls(args)
    aggregator = aggregator_for(kind, args.aggregator)
    results = {}
    references = {}
    for control, imported in exports.items():
        reference = reference_for(kind, args, imported.answers)
        result = kind.report(
            with_reference_worker(kind, args, imported.answers, reference),
            aggregator=aggregator,
            engine=args.engine,
            gold=gold_for(kind, args, imported),
            items=imported.items,
            min_seconds=args.min_seconds,
            ties=tie_break(args),
            reference=reference,
        )
        results[control] = with_identities(result, imported.identities)
        references[control] = reference
    several = len(results) > 1
    first = next(iter(exports.values()))
    header = {"kind": kind.name, "aggregator": aggregator, "source_format": first.source_format}
    if args.reference is not None:
        header["reference"] = Path(args.reference).name
    if args.format == "json":
        documents = {c: report_json(r, {**header, "skipped": exports[c].skipped}) for c, r in results.items()}
        document = {"controls": documents} if several else next(iter(documents.values()))
        text = json.dumps(document, indent=2) + "\n"
    elif args.format == "csv":
        text = spreadsheet_csv(per_control({c: r.annotators for c, r in results.items()}))
    else:
        title = f"{args.export}: {first.source_format} ({kind.name}), consensus by {aggregator}"
        text = "\n\n".join(
            report_table(r, f"{title}, labeling control {c}" if several else title)
            for c, r in results.items()
        )
        text += "\n"
    files: dict[Path, str] = {}
    if args.tasks_out:
        files[Path(args.tasks_out)] = spreadsheet_csv(per_control({c: r.tasks for c, r in results.items()}))
    if args.removal_out:
        removal = per_control({c: removal_list(r) for c, r in results.items()})
        files[Path(args.removal_out)] = spreadsheet_csv(removal)
    if args.html:
        from sandbox.reporting.export_html import Section, export_html

        title = f"Crowd Sandbox report: {Path(args.export).name}, consensus by {aggregator}"
        sections = {c: Section(r, exports[c].answers) for c, r in results.items()}
        files[Path(args.html)] = export_html(title, sections)
    write_all_atomically(files)
    for control, reference in references.items():
        say_reference_coverage(kind, args, exports[control].answers, reference)
    print(text, end="")
    for path in files:
        if path != Path(args.tasks_out or ""):
            sys.stderr.write(f"wrote {printable(str(path))}\n")
    return 0


def per_control(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One table of every control's frame, with a leading ``control`` column when there are
    several; the frame itself when there is one."""
    if len(frames) == 1:
        return next(iter(frames.values()))
    import pandas as pd

    return pd.concat({c: f for c, f in frames.items()}, names=["control"])


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
    if workers.index.name is None:  # the CSV's first column says whose row it is
        workers = workers.rename_axis("worker")
    files: dict[Path, str] = {out: toml}
    if args.workers_out:
        files[Path(args.workers_out)] = spreadsheet_csv(workers)
    write_all_atomically(files)
    print(f"wrote the {kind.name} population fitted to {len(workers)} annotators to {printable(str(out))}")
    print(frame_table(workers["archetype"].value_counts().rename("annotators").to_frame()))
    return 0
