"""Reading what a command is given, through the task kind: which kind an export is, its answers
(with progress for large files), its gold, and the aggregators named for it."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from foundation.errors import SandboxError, printable

if TYPE_CHECKING:
    import pandas as pd

    from sandbox.aggregation.ties import TieBreak
    from sandbox.io.importers.base import ImportedAnswers
    from sandbox.kinds.base import TaskKind

#: Exports at least this large are read with progress on stderr.
PROGRESS_MIN_BYTES = 8 << 20


def progress_for(path: Path) -> Callable[[int, int], None] | None:
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


def _report_skipped(path: Path, imported: ImportedAnswers) -> None:
    """What the import skipped and why, one line on stderr."""
    if imported.skipped:
        skipped = ", ".join(f"{k}: {v}" for k, v in imported.skipped.items())
        sys.stderr.write(f"{printable(path.name)}: skipped {skipped}\n")


def export_kind(args: argparse.Namespace, path: Path) -> TaskKind:
    """The export's task kind: ``--kind``, else the first kind that claims the file, else the
    default kind."""
    from sandbox.io.importers.detect import detect_format
    from sandbox.kinds.base import KINDS, default_kind, task_kind

    if args.kind:
        return task_kind(args.kind)
    if not path.is_file():
        raise SandboxError(f"{path}: no such file")
    fmt = args.input_format or detect_format(path)
    for kind in KINDS.values():
        if kind.claims_export(path, fmt, args):
            return kind
    return default_kind()


def read_export(args: argparse.Namespace, path_arg: str = "export") -> tuple[TaskKind, ImportedAnswers]:
    """The export named on the command line: its task kind and its answers (progress on stderr for
    large files, what was skipped in one line)."""
    kind = export_kind(args, Path(getattr(args, path_arg)))
    return kind, read_as(kind, args, path_arg)


#: ``--from-name`` value that asks for every labeling control.
ALL_CONTROLS = "all"


def control_names(text: str | None) -> list[str] | Literal[False] | None:
    """What ``--from-name`` asks for: False for one control (or the only one: read as usual),
    None for every control (``all``), else the comma-separated names (two or more, none empty)."""
    if text is None or ("," not in text and text.strip() != ALL_CONTROLS):
        return False
    if text.strip() == ALL_CONTROLS:
        return None
    names = [part.strip() for part in text.split(",")]
    if any(not name for name in names):
        raise SandboxError(
            f"--from-name {printable(text)!r}: an empty control name; "
            f"give NAME, NAME,NAME,… or {ALL_CONTROLS}"
        )
    return list(dict.fromkeys(names))


def read_export_controls(args: argparse.Namespace) -> tuple[TaskKind, dict[str, ImportedAnswers]]:
    """The export named on the command line, by labeling control: ``--from-name a,b`` or ``all``
    read it once and split it (see :func:`control_names`); one control otherwise (keyed by its
    name, "" when the format names none)."""
    path = Path(args.export)
    kind = export_kind(args, path)
    names = control_names(args.from_name)
    if names is False:
        imported = read_as(kind, args)
        return kind, {imported.control or "": imported}
    exports = kind.read_export_controls(path, args, names, progress_for(path))
    for imported in exports.values():
        _report_skipped(path, imported)
        break  # the skip counts are the export's, the same for every control
    return kind, exports


def read_as(kind: TaskKind, args: argparse.Namespace, path_arg: str = "export") -> ImportedAnswers:
    """The export named on the command line read as answers of ``kind``."""
    path = Path(getattr(args, path_arg))
    imported = kind.read_export(path, args, progress_for(path))
    _report_skipped(path, imported)
    return imported


def aggregators_for(kind: TaskKind, text: str | None) -> list[str]:
    """The ``--aggregators`` of ``kind`` (its defaults when not given), checked by the kind."""
    from sandbox.aggregation.registry import split_names

    return kind.methods(split_names(text) if text else None)


def aggregator_for(kind: TaskKind, name: str | None) -> str:
    """The ``--aggregator`` of ``kind`` (its default when not given)."""
    return aggregators_for(kind, name or kind.default_aggregator)[0]


def aggregator_params(args: argparse.Namespace, names: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The ``--aggregator-param NAME.KEY=VALUE`` options as validated hyperparameters by aggregator;
    SandboxError for a malformed option, an aggregator not asked for, or a value out of range."""
    from sandbox.aggregation.registry import aggregator_spec
    from sandbox.sweep.overrides import parse_value

    raw: dict[str, dict[str, Any]] = {}
    for text in getattr(args, "aggregator_param", None) or []:
        key, sep, value = text.partition("=")
        name, dot, parameter = key.strip().partition(".")
        if not sep or not dot or not name or not parameter:
            raise SandboxError(f"--aggregator-param {text!r} is not NAME.KEY=VALUE (e.g. ds.n_iter=50)")
        if name not in names:
            raise SandboxError(
                f"--aggregator-param {text!r}: {name!r} is not one of the aggregators asked for "
                f"({', '.join(names)})"
            )
        raw.setdefault(name, {})[parameter.strip()] = parse_value(value.strip())
    return {name: aggregator_spec(name).check_params(values, name) for name, values in raw.items()}


def input_paths(args: argparse.Namespace) -> list[str | None]:
    """The files a command reads (its export or answers, gold, label config): never an output."""
    names = ("export", "answers", "gold", "label_config", "reference")
    return [getattr(args, name, None) for name in names]


def gold_for(kind: TaskKind, args: argparse.Namespace, imported: ImportedAnswers) -> pd.Series | None:
    """Gold by task of an export of ``kind`` (``--gold`` wins over the export's own)."""
    return kind.gold(args, imported)


def tie_break(args: argparse.Namespace) -> TieBreak:
    """The tie rule of ``--ties`` with the command's ``--seed``."""
    from sandbox.aggregation.ties import TieBreak

    return TieBreak(args.ties, args.seed)


def reference_for(kind: TaskKind, args: argparse.Namespace, answers: pd.DataFrame) -> pd.Series | None:
    """The ``--reference`` model's answers by task, aligned with ``answers`` (None when not given).
    SandboxError for ``--reference-as-worker`` without ``--reference``."""
    if getattr(args, "reference", None) is None:
        if getattr(args, "reference_as_worker", None) is not None:
            raise SandboxError(
                "--reference-as-worker NAME needs --reference PREDICTIONS (the model's answers)"
            )
        return None
    return kind.read_reference(args.reference, answers, args)


def say_reference_coverage(
    kind: TaskKind, args: argparse.Namespace, answers: pd.DataFrame, reference: pd.Series | None
) -> None:
    """One line on stderr when the reference answers only some of the tasks (once the command has
    succeeded: nothing is printed by a command that fails)."""
    if reference is None:
        return
    covered, total = kind.reference_coverage(reference, answers)
    if covered < total:
        sys.stderr.write(
            f"{printable(Path(args.reference).name)}: the reference answers {covered} of the {total} "
            "tasks; it is compared on those\n"
        )


def with_reference_worker(
    kind: TaskKind, args: argparse.Namespace, answers: pd.DataFrame, reference: pd.Series | None
) -> pd.DataFrame:
    """``answers`` with the reference as one more annotator when ``--reference-as-worker`` asks."""
    name = getattr(args, "reference_as_worker", None)
    if name is None or reference is None:
        return answers
    return kind.with_reference_worker(answers, reference, name)
