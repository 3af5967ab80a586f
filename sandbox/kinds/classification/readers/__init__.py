"""Read real annotation exports into the answers table.

One entry point, :func:`load_answers`, for every supported format (auto-detected, or named):

- ``labelstudio_json``: Label Studio's full JSON export (cancelled/empty annotations skipped and
  counted, ``ground_truth`` annotations become gold);
- ``labelstudio_json_min`` and ``labelstudio_csv``: Label Studio's flat exports;
- ``long``: a CSV or Parquet table with ``task, worker, label``;
- ``mturk``: an Amazon Mechanical Turk batch-results CSV.

Duplicate (task, worker) answers follow an explicit policy (see
:func:`sandbox.io.importers.base.apply_duplicate_policy`); the default ``keep_all`` counts
each as a vote.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from foundation.errors import SandboxError
from sandbox.io.export_formats import (
    DUPLICATE_POLICIES,
    FORMATS,
    MULTI_CHOICE_POLICIES,
    DuplicatePolicy,
    MultiChoicePolicy,
)
from sandbox.io.importers.base import (
    ImportedAnswers,
    ProgressCallback,
    apply_duplicate_policy,
    check_choice,
)
from sandbox.io.importers.detect import detect_format
from sandbox.io.labelstudio.flat import read_json_min, read_ls_csv
from sandbox.io.labelstudio.label_config import pick_control, read_label_config
from sandbox.kinds.classification.answers import align_gold, validate_answers
from sandbox.kinds.classification.readers.labelstudio_flat import collect_flat, flat_controls
from sandbox.kinds.classification.readers.labelstudio_json import ChoiceRows, parse_json_export, to_frame
from sandbox.kinds.classification.readers.long_table import read_long
from sandbox.kinds.classification.readers.mturk import collect_mturk, read_mturk

__all__ = [
    "DUPLICATE_POLICIES",
    "FORMATS",
    "MULTI_CHOICE_POLICIES",
    "DuplicatePolicy",
    "ImportedAnswers",
    "MultiChoicePolicy",
    "detect_format",
    "load_answers",
    "load_answers_by_control",
]


def load_answers(
    path: str | Path,
    *,
    format: str | None = None,
    from_name: str | None = None,
    label_config: str | Path | None = None,
    task_field: str | None = None,
    duplicates: DuplicatePolicy = "keep_all",
    multi_choice: MultiChoicePolicy = "error",
    progress: ProgressCallback | None = None,
) -> ImportedAnswers:
    """Read an export file into :class:`ImportedAnswers`.

    Args:
        path: the export file.
        format: one of :data:`FORMATS`; detected from the content when ``None``.
        from_name: the labeling control (Label Studio) or question (MTurk) to read.
        label_config: Label Studio label config (XML text or file): labels outside it are an error.
        task_field: identify tasks by this data field (``data.<field>`` / ``Input.<field>``)
            instead of the platform's task id.
        duplicates: policy for repeated (task, worker) answers.
        multi_choice: ``error`` (default) or ``skip`` (counted) for multi-choice answers.
        progress: ``progress(done_bytes, total_bytes)`` callback while reading.
    Raises:
        SandboxError: for anything wrong with the file or the options.
    """
    path = Path(path)
    check_choice(duplicates, DUPLICATE_POLICIES, "duplicate policy")
    check_choice(multi_choice, MULTI_CHOICE_POLICIES, "multi-choice policy")
    fmt = detect_format(path) if format is None else format
    check_choice(fmt, FORMATS, "export format")
    source = str(path)
    if fmt == "long":
        frame = read_long(path)
        _report_done(path, progress)
        return finish(
            frame,
            gold=None,
            labels=None,
            duplicates=duplicates,
            skipped={},
            source=source,
            source_format=fmt,
        )
    controls = read_label_config(label_config) if label_config is not None else None
    config_names = list(controls) if controls else None
    if fmt == "mturk":
        rows = collect_mturk(read_mturk(path), from_name=from_name, task_field=task_field, source=source)
        _report_done(path, progress)
    else:
        wanted = None if from_name is None else [from_name]
        rows = _label_studio_rows(path, fmt, wanted, config_names, task_field, multi_choice, progress)
    control = pick_control(rows.controls, from_name, source, config_names)
    return _select_control(rows, control, controls, duplicates, source, fmt)


def load_answers_by_control(
    path: str | Path,
    names: list[str] | None,
    *,
    format: str | None = None,
    label_config: str | Path | None = None,
    task_field: str | None = None,
    duplicates: DuplicatePolicy = "keep_all",
    multi_choice: MultiChoicePolicy = "error",
    progress: ProgressCallback | None = None,
) -> dict[str, ImportedAnswers]:
    """A Label Studio export read once, its answers split by labeling control: those of ``names``
    (in that order), or every control that has answers when ``names`` is None (the label config's
    order, then the export's). The other options are :func:`load_answers`'s; SandboxError for a
    format without labeling controls or a control without answers."""
    path = Path(path)
    check_choice(duplicates, DUPLICATE_POLICIES, "duplicate policy")
    check_choice(multi_choice, MULTI_CHOICE_POLICIES, "multi-choice policy")
    fmt = detect_format(path) if format is None else format
    check_choice(fmt, FORMATS, "export format")
    if fmt not in LABEL_STUDIO_FORMATS:
        raise SandboxError(
            f"{path}: several labeling controls are read from Label Studio exports only "
            f"({', '.join(LABEL_STUDIO_FORMATS)}); this one is {fmt}: give one --from-name"
        )
    controls = read_label_config(label_config) if label_config is not None else None
    config_names = list(controls) if controls else None
    rows = _label_studio_rows(path, fmt, names, config_names, task_field, multi_choice, progress)
    seen = dict.fromkeys([*(config_names or []), *rows.controls])
    chosen = names if names is not None else [c for c in seen if c in rows.controls]
    chosen = [pick_control(rows.controls, name, str(path), config_names) for name in chosen]
    if not chosen:
        raise SandboxError(f"{path}: no labeling control has answers")
    return {name: _select_control(rows, name, controls, duplicates, str(path), fmt) for name in chosen}


#: The formats that name their labeling controls (``from_name``).
LABEL_STUDIO_FORMATS = ("labelstudio_json", "labelstudio_json_min", "labelstudio_csv")


def _label_studio_rows(
    path: Path,
    fmt: str,
    names: list[str] | None,
    config_names: list[str] | None,
    task_field: str | None,
    multi_choice: MultiChoicePolicy,
    progress: ProgressCallback | None,
) -> ChoiceRows:
    """The choices of a Label Studio export (full JSON, JSON_MIN or CSV): of the controls ``names``
    in a flat export (every label column when None: one unless a config names several)."""
    if fmt == "labelstudio_json":
        return parse_json_export(path, task_field=task_field, multi_choice=multi_choice, progress=progress)
    source = str(path)
    records = read_json_min(path) if fmt == "labelstudio_json_min" else read_ls_csv(path)
    if names is None or len(names) == 1:
        columns = flat_controls(records, names[0] if names else None, config_names, source)
    else:
        columns = [flat_controls(records, name, None, source)[0] for name in names]
    rows = collect_flat(
        records,
        controls=columns,
        task_field=task_field,
        multi_choice=multi_choice,
        source=source,
        json_text=fmt == "labelstudio_csv",
    )
    _report_done(path, progress)
    return rows


def _select_control(
    rows: ChoiceRows,
    control: str,
    controls: Mapping[str, Any] | None,
    duplicates: DuplicatePolicy,
    source: str,
    fmt: str,
) -> ImportedAnswers:
    """The answers of ``control``, its labels checked against the config when one was given."""
    allowed = controls[control].labels if controls and control in controls else None
    to_name = rows.to_names.get(control)
    if to_name is None and controls and control in controls:
        to_name = controls[control].to_name
    return _select(rows, control, allowed, duplicates, source, fmt, to_name)


def _report_done(path: Path, progress: ProgressCallback | None) -> None:
    if progress is not None:
        size = path.stat().st_size
        progress(size, size)


def _select(
    rows: ChoiceRows,
    control: str,
    allowed: tuple[str, ...] | None,
    duplicates: DuplicatePolicy,
    source: str,
    fmt: str,
    to_name: str | None,
) -> ImportedAnswers:
    """Keep the answers and gold of one control and finish the import."""
    frame = to_frame(rows.rows)
    frame = frame[frame["control"] == control]
    gold: dict[Any, Any] = {}
    for task, name, label in rows.gold:
        if name == control:
            gold[task] = label  # the last ground-truth annotation of a task wins
    if allowed is not None:
        outside = sorted(set(gold.values()) - set(allowed))
        if outside:
            raise SandboxError(
                f"{source}: ground-truth labels outside the label config: {', '.join(outside)}; "
                f"allowed: {', '.join(allowed)}"
            )
    result = finish(
        frame,
        gold=pd.Series(gold, dtype=object) if gold else None,
        labels=allowed,
        duplicates=duplicates,
        skipped=dict(rows.skipped),  # each control counts its own duplicates
        source=source,
        source_format=fmt,
        control=control,
        to_name=to_name,
    )
    return with_identities(result, rows.identities)


def with_identities(imported: ImportedAnswers, identities: Mapping[str, str]) -> ImportedAnswers:
    """``imported`` with the identities of its workers (keys: the worker ids as text)."""
    if not identities:
        return imported
    workers = pd.unique(imported.answers["worker"])
    names = {w: identities[str(w)] for w in workers if str(w) in identities}
    if not names:
        return imported
    series = pd.Series(names, dtype=object, name="identity")
    series.index.name = "worker"
    return dataclasses.replace(imported, identities=series)


def finish(
    rows: pd.DataFrame,
    *,
    gold: Mapping[object, object] | pd.Series | None,
    labels: Iterable[str | int] | None,
    duplicates: DuplicatePolicy,
    skipped: dict[str, int],
    source: str,
    source_format: str,
    control: str | None = None,
    to_name: str | None = None,
) -> ImportedAnswers:
    """Validate the collected rows, check labels, apply the duplicate policy, build the result."""
    if rows.empty:
        reasons = ", ".join(f"{k}: {v}" for k, v in sorted(skipped.items())) or "none found"
        raise SandboxError(f"{source}: no usable answers (skipped — {reasons})")
    answers = validate_answers(rows, source)
    if labels is not None:
        allowed = tuple(labels)
        outside = sorted({str(v) for v in answers["label"]} - {str(v) for v in allowed})
        if outside:
            raise SandboxError(
                f"{source}: labels outside the label config: {', '.join(outside[:10])}; "
                f"allowed: {', '.join(map(str, allowed))}"
            )
    else:
        allowed = tuple(sorted(answers["label"].unique().tolist()))
    answers = apply_duplicate_policy(answers, duplicates, skipped, source)
    gold_series: pd.Series | None = None
    if gold is not None and len(gold):
        gold_series = align_gold(pd.Series(gold, name="label"), answers, source, require_overlap=False)
    return ImportedAnswers(
        answers=answers,
        gold=gold_series,
        labels=allowed,
        skipped=dict(sorted(skipped.items())),
        source_format=source_format,
        control=control or None,
        to_name=to_name,
    )
