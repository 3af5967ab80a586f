"""Label Studio's flat exports, JSON_MIN and CSV: one record per annotation.

Each record holds the task ``id``, the task's data fields, one column per labeling control (the
chosen value; several values for a multi-choice answer), ``annotator`` (id or email) and
annotation metadata. These exports cannot tell cancelled annotations or ground truth apart (Label
Studio's converter leaves cancelled annotations out and does not mark ground truth): use the full
JSON export when those matter. Records without an annotator (tasks nobody labeled) are skipped and
counted as ``task_without_annotations``. A record's ``lead_time`` is the answer's working time
(``seconds``, see :mod:`sandbox.io.answer_times`).

Which column is the label: ``from_name`` if given, else the label config's Choices control, else
the only non-metadata column whose value differs between annotations of the same task (task data
is the same for every annotation of a task; answers are not). Anything ambiguous is an error
listing the columns.

Records are kept as a list of dicts, never spread into a table: JSON_MIN records may each carry
different keys, and a table of every key would grow as records × keys. JSON_MIN is read through the
bounded reader (:mod:`sandbox.io.files.json_stream`), and so is a CSV cell holding JSON.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from foundation.errors import SandboxError
from sandbox.io.answer_times import parse_seconds
from sandbox.io.files.json_stream import loads
from sandbox.io.importers.base import id_value, label_text
from sandbox.io.labelstudio.export import worker_id
from sandbox.io.labelstudio.flat import META_COLUMNS, Record, columns_of
from sandbox.kinds.classification.readers.labelstudio_json import ChoiceRows


def _label_columns(records: list[Record], task_field: str | None) -> list[str]:
    """Non-metadata keys whose value is not the same in every annotated record of a task (a key
    missing from some of a task's records counts as a different value)."""
    annotated = [r for r in records if _present(r.get("annotator"))]
    per_task: dict[str, int] = {}  # task key → number of its records
    values: dict[str, dict[str, tuple[str, int]]] = {}  # column → task key → (value key, count)
    varying: dict[str, None] = {}
    for record in annotated:
        task = _as_key(record.get("id"))
        per_task[task] = per_task.get(task, 0) + 1
        for column, value in record.items():
            if column in META_COLUMNS or column == task_field or column in varying:
                continue
            key = _as_key(value)
            seen = values.setdefault(column, {}).get(task)
            if seen is None:
                values[column][task] = (key, 1)
            elif seen[0] != key:
                varying[column] = None
            else:
                values[column][task] = (key, seen[1] + 1)
    for column, tasks in values.items():
        if column not in varying and any(count != per_task[task] for task, (_, count) in tasks.items()):
            varying[column] = None
    order = columns_of(annotated)
    return [c for c in order if c in varying]


def _present(value: Any) -> bool:
    """Whether a cell holds something: not nothing, ``null``, NaN or only whitespace."""
    if isinstance(value, str):
        return bool(value.strip())
    return not (value is None or (isinstance(value, float) and pd.isna(value)))


def _as_key(value: Any) -> str:
    if isinstance(value, list | dict):
        import json

        return json.dumps(value, sort_keys=True)
    return repr(value)


def _values(value: Any, where: str, json_text: bool) -> list[str]:
    """The chosen values of one cell: a label, a list, or (``json_text``: a CSV cell, where Label
    Studio writes several choices as JSON) JSON text ``{"choices": [...]}`` or ``[...]``. A JSON_MIN
    string is a label as it is, whatever its first character."""
    if json_text and isinstance(value, str) and value.startswith(("{", "[")):
        try:
            value = loads(value, f"{where}: the cell")
        except SandboxError as exc:
            if "deeper" in str(exc) or "larger" in str(exc):
                raise
            return [label_text(value, where)]
    if isinstance(value, dict):
        value = value.get("choices")
        if not isinstance(value, list):
            raise SandboxError(f"{where}: not a choices answer ({str(value)[:80]!r})")
    if isinstance(value, list):
        return [label_text(v, where) for v in value]
    if not _present(value):
        return []
    return [label_text(value, where)]


def _task(record: Record, column: str, where: str) -> int | str:
    return id_value(record.get(column), where, f"task {column}")


def collect_flat(
    records: list[Record],
    *,
    controls: list[str],
    task_field: str | None,
    multi_choice: str,
    source: str,
    json_text: bool = False,
) -> ChoiceRows:
    """Turn flat-export records into :class:`ChoiceRows` for the given candidate controls
    (``json_text``: the records are CSV rows, whose cells may hold JSON; see :func:`_values`)."""
    columns = columns_of(records)
    for needed in ("id", "annotator"):
        if needed not in columns:
            raise SandboxError(f"{source}: no {needed!r} column; columns: {_listed(columns)}")
    task_column = task_field or "id"
    if task_column not in columns:
        raise SandboxError(f"{source}: no task field {task_column!r} in the export")
    out = ChoiceRows()
    for index, record in enumerate(records):
        if not _present(record.get("annotator")):
            out.skip("task_without_annotations")
            continue
        task = _task(record, task_column, f"{source}: record #{index}")
        where = f"{source}: task {task!r}, annotation {str(record.get('annotation_id'))[:40]!r}"
        worker = worker_id(record["annotator"], where)
        seconds = parse_seconds(record.get("lead_time"), where)
        answered = False
        for name in controls:
            values = _values(record.get(name), where, json_text)
            if not values:
                continue
            answered = True
            out.note_control(name)
            if len(values) > 1:
                if multi_choice == "skip":
                    out.skip("multi_choice")
                    continue
                raise SandboxError(
                    f"{where}: {len(values)} choices {values} in control {name!r}; one label per "
                    "answer is needed (use multi_choice='skip' / --multi-choice skip to skip them)"
                )
            out.rows.append((task, worker, name, values[0], seconds))
        if not answered:
            out.skip("empty_result")
    return out


def _listed(columns: list[str], most: int = 30) -> str:
    shown = ", ".join(map(str, columns[:most]))
    return shown + (f", … ({len(columns)} in all)" if len(columns) > most else "")


def flat_controls(
    records: list[Record], from_name: str | None, config_names: list[str] | None, source: str
) -> list[str]:
    """The columns that may hold labels (see the module docstring)."""
    columns = columns_of(records)
    if from_name is not None or config_names:
        wanted = [from_name] if from_name is not None else list(config_names or [])
        present = [n for n in wanted if n in columns]
        if not present:
            raise SandboxError(
                f"{source}: no column for labeling control {', '.join(map(repr, wanted))}; "
                f"columns: {_listed(columns)}"
            )
        return present
    if "id" not in columns:
        raise SandboxError(f"{source}: no 'id' column; is this a Label Studio export?")
    varying = _label_columns(records, None)
    if len(varying) == 1:
        return varying
    others = [c for c in columns if c not in META_COLUMNS]
    raise SandboxError(
        f"{source}: cannot tell which column holds the labels "
        f"({_why(varying)}); "
        f"pick one with from_name (--from-name) from: {_listed(others)}"
    )


def _why(varying: list[str]) -> str:
    return "several candidates: " + _listed(varying, 10) if varying else "none varies by annotator"
