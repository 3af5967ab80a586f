"""Ratings exports: who rated which item, how high, and how long it took.

One entry point, :func:`load_ratings`, for every format (the format names are the shared ones;
:func:`is_ratings_export` tells a ratings file from another kind's):

- ``long``: CSV/Parquet ``task, worker, label`` (the rating, a number) and an optional ``seconds``;
- ``labelstudio_json``: Label Studio's full export of a ``<Rating>`` or ``<Number>`` control (result
  ``{"type": "rating", "value": {"rating": 4}}`` / ``{"type": "number", "value": {"number": 37}}``);
  each annotation's ``lead_time`` is its answer's ``seconds``; cancelled annotations and empty results
  are skipped and counted, ``ground_truth`` annotations become gold scores;
- ``labelstudio_json_min`` / ``labelstudio_csv``: the flat exports (the control's column holds the
  number; ``lead_time`` the seconds);
- ``mturk``: batch results with many rated items per assignment: numbered ``Input.<item>_<N>``
  columns name the items (``--item-field``; default: the one numbered Input whose name holds "id"),
  ``Answer.<question><N>`` hold the ratings (``--from-name``; default: the numbered answers that are
  numbers) and ``Answer.<na><N>`` a "could not judge" flag (``--na-field``; default: the other
  numbered answers): a flagged item is skipped and counted (``could_not_judge``). The assignment's
  ``WorkTimeInSeconds`` is spread evenly over the items it rated (each rating's ``seconds``). A batch
  of one item per row (``Answer.<question>``, the task ``HITId`` or ``Input.<task_field>``) reads
  too. Rejected assignments are skipped and counted (one per assignment).

The scale is ``--scale``, else the label config's (``--label-config``: ``<Rating maxRating="5">`` is
1–5, ``<Number min max>`` its range), else the ratings' own (see :mod:`sandbox.kinds.ratings.answers`);
a rating off a declared scale is an error naming the row. Every row ends in the ratings answers
contract; a malformed row is a one-line SandboxError naming the file, the row and what is allowed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from annotators.archetypes.ratings import Scale
from foundation.errors import SandboxError, first_line
from sandbox.io.export_formats import DUPLICATE_POLICIES, FORMATS, DuplicatePolicy
from sandbox.io.files.tables import read_csv_cells, read_table
from sandbox.io.importers.base import (
    ImportedAnswers,
    ProgressCallback,
    apply_duplicate_policy,
    check_choice,
    id_value,
)
from sandbox.io.importers.detect import detect_format
from sandbox.io.labelstudio.export import short_repr, task_id, worker_id
from sandbox.kinds.ratings.answers import SECONDS, validate_ratings_answers, with_scale

CONTROL_TYPES = ("rating", "number")
_RATING_JSON = re.compile(rb'"type"\s*:\s*"(rating|number)"', re.IGNORECASE)
_NUMBERED = re.compile(r"^(?P<stem>.*?)_?(?P<n>\d+)$")
_FALSE = {"", "false", "0", "no", "off"}
#: The type of the Label Studio control read (``rating`` or ``number``): ``answers.attrs`` key.
CONTROL_TYPE_ATTR = "control_type"
Row = tuple[Any, Any, float, float]  # task, worker, rating, seconds (NaN: unknown)


@dataclass
class Collected:
    """What a reader found: rows, gold scores by task, skip counts, the control read and its object."""

    rows: list[Row] = field(default_factory=list)
    gold: dict[Any, float] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    control: str | None = None
    to_name: str | None = None
    control_type: str = "rating"

    def skip(self, reason: str, n: int = 1) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + n


def is_ratings_export(path: Path, fmt: str | None = None, ratings_flags: bool = False) -> bool:
    """Whether the file holds ratings (``ratings_flags``: a ratings-only option was given): a Label
    Studio export of a ``<Rating>`` or ``<Number>`` control, or an MTurk batch with numbered answers."""
    if not path.is_file():
        raise SandboxError(f"{path}: no such file")
    if ratings_flags:
        return True
    fmt = fmt or detect_format(path)
    if fmt == "labelstudio_json":
        with path.open("rb") as handle:
            return _RATING_JSON.search(handle.read(1 << 16)) is not None
    if fmt == "mturk":
        with path.open(encoding="utf-8", errors="replace") as handle:
            header = [c.strip().strip('"') for c in handle.readline(1 << 20).split(",")]
        return any(len(columns) >= 2 for columns in _numbered(header, "Answer.").values())
    return False


def load_ratings(
    path: str | Path,
    *,
    format: str | None = None,
    from_name: str | None = None,
    scale: str | Scale | None = None,
    label_config: str | Path | None = None,
    item_field: str | None = None,
    na_field: str | None = None,
    task_field: str | None = None,
    duplicates: DuplicatePolicy = "keep_all",
    progress: ProgressCallback | None = None,
) -> ImportedAnswers:
    """Read a ratings export (module docstring) into :class:`ImportedAnswers`: answers ``task,
    worker, label[, seconds]`` carrying their scale, and gold scores by task."""
    path = Path(path)
    source = str(path)
    check_choice(duplicates, DUPLICATE_POLICIES, "duplicate policy")
    fmt = format or detect_format(path)
    check_choice(fmt, FORMATS, "export format")
    declared = Scale.parse(scale) if isinstance(scale, str) else scale
    if declared is None and label_config is not None:
        declared = scale_from_label_config(label_config, from_name)
    if fmt == "long":
        found = _long(path, source)
    elif fmt == "labelstudio_json":
        found = _json(path, source, from_name, task_field)
    elif fmt == "mturk":
        found = _mturk(path, source, from_name, item_field, na_field, task_field)
    else:
        found = _flat(path, source, fmt, from_name)
    if progress is not None:
        size = path.stat().st_size
        progress(size, size)
    if not found.rows:
        reasons = ", ".join(f"{k}: {v}" for k, v in sorted(found.skipped.items())) or "none found"
        raise SandboxError(f"{source}: no usable ratings (skipped — {reasons})")
    frame = pd.DataFrame(found.rows, columns=["task", "worker", "label", SECONDS])
    if frame[SECONDS].isna().all():
        frame = frame.drop(columns=SECONDS)
    answers = validate_ratings_answers(frame, source, declared)
    answer_scale = Scale.parse(answers.attrs["scale"])
    answers = with_scale(apply_duplicate_policy(answers, duplicates, found.skipped, source), answer_scale)
    answers.attrs[CONTROL_TYPE_ATTR] = found.control_type
    gold = None
    if found.gold:
        gold = pd.Series(found.gold, dtype=float, name="score").rename_axis("task")
    return ImportedAnswers(
        answers=answers,
        gold=gold,
        labels=(),
        skipped=dict(sorted(found.skipped.items())),
        source_format=fmt,
        control=found.control,
        to_name=found.to_name,
    )


def scale_from_label_config(config: str | Path, from_name: str | None) -> Scale | None:
    """The scale of the config's ``<Rating>`` (1..maxRating, default 5) or ``<Number>`` (min..max)
    control (``from_name`` picks one); None when it has neither."""
    from label_studio_sdk.label_interface.interface import LabelInterface

    text = str(config)
    if not text.lstrip().startswith("<"):
        if not Path(text).is_file():
            raise SandboxError(f"label config {text!r}: neither XML text nor an existing file")
        text = Path(text).read_text(encoding="utf-8")
    try:
        interface: Any = LabelInterface(text)
    except Exception as exc:  # the SDK raises lxml/its own errors on malformed XML
        raise SandboxError(f"label config: not a valid Label Studio config ({first_line(exc)})") from None
    controls = [c for c in interface.controls if c.tag in ("Rating", "Number")]
    if from_name is not None:
        controls = [c for c in controls if c.name == from_name]
    if not controls:
        return None
    control = controls[0]
    try:
        if control.tag == "Rating":
            return Scale.checked(1.0, float(control.attr.get("maxRating", 5)), True)
        low, high = float(control.attr.get("min", "nan")), float(control.attr.get("max", "nan"))
        step = float(control.attr.get("step", 1))
    except ValueError:
        raise SandboxError(
            f"label config: control {control.name!r} has a range that is not numbers"
        ) from None
    return Scale.checked(low, high, step == 1 and low.is_integer() and high.is_integer())


# --- shared cell readers ----------------------------------------------------------------------------


def _rating(value: Any, where: str, kinds: tuple[str, ...] = CONTROL_TYPES) -> float | None:
    """A rating from a cell or result value: a number, numeric text, ``{"rating": n}`` /
    ``{"number": n}`` (or a list of one); None for an empty cell; SandboxError for anything else."""
    if isinstance(value, list):
        if not value:
            return None
        if len(value) != 1:
            raise SandboxError(f"{where}: several ratings {short_repr(value)} in one answer")
        value = value[0]
    if isinstance(value, Mapping):
        keys = [k for k in kinds if k in value]
        if len(keys) != 1:
            raise SandboxError(
                f"{where}: a rating value must hold one of {', '.join(kinds)}, got {short_repr(value)}"
            )
        value = value[keys[0]]
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise SandboxError(f"{where}: rating {value!r} is not a number")
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            raise SandboxError(f"{where}: rating {short_repr(value)} is not a number") from None
    else:
        raise SandboxError(f"{where}: rating {short_repr(value)} is not a number")
    if not math.isfinite(number):
        raise SandboxError(f"{where}: rating {value!r} is not a finite number")
    return number


def _seconds(value: Any, where: str) -> float:
    """A time in seconds (``lead_time``, ``WorkTimeInSeconds``): NaN when empty, else a finite number
    >= 0; SandboxError for anything else."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return math.nan
    if isinstance(value, bool) or isinstance(value, list | dict):
        raise SandboxError(f"{where}: time {short_repr(value)} is not a number of seconds")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise SandboxError(f"{where}: time {short_repr(value)} is not a number of seconds") from None
    if not (math.isfinite(number) and number >= 0):
        raise SandboxError(f"{where}: time {value!r} must be a finite number of seconds >= 0")
    return number


