"""CLI commands for real annotation exports: report, aggregate, fit, labelstudio pull|push.

The commands only parse, call the engine (:mod:`sandbox.io.importers`,
:mod:`sandbox.fitting.annotator_report`, :mod:`sandbox.fitting.fit_population`,
:mod:`sandbox.io.consensus_output`, :mod:`sandbox.io.labelstudio_client`) and print or write;
files are written atomically, and nothing is written when a command fails.
``add_export_commands`` adds them to the main parser.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from annotators.errors import SandboxError
from sandbox.aggregation.aggregate import ENGINES, aggregate, check_engine
from sandbox.fitting.annotator_report import AnnotatorReport, PrecomputedAggregator, build_report
from sandbox.io.consensus_output import consensus_table, labelstudio_predictions
from sandbox.io.importers import (
    DUPLICATE_POLICIES,
    FORMATS,
    MULTI_CHOICE_POLICIES,
    ImportedAnswers,
    align_gold,
    load_answers,
)
from sandbox.io.real_answers import read_gold

REPORT_FORMATS = ("table", "json", "csv")
CONSENSUS_FORMATS = ("csv", "labelstudio")
PROGRESS_MIN_BYTES = 8 << 20


# ----------------------------------------------------------------------------- reading exports
def add_import_options(
    parser: argparse.ArgumentParser, positional: bool = True, export_optional: bool = False
) -> None:
    """Options shared by every command that reads an export (``positional``: the EXPORT argument)."""
    if positional:
        parser.add_argument(
            "export",
            nargs="?" if export_optional else None,
            help="export file (Label Studio JSON/JSON_MIN/CSV, long CSV/Parquet, MTurk CSV)",
        )
    parser.add_argument("--input-format", choices=FORMATS, help="export format (default: detected)")
    parser.add_argument("--from-name", help="labeling control (Label Studio) or question (MTurk) to read")
    parser.add_argument("--label-config", help="Label Studio label config (XML file): labels are checked")
    parser.add_argument("--task-field", help="identify tasks by this data field instead of the task id")
    parser.add_argument(
        "--duplicates",
        choices=DUPLICATE_POLICIES,
        default="keep_all",
        help="repeated (task, worker) answers: keep_all (default), keep_last, drop_conflicting",
    )
    parser.add_argument(
        "--multi-choice",
        choices=MULTI_CHOICE_POLICIES,
        default="error",
        help="multi-choice answers: error (default) or skip (counted)",
    )


def _progress(path: Path) -> Callable[[int, int], None] | None:
    """A stderr progress printer for large files (one line per tenth), else None."""
    if path.is_file() and path.stat().st_size < PROGRESS_MIN_BYTES:
        return None
    shown = [-1]

    def report(done: int, total: int) -> None:
        tenth = int(10 * done / total) if total else 10
        if tenth > shown[0]:
            shown[0] = tenth
            sys.stderr.write(f"reading {path.name}: {done / 1e6:.1f} / {total / 1e6:.1f} MB\n")

    return report


def read_export(args: argparse.Namespace, path_arg: str = "export") -> ImportedAnswers:
    """Load the export named on the command line, with progress on stderr for large files."""
    path = Path(getattr(args, path_arg))
    imported = load_answers(
        path,
        format=args.input_format,
        from_name=args.from_name,
        label_config=args.label_config,
        task_field=args.task_field,
        duplicates=args.duplicates,
        multi_choice=args.multi_choice,
        progress=_progress(path),
    )
    if imported.skipped:
        skipped = ", ".join(f"{k}: {v}" for k, v in imported.skipped.items())
        sys.stderr.write(f"{path.name}: skipped {skipped}\n")
    return imported


def _gold(args: argparse.Namespace, imported: ImportedAnswers) -> pd.Series | None:
    """Gold from ``--gold`` (wins) or from the export's ground-truth annotations."""
    if getattr(args, "gold", None):
        return align_gold(read_gold(args.gold), imported.answers)
    return imported.gold


# ----------------------------------------------------------------------------- writing files
def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder."""
    if not path.parent.is_dir():
        raise SandboxError(f"cannot write {path}: folder {path.parent} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _plain(value: Any) -> Any:
    """JSON-friendly scalar: numpy → Python, NaN → None."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): _plain(v) for k, v in row.items()} for row in frame.reset_index().to_dict("records")]


