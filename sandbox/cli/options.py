"""Options shared by several commands, each worded once: engine, output format, aggregators, seed,
the campaign policy, and reading an annotation export.

Only light modules are imported here, so that building the parser (``--help``) stays fast; what a
handler needs is imported when it runs.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from foundation.errors import printable
from sandbox.aggregation.registry import AGGREGATORS, ENGINE_HELP, ENGINES
from sandbox.io.export_formats import DUPLICATE_POLICIES, FORMATS, MULTI_CHOICE_POLICIES

if TYPE_CHECKING:
    import pandas as pd

    from sandbox.io.importers import ImportedAnswers
    from sandbox.simulation.policy import CampaignPolicy

#: Exports at least this large are read with progress on stderr.
PROGRESS_MIN_BYTES = 8 << 20


def _parsed(text: str, convert: Callable[[str], float], what: str) -> float:
    try:
        return convert(text)
    except (ValueError, OverflowError):
        raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None


def finite_float(text: str) -> float:
    """argparse type: a finite number (not nan, not inf)."""
    value = _parsed(text, float, "a number")
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def non_negative_float(text: str) -> float:
    """argparse type: a finite number >= 0."""
    value = finite_float(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is negative; give a number >= 0")
    return value


def non_negative_int(text: str) -> int:
    """argparse type: an integer >= 0 (seeds)."""
    value = int(_parsed(text, int, "an integer"))
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is negative; give an integer >= 0")
    return value


def positive_int(text: str) -> int:
    """argparse type: an integer >= 1 (counts)."""
    value = non_negative_int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def add_engine(parser: argparse.ArgumentParser) -> None:
    """``--engine fast|crowdkit``."""
    parser.add_argument("--engine", choices=ENGINES, default="fast", help=ENGINE_HELP)


def add_format(parser: argparse.ArgumentParser, choices: Sequence[str] = ("table", "json")) -> None:
    """``--format``: the first choice is the default."""
    parser.add_argument(
        "--format", choices=choices, default=choices[0], help=f"output format (default {choices[0]})"
    )


def add_aggregators(parser: argparse.ArgumentParser) -> None:
    """``--aggregators mv,ds,...`` (validated by the handler against the registry and the task kind)."""
    parser.add_argument(
        "--aggregators",
        help=f"comma-separated, from {', '.join(AGGREGATORS)} "
        "(default: mv,wawa,ds for classification, bt,noisy_bt,win_rate,elo for pairwise)",
    )


def add_aggregator(parser: argparse.ArgumentParser, what: str = "consensus") -> None:
    """``--aggregator NAME``: one registered method (default: the task kind's)."""
    parser.add_argument(
        "--aggregator",
        choices=list(AGGREGATORS),
        help=f"{what} (default: ds for classification, bt for pairwise)",
    )


def aggregators_for(kind: str, text: str | None) -> list[str]:
    """The ``--aggregators`` of ``kind`` (its defaults when not given); SandboxError naming the
    kind's methods when one belongs to another kind."""
    from foundation.errors import SandboxError
    from sandbox.aggregation.registry import aggregator_names, aggregator_spec, parse_aggregators
    from sandbox.kinds import task_kind

    names = parse_aggregators(text) if text else list(task_kind(kind).default_aggregators)
    wrong = [name for name in names if aggregator_spec(name).kind != kind]
    if wrong:
        raise SandboxError(
            f"aggregator {wrong[0]!r} does not aggregate {kind} answers; "
            f"allowed: {', '.join(aggregator_names(kind))}"
        )
    return names


def aggregator_for(kind: str, name: str | None) -> str:
    """The ``--aggregator`` of ``kind`` (its default when not given)."""
    from sandbox.kinds import task_kind

    return aggregators_for(kind, name or task_kind(kind).default_aggregator)[0]


def add_kind(parser: argparse.ArgumentParser) -> None:
    """``--kind classification|pairwise``: the task kind of an export (default: detected)."""
    parser.add_argument(
        "--kind", help="task kind of the export: classification or pairwise (default: detected from the file)"
    )


def add_seed(parser: argparse.ArgumentParser) -> None:
    """``--seed S`` (default 0)."""
    parser.add_argument("--seed", type=non_negative_int, default=0, help="random seed (default 0)")


def add_policy(parser: argparse.ArgumentParser) -> None:
    """Redundancy, quality-control, adaptive-redundancy and difficulty flags (``CampaignPolicy``)."""
    parser.add_argument("--redundancy", type=int, default=5, help="answers per task (default 5)")
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
    """The validated campaign policy of :func:`add_policy`'s flags."""
    from sandbox.simulation.policy import CampaignPolicy

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


def add_import_options(
    parser: argparse.ArgumentParser, positional: bool = True, export_optional: bool = False
) -> None:
    """Options of every command that reads an export (``positional``: the EXPORT argument)."""
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
    add_kind(parser)
    pairwise = parser.add_argument_group("pairwise exports")
    pairwise.add_argument("--left-field", help="data field / MTurk Input column naming the left (first) item")
    pairwise.add_argument("--right-field", help="data field / MTurk Input column naming the right item")
    pairwise.add_argument("--group-field", help="MTurk Input column scoping item ids (e.g. the query)")


def add_gold(parser: argparse.ArgumentParser) -> None:
    """``--gold FILE``: gold labels, overriding the export's own ground truth."""
    parser.add_argument("--gold", help="gold labels (CSV/Parquet task, label); default: the export's own")


def _progress(path: Path) -> Callable[[int, int], None] | None:
    """A stderr progress printer for large files (one line per tenth), else None."""
    if path.is_file() and path.stat().st_size < PROGRESS_MIN_BYTES:
        return None
    shown = [-1]

    def report(done: int, total: int) -> None:
        tenth = int(10 * done / total) if total else 10
        if tenth > shown[0]:
            shown[0] = tenth
            sys.stderr.write(f"reading {printable(path.name)}: {done / 1e6:.1f} / {total / 1e6:.1f} MB\n")

    return report


def read_export(args: argparse.Namespace, path_arg: str = "export") -> ImportedAnswers:
    """Load the export named on the command line, with progress on stderr for large files."""
    from sandbox.io.importers import load_answers

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
    _report_skipped(path, imported)
    return imported


def _report_skipped(path: Path, imported: ImportedAnswers) -> None:
    """What the import skipped and why, one line on stderr."""
    if imported.skipped:
        skipped = ", ".join(f"{k}: {v}" for k, v in imported.skipped.items())
        sys.stderr.write(f"{printable(path.name)}: skipped {skipped}\n")


def _read_pairwise(args: argparse.Namespace, path_arg: str) -> ImportedAnswers:
    from sandbox.io.importers.pairwise import load_pairwise_answers

    path = Path(getattr(args, path_arg))
    imported = load_pairwise_answers(
        path,
        format=args.input_format,
        from_name=args.from_name,
        left_field=args.left_field,
        right_field=args.right_field,
        group_field=args.group_field,
        duplicates=args.duplicates,
        progress=_progress(path),
    )
    _report_skipped(path, imported)
    return imported


#: How an export of each task kind is read.
READERS: dict[str, Callable[[argparse.Namespace, str], ImportedAnswers]] = {
    "classification": read_export,
    "pairwise": _read_pairwise,
}


def read_export_kind(args: argparse.Namespace, path_arg: str = "export") -> tuple[str, ImportedAnswers]:
    """The export's task kind (``--kind``, else detected from the file) and its answers."""
    from sandbox.io.importers.pairwise import check_kind, detect_kind

    path = Path(getattr(args, path_arg))
    pairwise_flags = bool(args.left_field or args.right_field)
    kind = check_kind(args.kind) if args.kind else detect_kind(path, args.input_format, pairwise_flags)
    return kind, READERS[kind](args, path_arg)


def gold_for(kind: str, args: argparse.Namespace, imported: ImportedAnswers) -> pd.Series | None:
    """Gold labels by task of an export of ``kind`` (see :data:`GOLD_READERS`)."""
    return GOLD_READERS[kind](args, imported)


def _pairwise_gold(args: argparse.Namespace, imported: ImportedAnswers) -> pd.Series | None:
    """The gold side of each answered task, from ``--gold`` (item scores or gold pairs) or the
    export's own ground truth."""
    from sandbox.experiment.real_answers import gold_sides_by_task, pairwise_from_export

    real = pairwise_from_export(imported, args.export, getattr(args, "gold", None))
    heldout = getattr(real.dataset, "heldout", None)
    return gold_sides_by_task(imported.answers, heldout) if heldout is not None and len(heldout) else None


def input_paths(args: argparse.Namespace) -> list[str | None]:
    """The files a command reads (its export or answers, gold, label config): never an output."""
    return [getattr(args, name, None) for name in ("export", "answers", "gold", "label_config")]


def gold_of(args: argparse.Namespace, imported: ImportedAnswers) -> pd.Series | None:
    """Gold from ``--gold`` (wins) or from the export's ground-truth annotations, in the answers' value
    types; SandboxError when it shares no task or no label with the answers."""
    from sandbox.io.answers import align_gold, read_gold

    if getattr(args, "gold", None):
        return align_gold(read_gold(args.gold), imported.answers, args.gold)
    if imported.gold is None:
        return None
    return align_gold(imported.gold, imported.answers, f"{args.export} (its ground truth)")


#: How gold labels by task are read for each task kind.
GOLD_READERS: dict[str, Callable[[argparse.Namespace, ImportedAnswers], pd.Series | None]] = {
    "classification": gold_of,
    "pairwise": _pairwise_gold,
}