# --- long tables ----------------------------------------------------------------------------------


def _long(path: Path, source: str) -> Collected:
    table = read_table(path, "answers")
    missing = [c for c in ("task", "worker", "label") if c not in table.columns]
    if missing:
        raise SandboxError(
            f"{source}: missing column {missing[0]!r}; a ratings table needs task, worker, label "
            f"(+ optional seconds), found {', '.join(map(str, table.columns))}"
        )
    found = Collected(control=None)
    seconds = table[SECONDS] if SECONDS in table.columns else pd.Series(np.nan, index=table.index)
    for number, (task, worker, label, time) in enumerate(
        zip(table["task"], table["worker"], table["label"], seconds, strict=True)
    ):
        where = f"{source}: row {number + 2}"
        rating = _rating(None if pd.isna(label) else label, where)
        if rating is None:
            raise SandboxError(f"{where} has an empty rating")
        found.rows.append((task, worker, rating, _seconds(None if pd.isna(time) else time, where)))
    return found


# --- Label Studio ---------------------------------------------------------------------------------


def _json(path: Path, source: str, from_name: str | None, task_field: str | None) -> Collected:
    from sandbox.io.files.json_stream import iter_items

    found = Collected()
    controls: dict[str, str] = {}  # control → type, in order of appearance
    pending: list[tuple[str, Any, Any, float, float, bool]] = []  # control, task, worker, rating, s, gold
    index = -1
    for index, task in enumerate(iter_items(path, what="task")):
        where = f"{source}: task #{index}"
        if not isinstance(task, dict) or not isinstance(task.get("data", {}), dict):
            raise SandboxError(f"{where}: not a Label Studio task (an object with data and annotations)")
        tid = task_id(task, task_field, where)
        annotations = task.get("annotations", task.get("completions")) or []
        if not isinstance(annotations, list):
            raise SandboxError(f"{where}: annotations must be a list")
        if not annotations:
            found.skip("task_without_annotations")
        for annotation in annotations:
            _json_annotation(annotation, tid, where, found, controls, pending)
    if index < 0:
        raise SandboxError(f"{source}: expected a JSON list of tasks; found no task")
    control = _pick(list(controls), from_name, source)
    found.control, found.control_type = control, controls.get(control or "", "rating")
    for name, tid, worker, rating, seconds, is_gold in pending:
        if name != control:
            continue
        if is_gold:
            found.gold[tid] = rating
        else:
            found.rows.append((tid, worker, rating, seconds))
    return found


