"""Pairwise exports: who compared which two items and which one won.

One entry point, :func:`load_pairwise_answers`, for every format (the format names are the
classification ones; :func:`detect_kind` tells a pairwise file from a classification one):

- ``long``: CSV/Parquet ``worker, left, right, label`` (+ optional ``task``), label = the winning
  item's id or ``tie``;
- ``labelstudio_json``: Label Studio's full export of the pairwise template (``<Pairwise>`` control,
  result ``{"type": "pairwise", "value": {"selected": "left"}}``); the two items are named by two
  task data fields (``--left-field``/``--right-field``; default: the control's ``to_name`` objects,
  e.g. ``text1,text2``). Cancelled annotations and empty results are skipped and counted;
  ``ground_truth`` annotations become gold pairs;
- ``labelstudio_json_min`` / ``labelstudio_csv``: the flat exports (the control's cell holds
  ``[{"selected": "left"}]``, ``{"selected": ...}`` or ``left``);
- ``mturk``: batch results where two ``Input.*`` columns name the items (``--left-field``,
  ``--right-field``; ``--group-field`` scopes item ids, e.g. by query: the item is ``group/item``) and
  the ``Answer.*`` column says which won: ``a``/``b`` (or ``left``/``right``), and ``same`` (or
  ``tie``, or ``s`` as in the sigir2010 batch) for a tie. Rejected assignments are skipped and counted.

Working times (the optional ``seconds`` column, see :mod:`sandbox.io.answer_times`): a long
table's ``seconds``, Label Studio's ``lead_time``, MTurk's ``WorkTimeInSeconds`` (an assignment's
time spread over the answers read from it).

Every row ends in the pairwise answers contract (:mod:`sandbox.kinds.pairwise.answers`); a malformed row
is a one-line SandboxError naming the file, the row and what is allowed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from foundation.errors import SandboxError
from sandbox.io.answer_times import SECONDS, parse_seconds, seconds_column, spread_over
from sandbox.io.export_formats import DuplicatePolicy
from sandbox.io.files.json_stream import loads
from sandbox.io.files.tables import read_csv_cells, read_table, table_columns
from sandbox.io.importers.base import ImportedAnswers, ProgressCallback, apply_duplicate_policy, id_value
from sandbox.io.importers.detect import detect_format
from sandbox.io.labelstudio.export import task_id, worker_id
from sandbox.io.values import in_type_of
from sandbox.kinds.pairwise.answers import SIDES, items_of_one_type, validate_pairwise_answers

_PAIRWISE_JSON = re.compile(rb'"type"\s*:\s*"pairwise"', re.IGNORECASE)
_SELECTED = re.compile(rb'""?selected""?\s*:')
_MTURK_SIDES = {
    "a": "left",
    "left": "left",
    "b": "right",
    "right": "right",
    "s": "tie",
    "same": "tie",
    "tie": "tie",
}
Row = tuple[Any, Any, Any, Any, str, float]  # task, worker, left, right, side, seconds (NaN: unknown)


def is_pairwise_export(path: Path, fmt: str | None = None, pairwise_flags: bool = False) -> bool:
    """Whether the file's content is pairwise answers (``pairwise_flags``: MTurk item columns were
    named, which only a pairwise read uses)."""
    if not path.is_file():
        raise SandboxError(f"{path}: no such file")
    fmt = fmt or detect_format(path)
    if fmt == "mturk":
        return pairwise_flags
    if fmt == "long":
        return {"left", "right", "label"} <= set(table_columns(path, "answers"))
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    pattern = _PAIRWISE_JSON if fmt == "labelstudio_json" else _SELECTED
    return pattern.search(head) is not None


def load_pairwise_answers(
    path: str | Path,
    *,
    format: str | None = None,
    from_name: str | None = None,
    left_field: str | None = None,
    right_field: str | None = None,
    group_field: str | None = None,
    duplicates: DuplicatePolicy = "keep_all",
    progress: ProgressCallback | None = None,
) -> ImportedAnswers:
    """Read a pairwise export (see the module docstring) into :class:`ImportedAnswers` with answers
    ``task, worker, left, right, label`` (label ``left``/``right``/``tie``) and gold sides by task."""
    path = Path(path)
    source = str(path)
    fmt = format or detect_format(path)
    skipped: dict[str, int] = {}
    gold: dict[Any, str] = {}
    if fmt == "long":
        rows = _long_rows(path, source)
    elif fmt == "labelstudio_json":
        rows = _json_rows(path, source, from_name, left_field, right_field, skipped, gold)
    elif fmt == "mturk":
        rows = _mturk_rows(path, source, from_name, left_field, right_field, group_field, skipped)
    elif fmt in ("labelstudio_json_min", "labelstudio_csv"):
        rows = _flat_rows(path, source, fmt, from_name, left_field, right_field, skipped)
    else:
        raise SandboxError(f"unknown export format {fmt!r} for pairwise answers")
    if progress is not None:
        size = path.stat().st_size
        progress(size, size)
    if not rows:
        reasons = ", ".join(f"{k}: {v}" for k, v in sorted(skipped.items())) or "none found"
        raise SandboxError(f"{source}: no usable comparisons (skipped — {reasons})")
    frame = pd.DataFrame(rows, columns=["task", "worker", "left", "right", "label", SECONDS])
    answers = apply_duplicate_policy(validate_pairwise_answers(frame, source), duplicates, skipped, source)
    gold_series = pd.Series(gold, dtype=object, name="label").rename_axis("task") if gold else None
    return ImportedAnswers(
        answers=answers,
        gold=gold_series,
        labels=SIDES,
        skipped=dict(sorted(skipped.items())),
        source_format=fmt,
        control=from_name,
    )


# --- long tables ----------------------------------------------------------------------------------


def _long_rows(path: Path, source: str) -> list[Row]:
    table = read_table(path, "answers")
    missing = [c for c in ("worker", "left", "right", "label") if c not in table.columns]
    if missing:
        raise SandboxError(
            f"{source}: missing column {missing[0]!r}; a pairwise table needs worker, left, right, label "
            f"(+ optional task), found {', '.join(map(str, table.columns))}"
        )
    left, right = items_of_one_type(table["left"], table["right"], source)
    label = pd.Series(table["label"].to_numpy(), name="label")
    winner = in_type_of(label, left, source)  # the label in the items' value type ("tie" stays text)
    sides = []
    for row, (l_id, r_id, w_id) in enumerate(zip(left, right, winner, strict=True)):
        if str(w_id).lower() == "tie" and w_id in (l_id, r_id):
            raise SandboxError(
                f"{source}: row {row + 2} has label {w_id!r}, which is both a tie and the name of one of "
                "its items; rename the item"
            )
        if w_id == l_id:
            sides.append("left")
        elif w_id == r_id:
            sides.append("right")
        elif str(w_id).lower() == "tie":
            sides.append("tie")
        else:
            raise SandboxError(
                f"{source}: row {row + 2} has label {w_id!r}; it must be the row's left item {l_id!r}, "
                f"its right item {r_id!r}, or tie"
            )
    tasks = (
        table["task"] if "task" in table.columns else [f"{a}|{b}" for a, b in zip(left, right, strict=True)]
    )
    seconds = (
        seconds_column(table[SECONDS].reset_index(drop=True), source)
        if SECONDS in table.columns
        else pd.Series(np.nan, index=range(len(table)))
    )
    return list(zip(tasks, table["worker"], left, right, sides, seconds, strict=True))


# --- Label Studio ---------------------------------------------------------------------------------


def _selected(value: Any, where: str) -> str | None:
    """The side in a pairwise result value: ``{"selected": s}``, ``[{...}]``, JSON text, or ``s``."""
    if isinstance(value, str) and value.strip().startswith(("{", "[")):
        try:
            value = loads(value, what="pairwise answer")
        except SandboxError:
            raise SandboxError(f"{where}: unreadable pairwise answer {value[:80]!r}") from None
    if isinstance(value, list):
        if len(value) != 1:
            return None if not value else _bad(value, where)
        value = value[0]
    if isinstance(value, Mapping):
        value = value.get("selected")
    if value is None or (isinstance(value, float) and pd.isna(value)) or value == "":
        return None
    side = str(value).strip().lower()
    return side if side in ("left", "right") else _bad(value, where)


def _bad(value: Any, where: str) -> str:
    raise SandboxError(f"{where}: pairwise answer {value!r}; allowed: selected = left or right")


def _item(data: Mapping[Any, Any], field: str, where: str) -> Any:
    return id_value(data.get(field), where, f"the item in data field {field!r},")


def _fields(to_name: Any, left: str | None, right: str | None, where: str) -> tuple[str, str]:
    if left and right:
        return left, right
    names = [n.strip() for n in str(to_name or "").split(",") if n.strip()]
    if len(names) != 2:
        raise SandboxError(
            f"{where}: cannot tell which data fields name the two items (to_name {to_name!r}); "
            "give --left-field and --right-field"
        )
    return left or names[0], right or names[1]


def _json_rows(
    path: Path,
    source: str,
    from_name: str | None,
    left_field: str | None,
    right_field: str | None,
    skipped: dict[str, int],
    gold: dict[Any, str],
) -> list[Row]:
    from sandbox.io.files.json_stream import iter_items

    rows: list[Row] = []
    index = -1
    for index, task in enumerate(iter_items(path, what="task")):
        where = f"{source}: task #{index}"
        if not isinstance(task, dict) or not isinstance(task.get("data", {}), dict):
            raise SandboxError(f"{where}: not a Label Studio task (an object with data and annotations)")
        tid = task_id(task, None, where)
        annotations = task.get("annotations", task.get("completions")) or []
        if not isinstance(annotations, list):
            raise SandboxError(f"{where}: annotations must be a list")
        if not annotations:
            _skip(skipped, "task_without_annotations")
        for annotation in annotations:
            _json_annotation(
                task, tid, annotation, where, from_name, left_field, right_field, skipped, gold, rows
            )
    if index < 0:
        raise SandboxError(f"{source}: expected a JSON list of tasks; found no task")
    return rows


def _json_annotation(
    task: dict[str, Any],
    tid: Any,
    annotation: Any,
    where: str,
    from_name: str | None,
    left_field: str | None,
    right_field: str | None,
    skipped: dict[str, int],
    gold: dict[Any, str],
    rows: list[Row],
) -> None:
    if not isinstance(annotation, dict):
        raise SandboxError(f"{where}: an annotation must be an object")
    if annotation.get("was_cancelled") or annotation.get("skipped"):
        _skip(skipped, "cancelled")
        return
    regions = annotation.get("result")
    regions = [] if regions is None else regions
    if not isinstance(regions, list) or not all(isinstance(r, dict) for r in regions):
        raise SandboxError(f"{where}: an annotation's result must be a list of objects, got {regions!r:.80}")
    results = [
        r
        for r in regions
        if str(r.get("type", "")).lower() == "pairwise"
        and (from_name is None or r.get("from_name") == from_name)
    ]
    if not results:
        _skip(skipped, "empty_result")
        return
    if len(results) > 1:
        raise SandboxError(
            f"{where}: {len(results)} pairwise results in one annotation; pick one with --from-name"
        )
    result = results[0]
    side = _selected(result.get("value"), where)
    if side is None:
        _skip(skipped, "empty_result")
        return
    left_name, right_name = _fields(result.get("to_name"), left_field, right_field, where)
    data = task.get("data") or {}
    left, right = _item(data, left_name, where), _item(data, right_name, where)
    if annotation.get("ground_truth"):
        gold[tid] = side
        return
    seconds = parse_seconds(annotation.get("lead_time"), where)
    rows.append((tid, worker_id(annotation.get("completed_by"), where), left, right, side, seconds))


def _flat_rows(
    path: Path,
    source: str,
    fmt: str,
    from_name: str | None,
    left_field: str | None,
    right_field: str | None,
    skipped: dict[str, int],
) -> list[Row]:
    from sandbox.io.labelstudio.flat import META_COLUMNS, columns_of, read_json_min, read_ls_csv

    records = read_json_min(path) if fmt == "labelstudio_json_min" else read_ls_csv(path)
    columns = columns_of(records)
    for needed in ("id", "annotator"):
        if needed not in columns:
            raise SandboxError(f"{source}: no {needed!r} column; columns: {', '.join(map(str, columns))}")
    control = from_name or _pairwise_column(records, columns, source)
    if control not in columns:
        raise SandboxError(f"{source}: no column for the pairwise control {control!r}")
    if not (left_field and right_field):
        data = [c for c in columns if c not in META_COLUMNS and c != control]
        if len(data) != 2:
            raise SandboxError(
                f"{source}: cannot tell which columns name the two items ({', '.join(map(str, data))}); "
                "give --left-field and --right-field"
            )
        left_field, right_field = left_field or data[0], right_field or data[1]
    rows: list[Row] = []
    for number, record in enumerate(records):
        where = f"{source}: row {number + 1}"
        annotator = record.get("annotator")
        if annotator is None or annotator == "" or (isinstance(annotator, float) and pd.isna(annotator)):
            _skip(skipped, "task_without_annotations")
            continue
        side = _selected(record.get(control), where)
        if side is None:
            _skip(skipped, "empty_result")
            continue
        tid = id_value(record["id"], where, "task id")
        left, right = _item(record, left_field, where), _item(record, right_field, where)
        seconds = parse_seconds(record.get("lead_time"), where)
        rows.append((tid, worker_id(annotator, where), left, right, side, seconds))
    return rows


def _pairwise_column(records: list[dict[str, Any]], columns: list[str], source: str) -> str:
    """The one column whose values hold a pairwise choice (``selected``)."""
    found = [
        c
        for c in columns
        if any(
            "selected" in v if isinstance(v, str) else _has_selected(v)
            for v in (record.get(c) for record in records)
        )
    ]
    if len(found) != 1:
        what = (
            "several pairwise columns: " + ", ".join(map(str, found))
            if found
            else "no pairwise answer column"
        )
        raise SandboxError(f"{source}: {what}; pick one with --from-name")
    return str(found[0])


def _has_selected(value: Any) -> bool:
    if isinstance(value, list):
        return any(isinstance(v, Mapping) and "selected" in v for v in value)
    return isinstance(value, Mapping) and "selected" in value


# --- MTurk ----------------------------------------------------------------------------------------


def _column(frame: pd.DataFrame, name: str, source: str) -> str:
    for candidate in (name, f"Input.{name}"):
        if candidate in frame.columns:
            return candidate
    inputs = [c for c in frame.columns if str(c).startswith("Input.")]
    raise SandboxError(
        f"{source}: no column {name!r} (or Input.{name}); inputs: {', '.join(inputs) or 'none'}"
    )


def _mturk_rows(
    path: Path,
    source: str,
    from_name: str | None,
    left_field: str | None,
    right_field: str | None,
    group_field: str | None,
    skipped: dict[str, int],
) -> list[Row]:
    if not (left_field and right_field):
        raise SandboxError(
            f"{source}: an MTurk pairwise batch needs --left-field and --right-field (the Input columns "
            "naming the two items)"
        )
    frame = read_csv_cells(path, "export", pad_short_rows=True)
    for needed in ("WorkerId", "HITId"):
        if needed not in frame.columns:
            raise SandboxError(f"{source}: no {needed} column; not an MTurk batch-results file")
    left_column, right_column = _column(frame, left_field, source), _column(frame, right_field, source)
    group_column = _column(frame, group_field, source) if group_field else None
    answers = [c for c in frame.columns if str(c).startswith("Answer.")]
    if from_name is not None:
        answer_column = f"Answer.{from_name}"
        if answer_column not in frame.columns:
            raise SandboxError(
                f"{source}: no column {answer_column!r}; answers: {', '.join(answers) or 'none'}"
            )
    elif len(answers) == 1:
        answer_column = answers[0]
    else:
        raise SandboxError(
            f"{source}: {'answers: ' + ', '.join(answers) if answers else 'no Answer.* column'}; "
            "pick the question with --from-name"
        )
    rows: list[Row] = []
    assignments: list[str] = []
    for number, record in enumerate(frame.to_dict("records")):
        where = f"{source}: row {number + 2}"
        if str(record.get("AssignmentStatus", "")).lower() == "rejected":
            _skip(skipped, "rejected")
            continue
        value = record[answer_column].strip()
        if not value:
            _skip(skipped, "empty_result")
            continue
        side = _MTURK_SIDES.get(value.lower())
        if side is None:
            raise SandboxError(f"{where}: answer {value!r}; allowed: a, b, s or same (or left, right, tie)")
        if not record["WorkerId"]:
            raise SandboxError(f"{where}: no WorkerId")
        left, right = record[left_column], record[right_column]
        if not left or not right:
            raise SandboxError(f"{where}: an empty item in {left_column} or {right_column}")
        if group_column is not None:
            left, right = f"{record[group_column]}/{left}", f"{record[group_column]}/{right}"
        seconds = parse_seconds(record.get("WorkTimeInSeconds"), where)
        rows.append((record["HITId"], record["WorkerId"], left, right, side, seconds))
        assignments.append(record.get("AssignmentId") or f"row {number}")
    shares = spread_over([row[5] for row in rows], assignments)
    return [(*row[:5], float(share)) for row, share in zip(rows, shares, strict=True)]


def _skip(skipped: dict[str, int], reason: str) -> None:
    skipped[reason] = skipped.get(reason, 0) + 1
