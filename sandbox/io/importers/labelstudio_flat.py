"""Label Studio's flat exports, JSON_MIN and CSV: one record per annotation.

Each record holds the task ``id``, the task's data fields, one column per labeling control (the
chosen value; several values for a multi-choice answer), ``annotator`` (id or email) and
annotation metadata. These exports cannot tell cancelled annotations or ground truth apart (Label
Studio's converter leaves cancelled annotations out and does not mark ground truth): use the full
JSON export when those matter. Records without an annotator (tasks nobody labeled) are skipped and
counted as ``task_without_annotations``.

Which column is the label: ``from_name`` if given, else the label config's Choices control, else
the only non-metadata column whose value differs between annotations of the same task (task data
is the same for every annotation of a task; answers are not). Anything ambiguous is an error
listing the columns.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pandas as pd

from annotators.errors import SandboxError
from sandbox.io.importers.base import read_text
from sandbox.io.importers.labelstudio_json import ChoiceRows, worker_id

META_COLUMNS = {
    "id",
    "annotator",
    "annotation_id",
    "created_at",
    "updated_at",
    "lead_time",
    "agreement",
    "history",
}


def read_json_min(path: Path) -> pd.DataFrame:
    """Records of a JSON_MIN export → DataFrame (object columns, one row per record)."""
    text = read_text(path)
    try:
        records = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SandboxError(f"{path}: broken or truncated JSON ({exc})") from None
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise SandboxError(f"{path}: expected a JSON list of records (Label Studio JSON_MIN)")
    if not records:
        raise SandboxError(f"{path}: the export holds no records")
    return pd.DataFrame.from_records(records)


def read_ls_csv(path: Path) -> pd.DataFrame:
    """Rows of a Label Studio CSV export → DataFrame of strings ('' for empty cells)."""
    text = read_text(path)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise SandboxError(f"{path}: not a readable CSV file ({exc})") from None
    if frame.empty:
        raise SandboxError(f"{path}: the export holds no rows")
    return frame


def _label_columns(frame: pd.DataFrame, task_field: str | None) -> list[str]:
    """Non-metadata columns whose value is not constant within every task."""
    candidates = [c for c in frame.columns if c not in META_COLUMNS and c != task_field]
    annotated = frame[frame["annotator"].map(_present)] if "annotator" in frame else frame
    varying = []
    for column in candidates:
        values = annotated[column].map(_as_key)
        if (values.groupby(annotated["id"]).nunique(dropna=False) > 1).any():
            varying.append(column)
    return varying


def _present(value: Any) -> bool:
    return not (value is None or value == "" or (isinstance(value, float) and pd.isna(value)))


def _as_key(value: Any) -> str:
    return json.dumps(value, sort_keys=True) if isinstance(value, list | dict) else str(value)


def _values(value: Any, where: str) -> list[str]:
    """The chosen values of one cell: a string, a list, or CSV's JSON ``{"choices": [...]}``."""
    if isinstance(value, str) and value.startswith(("{", "[")):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return [value]
    if isinstance(value, dict):
        value = value.get("choices")
        if not isinstance(value, list):
            raise SandboxError(f"{where}: not a choices answer ({value!r})")
    if isinstance(value, list):
        return [str(v) for v in value]
    if not _present(value):
        return []
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return [str(value)]


def collect_flat(
    frame: pd.DataFrame,
    *,
    controls: list[str],
    task_field: str | None,
    multi_choice: str,
    source: str,
) -> ChoiceRows:
    """Turn flat-export records into :class:`ChoiceRows` for the given candidate controls."""
    for needed in ("id", "annotator"):
        if needed not in frame.columns:
            raise SandboxError(
                f"{source}: no {needed!r} column; columns: {', '.join(map(str, frame.columns))}"
            )
    task_column = task_field or "id"
    if task_column not in frame.columns:
        raise SandboxError(f"{source}: no task field {task_column!r} in the export")
    out = ChoiceRows()
    for record in frame.to_dict("records"):
        task = record[task_column]
        if isinstance(task, float) and task.is_integer():
            task = int(task)
        if isinstance(task, str) and task.isdigit():
            task = int(task)
        if not _present(record.get("annotator")):
            out.skip("task_without_annotations")
            continue
        where = f"{source}: task {task!r}, annotation {record.get('annotation_id')!r}"
        worker = worker_id(record["annotator"], where)
        answered = False
        for name in controls:
            values = _values(record.get(name), where)
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
            out.rows.append((task, worker, name, values[0]))
        if not answered:
            out.skip("empty_result")
    return out


def flat_controls(
    frame: pd.DataFrame, from_name: str | None, config_names: list[str] | None, source: str
) -> list[str]:
    """The columns that may hold labels (see the module docstring)."""
    if from_name is not None or config_names:
        wanted = [from_name] if from_name is not None else list(config_names or [])
        present = [n for n in wanted if n in frame.columns]
        if not present:
            raise SandboxError(
                f"{source}: no column for labeling control {', '.join(map(repr, wanted))}; "
                f"columns: {', '.join(map(str, frame.columns))}"
            )
        return present
    if "id" not in frame.columns:
        raise SandboxError(f"{source}: no 'id' column; is this a Label Studio export?")
    varying = _label_columns(frame, None)
    if len(varying) == 1:
        return varying
    others = [c for c in frame.columns if c not in META_COLUMNS]
    raise SandboxError(
        f"{source}: cannot tell which column holds the labels "
        f"({_why(varying)}); "
        f"pick one with from_name (--from-name) from: {', '.join(map(str, others))}"
    )


def _why(varying: list[str]) -> str:
    return "several candidates: " + ", ".join(varying) if varying else "none varies by annotator"