def _json_annotation(
    annotation: Any,
    tid: Any,
    where: str,
    found: Collected,
    controls: dict[str, str],
    pending: list[tuple[str, Any, Any, float, float, bool]],
) -> None:
    if not isinstance(annotation, dict):
        raise SandboxError(f"{where}: an annotation must be an object")
    if annotation.get("was_cancelled") is True or annotation.get("skipped") is True:
        found.skip("cancelled")
        return
    regions = annotation.get("result")
    regions = [] if regions is None else regions
    if not isinstance(regions, list) or not all(isinstance(r, dict) for r in regions):
        raise SandboxError(
            f"{where}: an annotation's result must be a list of objects, got {short_repr(regions)}"
        )
    ratings = [r for r in regions if str(r.get("type", "")).lower() in CONTROL_TYPES]
    if not ratings:
        found.skip("empty_result")
        return
    is_gold = annotation.get("ground_truth") is True
    worker = None if is_gold else worker_id(annotation.get("completed_by"), where)
    seconds = _seconds(annotation.get("lead_time"), where)
    for region in ratings:
        name = region.get("from_name")
        if not isinstance(name, str) or not name:
            raise SandboxError(f"{where}: a rating result without a from_name")
        kind = str(region["type"]).lower()
        controls.setdefault(name, kind)
        if isinstance(region.get("to_name"), str):
            found.to_name = found.to_name or region["to_name"]
        rating = _rating(region.get("value"), where, (kind,))
        if rating is None:
            found.skip("empty_result")
            continue
        pending.append((name, tid, worker, rating, seconds, is_gold))