def _text_table(frame: pd.DataFrame, digits: int = 3) -> str:
    """A plain fixed-width table."""
    shown = frame.reset_index()
    cells = [[str(c) for c in shown.columns]]
    for row in shown.itertuples(index=False):
        cells.append([f"{v:.{digits}f}" if isinstance(v, float) else str(_plain(v)) for v in row])
    widths = [max(len(r[i]) for r in cells) for i in range(len(cells[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells)


# ----------------------------------------------------------------------------- aggregation
def consensus(
    name: str, answers: pd.DataFrame, engine: str = "fast"
) -> tuple[pd.Series, pd.DataFrame | None]:
    """Consensus labels and posteriors of aggregator ``name`` (the project registry)."""
    result = aggregate(name, answers, engine=check_engine(engine))
    return result.labels, result.probas


# ----------------------------------------------------------------------------- report
def report_json(report: AnnotatorReport, imported: ImportedAnswers, aggregator: str) -> dict[str, Any]:
    """The whole report as one JSON document."""
    confusions = {
        str(_plain(w)): {
            str(_plain(t)): {str(_plain(a)): float(p) for a, p in row.items()} for t, row in m.iterrows()
        }
        for w, m in report.confusions.items()
    }
    return {
        "overall": {
            **{k: _plain(v) for k, v in report.overall.items()},
            "aggregator": aggregator,
            "source_format": imported.source_format,
            "skipped": imported.skipped,
        },
        "annotators": _records(report.annotators),
        "tasks": _records(report.tasks),
        "confusions": confusions,
    }


def cmd_report(args: argparse.Namespace) -> int:
    """Per-annotator, per-task and overall quality of an export."""
    imported = read_export(args)
    gold = _gold(args, imported)
    aggregation = aggregate(args.aggregator, imported.answers, engine=check_engine(args.engine))
    report = build_report(imported.answers, aggregator=PrecomputedAggregator(aggregation), gold=gold)
    if args.format == "json":
        print(json.dumps(report_json(report, imported, args.aggregator), indent=2))
    elif args.format == "csv":
        buffer = io.StringIO()
        report.annotators.to_csv(buffer)
        sys.stdout.write(buffer.getvalue())
    else:
        print(f"{args.export}: {imported.source_format}, consensus by {args.aggregator}")
        for key, value in report.overall.items():
            print(f"  {key}: {f'{value:.4f}' if isinstance(value, float) else value}")
        table = report.annotators.sort_values(["suspect", "ds_accuracy"], ascending=[False, True])
        print("\nannotators (suspected spammers first):")
        print(_text_table(table))
        print("\nleast confident tasks:")
        print(_text_table(report.tasks.sort_values("confidence").head(10)))
    if args.tasks_out:
        write_atomically(Path(args.tasks_out), report.tasks.reset_index().to_csv(index=False))
    return 0


# ----------------------------------------------------------------------------- aggregate
def cmd_aggregate(args: argparse.Namespace) -> int:
    """Consensus of an export as CSV or Label Studio predictions JSON."""
    imported = read_export(args)
    labels, probas = consensus(args.aggregator, imported.answers, args.engine)
    table = consensus_table(labels, probas)
    out = Path(args.out)
    kind = args.out_format or ("labelstudio" if out.suffix.lower() == ".json" else "csv")
    if kind == "labelstudio":
        if args.task_field:
            raise SandboxError("Label Studio predictions need the export's task ids: drop --task-field")
        from_name = imported.control
        to_name = args.to_name or imported.to_name
        if not from_name or not to_name:
            raise SandboxError(
                f"{args.export} does not say which control and object were labeled "
                f"(from_name={from_name!r}, to_name={to_name!r}); give --from-name and --to-name"
            )
        predictions = labelstudio_predictions(
            table,
            from_name=from_name,
            to_name=to_name,
            model_version=f"crowd-sandbox-{args.aggregator}",
        )
        write_atomically(out, json.dumps(predictions, indent=1) + "\n")
    else:
        write_atomically(out, table.to_csv(index=False))
    print(f"wrote the {args.aggregator} consensus of {len(table)} tasks to {out} ({kind})")
    return 0


# ----------------------------------------------------------------------------- fit
def cmd_fit(args: argparse.Namespace) -> int:
    """A population fitted from an export, as a population TOML file."""
    import tomli_w

    from sandbox.fitting.fit_population import fit_population, zipf_exponent

    imported = read_export(args)
    gold = _gold(args, imported)
    out = Path(args.out)
    fitted = fit_population(
        imported.answers, name=args.name or out.stem, gold=gold, cost_per_label=args.cost_per_label
    )
    counts = fitted.workers["archetype"].value_counts()
    header = [
        f"# Population fitted by `crowd-sandbox fit` from {Path(args.export).name}",
        f"# ({len(imported.answers)} answers, {len(fitted.workers)} annotators, labels "
        f"{', '.join(map(str, fitted.labels))}; class code i = i-th label).",
        f"# Truth: gold on {fitted.truth_from_gold:.0%} of the tasks, Dawid-Skene consensus elsewhere.",
        "# Annotators mapped to archetypes: " + ", ".join(f"{k} {v}" for k, v in counts.items()) + ".",
        f"# Answers per annotator: median {fitted.activity.median():g}, max {fitted.activity.max()}.",
        "# Misleading tasks (fewer than half the answers right) per true label: "
        + ", ".join(f"{k} {v:.1%}" for k, v in fitted.misleading_share.items())
        + " (not in the population schema: `run` draws independent errors).",
        f"# Activity: Zipf exponent {zipf_exponent(fitted.activity):g} fitted to answers per annotator.",
        "",
    ]
    write_atomically(out, "\n".join(header) + tomli_w.dumps(fitted.population))
    if args.workers_out:
        write_atomically(Path(args.workers_out), fitted.workers.reset_index().to_csv(index=False))
    print(f"wrote the population fitted to {len(fitted.workers)} annotators to {out}")
    print(_text_table(counts.rename("annotators").to_frame()))
    return 0


# ----------------------------------------------------------------------------- labelstudio
def cmd_labelstudio_pull(args: argparse.Namespace) -> int:
    """Download a project's export."""
    from sandbox.io.labelstudio_client import pull

    out = pull(args.url, args.project, Path(args.out), export_type=args.export_type)
    print(f"wrote project {args.project}'s {args.export_type} export to {out}")
    return 0


def cmd_labelstudio_push(args: argparse.Namespace) -> int:
    """Create a project from an answers file (a simulated crowd or any export)."""
    from annotators.population import load_population
    from sandbox.datasets import load_dataset
    from sandbox.io.labelstudio_client import push
    from sandbox.simulation.readable_answers import simulated_answers

    if (args.export is None) == (args.dataset is None):
        raise SandboxError("push needs either an EXPORT file or --dataset with --population (not both)")
    if args.dataset is not None:
        if args.population is None:
            raise SandboxError("--dataset needs --population (a preset name or a population TOML)")
        answers, truth = simulated_answers(
            load_dataset(args.dataset), load_population(args.population), args.redundancy, args.seed
        )
        gold = truth if args.with_gold else None
    else:
        imported = read_export(args)
        answers, gold = imported.answers, _gold(args, imported)
    result = push(args.url, answers, title=args.title, gold=gold)
    print(
        f"created project {result.project_id}: {result.n_tasks} tasks, {result.n_annotations} "
        f"answers by {len(result.users)} annotators"
    )
    return 0


# ----------------------------------------------------------------------------- parser
def add_export_commands(commands: Any, aggregator_names: list[str]) -> None:
    """Add report, aggregate, fit and labelstudio to ``commands`` (an argparse subparsers)."""
    report = commands.add_parser("report", help="annotator quality report of an export")
    add_import_options(report)
    report.add_argument("--gold", help="gold labels (CSV/Parquet task, label); default: the export's")
    report.add_argument("--aggregator", choices=aggregator_names, default="ds", help="consensus (default ds)")
    report.add_argument("--engine", choices=ENGINES, default="fast", help="default fast")
    report.add_argument("--format", choices=REPORT_FORMATS, default="table")
    report.add_argument("--tasks-out", help="also write the per-task table (CSV) here")
    report.set_defaults(handler=cmd_report)

    aggregate = commands.add_parser(
        "aggregate", help="consensus of an export as CSV or Label Studio predictions"
    )
    add_import_options(aggregate)
    aggregate.add_argument("--aggregator", choices=aggregator_names, default="ds", help="default ds")
    aggregate.add_argument(
        "--engine", choices=ENGINES, default="fast", help="aggregation engine (default fast)"
    )
    aggregate.add_argument("--out", required=True, help="output file (.json: Label Studio predictions)")
    aggregate.add_argument("--out-format", choices=CONSENSUS_FORMATS, help="default: from --out's suffix")
    aggregate.add_argument("--to-name", help="Label Studio object the control labels (default: from export)")
    aggregate.set_defaults(handler=cmd_aggregate)

    fit = commands.add_parser("fit", help="fit a population (TOML) to the annotators of an export")
    add_import_options(fit)
    fit.add_argument("--gold", help="gold labels (CSV/Parquet task, label); default: the export's")
    fit.add_argument("--out", required=True, help="population TOML file to write")
    fit.add_argument("--name", help="population name (default: the output file's stem)")
    fit.add_argument("--cost-per-label", type=float, default=0.0, help="price of one answer (default 0)")
    fit.add_argument("--workers-out", help="also write the per-annotator fit (CSV) here")
    fit.set_defaults(handler=cmd_fit)

    ls = commands.add_parser(
        "labelstudio", help="pull from / push to a live Label Studio (key: LABEL_STUDIO_API_KEY)"
    )
    actions = ls.add_subparsers(dest="action", required=True, parser_class=type(ls))
    pull = actions.add_parser("pull", help="download a project's export")
    pull.add_argument("--url", required=True)
    pull.add_argument("--project", type=int, required=True, help="project id")
    pull.add_argument("--export-type", choices=("JSON", "JSON_MIN", "CSV"), default="JSON")
    pull.add_argument("--out", required=True, help="file to write")
    pull.set_defaults(handler=cmd_labelstudio_pull)
    push = actions.add_parser(
        "push", help="create a project with an export's answers, or a simulated crowd's, one user each"
    )
    add_import_options(push, export_optional=True)  # a simulated crowd needs no EXPORT
    push.add_argument("--dataset", help="simulate a crowd on this dataset instead of reading EXPORT")
    push.add_argument("--population", help="population preset or TOML (with --dataset)")
    push.add_argument("--redundancy", type=int, default=5, help="answers per task (default 5)")
    push.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    push.add_argument("--with-gold", action="store_true", help="push the truth as ground truth")
    push.add_argument("--url", required=True)
    push.add_argument("--title", default="crowd-sandbox answers", help="project title")
    push.add_argument("--gold", help="gold labels, imported as ground-truth annotations")
    push.set_defaults(handler=cmd_labelstudio_push)