def _pick(controls: list[str], from_name: str | None, source: str) -> str | None:
    if from_name is not None:
        if from_name not in controls:
            raise SandboxError(
                f"{source}: no rating control named {from_name!r}; controls: {', '.join(controls) or 'none'}"
            )
        return from_name
    if len(controls) > 1:
        raise SandboxError(
            f"{source}: several rating controls ({', '.join(controls)}); pick one with --from-name"
        )
    return controls[0] if controls else None


def _flat(path: Path, source: str, fmt: str, from_name: str | None) -> Collected:
    from sandbox.io.labelstudio.flat import META_COLUMNS, columns_of, read_json_min, read_ls_csv

    records = read_json_min(path) if fmt == "labelstudio_json_min" else read_ls_csv(path)
    columns = columns_of(records)
    for needed in ("id", "annotator"):
        if needed not in columns:
            raise SandboxError(f"{source}: no {needed!r} column; columns: {', '.join(map(str, columns))}")
    if from_name is not None:
        if from_name not in columns:
            raise SandboxError(f"{source}: no column {from_name!r}; columns: {', '.join(map(str, columns))}")
        control = from_name
    else:
        numeric = [c for c in columns if c not in META_COLUMNS and _numeric_column(records, c)]
        if len(numeric) != 1:
            what = "several numeric columns: " + ", ".join(numeric) if numeric else "no column of ratings"
            raise SandboxError(f"{source}: {what}; pick the rating control with --from-name")
        control = numeric[0]
    found = Collected(control=control)
    for number, record in enumerate(records):
        where = f"{source}: row {number + 1}"
        annotator = record.get("annotator")
        if annotator is None or annotator == "" or (isinstance(annotator, float) and math.isnan(annotator)):
            found.skip("task_without_annotations")
            continue
        rating = _rating(record.get(control), where)
        if rating is None:
            found.skip("empty_result")
            continue
        tid = id_value(record.get("id"), where, "task id")
        tid = int(tid) if isinstance(tid, str) and tid.isdigit() else tid  # a CSV's ids are text
        found.rows.append(
            (tid, worker_id(annotator, where), rating, _seconds(record.get("lead_time"), where))
        )
    return found


def _numeric_column(records: list[dict[str, Any]], column: str) -> bool:
    """Whether every non-empty value of ``column`` is a number (or numeric text, or a rating object)."""
    seen = False
    for record in records:
        value = record.get(column)
        if isinstance(value, Mapping) and len([k for k in CONTROL_TYPES if k in value]) == 1:
            seen = True
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            return False
        try:
            float(value)
        except ValueError:
            return False
        seen = True
    return seen


# --- MTurk ----------------------------------------------------------------------------------------


def _numbered(columns: list[str], prefix: str) -> dict[str, dict[int, str]]:
    """``prefix<stem>[_]<N>`` columns grouped by stem: stem → {N: column}."""
    groups: dict[str, dict[int, str]] = {}
    for column in columns:
        if not column.startswith(prefix):
            continue
        match = _NUMBERED.match(column[len(prefix) :])
        if match and match.group("stem"):
            groups.setdefault(match.group("stem"), {})[int(match.group("n"))] = column
    return groups


def _mturk(
    path: Path,
    source: str,
    from_name: str | None,
    item_field: str | None,
    na_field: str | None,
    task_field: str | None,
) -> Collected:
    frame = read_csv_cells(path, "export", pad_short_rows=True)
    for needed in ("WorkerId", "HITId"):
        if needed not in frame.columns:
            raise SandboxError(f"{source}: no {needed} column; not an MTurk batch-results file")
    columns = [str(c) for c in frame.columns]
    answers = _numbered(columns, "Answer.")
    if from_name is not None and f"Answer.{from_name}" in frame.columns and from_name not in answers:
        return _mturk_single(frame, source, f"Answer.{from_name}", task_field)
    if not answers:
        plain = [c for c in columns if c.startswith("Answer.")]
        if len(plain) == 1:
            return _mturk_single(frame, source, plain[0], task_field)
        raise SandboxError(
            f"{source}: {'answers: ' + ', '.join(plain) if plain else 'no Answer.* column'}; pick the "
            "rating question with --from-name"
        )
    rating_stem = from_name or _rating_stem(frame, answers, source)
    if rating_stem not in answers:
        raise SandboxError(
            f"{source}: no numbered answers {rating_stem!r}; numbered answers: {', '.join(answers)}"
        )
    na_stem = na_field if na_field is not None else _na_stem(answers, rating_stem)
    if na_stem is not None and na_stem not in answers:
        raise SandboxError(
            f"{source}: no numbered answers {na_stem!r}; numbered answers: {', '.join(answers)}"
        )
    inputs = _numbered(columns, "Input.")
    item_stem = item_field or _item_stem(inputs, source)
    if item_stem not in inputs:
        raise SandboxError(
            f"{source}: no numbered Input columns {item_stem!r} (Input.{item_stem}_0, ...); numbered "
            f"inputs: {', '.join(inputs) or 'none'}"
        )
    found = Collected(control=rating_stem)
    ratings, items = answers[rating_stem], inputs[item_stem]
    flags = answers.get(na_stem, {}) if na_stem is not None else {}
    for number, row in enumerate(frame.to_dict("records")):
        where = f"{source}: row {number + 2}"
        if str(row.get("AssignmentStatus", "")).lower() == "rejected":
            found.skip("rejected")  # assignments, as every MTurk reader counts them
            continue
        if not row["WorkerId"]:
            raise SandboxError(f"{where}: no WorkerId")
        worker = str(id_value(row["WorkerId"], where, "WorkerId"))
        rated: list[tuple[Any, float]] = []
        for slot, column in sorted(ratings.items()):
            item = row.get(items.get(slot, ""), "")
            flag = row.get(flags.get(slot, ""), "")
            value = _rating(row[column], f"{where}, column {column}")
            if not item:
                if value is not None and not flag.strip():
                    raise SandboxError(f"{where}: {column} rates no item (Input.{item_stem}_{slot} is empty)")
                continue
            if flag.strip().lower() not in _FALSE:
                found.skip("could_not_judge")
                continue
            if value is None:
                found.skip("empty_result")
                continue
            rated.append((id_value(item, where, f"Input.{item_stem}_{slot}"), value))
        total = _seconds(row.get("WorkTimeInSeconds", ""), where)
        for item, value in rated:
            found.rows.append((item, worker, value, total / len(rated)))
    return found


def _mturk_single(frame: pd.DataFrame, source: str, column: str, task_field: str | None) -> Collected:
    task_column = "HITId" if task_field is None else f"Input.{task_field}"
    if task_column not in frame.columns:
        raise SandboxError(f"{source}: no column {task_column!r}")
    found = Collected(control=column[len("Answer.") :])
    for number, row in enumerate(frame.to_dict("records")):
        where = f"{source}: row {number + 2}"
        if str(row.get("AssignmentStatus", "")).lower() == "rejected":
            found.skip("rejected")
            continue
        if not row["WorkerId"]:
            raise SandboxError(f"{where}: no WorkerId")
        value = _rating(row[column], f"{where}, column {column}")
        if value is None:
            found.skip("empty_result")
            continue
        task = id_value(row[task_column], where, task_column)
        worker = str(id_value(row["WorkerId"], where, "WorkerId"))
        found.rows.append((task, worker, value, _seconds(row.get("WorkTimeInSeconds", ""), where)))
    return found


def _rating_stem(frame: pd.DataFrame, answers: dict[str, dict[int, str]], source: str) -> str:
    """The numbered answers whose non-empty cells are all numbers (there must be one)."""
    numeric = []
    for stem, columns in answers.items():
        cells = frame[list(columns.values())].to_numpy().ravel()
        cells = cells[cells != ""]
        if len(cells) and pd.to_numeric(pd.Series(cells), errors="coerce").notna().all():
            numeric.append(stem)
    if len(numeric) != 1:
        what = "several: " + ", ".join(numeric) if numeric else "none of " + ", ".join(answers)
        raise SandboxError(f"{source}: which numbered answers are the ratings? ({what}); give --from-name")
    return numeric[0]


def _na_stem(answers: dict[str, dict[int, str]], rating_stem: str) -> str | None:
    """The "could not judge" flags: the one other numbered answer, if there is exactly one."""
    others = [stem for stem in answers if stem != rating_stem]
    return others[0] if len(others) == 1 else None


def _item_stem(inputs: dict[str, dict[int, str]], source: str) -> str:
    """The numbered Input naming the items: the one whose name holds "id" (there must be one)."""
    named = [stem for stem in inputs if "id" in stem.lower()]
    if len(named) != 1:
        listed = ", ".join(inputs) or "none"
        raise SandboxError(
            f"{source}: which numbered Input names the rated items? ({listed}); give --item-field"
        )
    return named[0]
