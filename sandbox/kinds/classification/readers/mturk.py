"""Amazon Mechanical Turk batch-results CSV: one row per assignment.

Columns used: ``WorkerId`` (the worker), ``HITId`` (the task; or ``Input.<task_field>``),
``AssignmentStatus`` (``Rejected`` rows are skipped and counted as ``rejected``) and the answer:
``Answer.<name>`` holding the label, or one-hot ``Answer.<name>.<label>`` columns holding
true/false (radio buttons). With several questions, ``from_name`` picks ``<name>``.
``WorkTimeInSeconds`` is the answer's working time (``seconds``), spread equally over the answers
read from one assignment (rows sharing an ``AssignmentId``; see :mod:`sandbox.io.answer_times`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from foundation.errors import SandboxError
from sandbox.io.answer_times import parse_seconds, spread_over
from sandbox.io.files.tables import read_csv_cells
from sandbox.io.importers.base import id_value, label_text
from sandbox.kinds.classification.readers.labelstudio_json import ChoiceRows

_TRUE = {"true", "1", "yes", "on"}
_BOOL = _TRUE | {"false", "0", "no", "off", ""}


def read_mturk(path: Path) -> pd.DataFrame:
    """The batch-results table, all cells as strings ('' when empty; see
    :func:`sandbox.io.files.tables.read_csv_cells`)."""
    frame = read_csv_cells(path, "export", pad_short_rows=True)
    for needed in ("WorkerId", "HITId"):
        if needed not in frame.columns:
            raise SandboxError(f"{path}: no {needed} column; not an MTurk batch-results file")
    return frame


def _questions(frame: pd.DataFrame) -> dict[str, list[str]]:
    """Question name → its answer columns (one plain column, or one-hot boolean columns)."""
    questions: dict[str, list[str]] = {}
    for column in frame.columns:
        if not column.startswith("Answer."):
            continue
        name = column[len("Answer.") :]
        values = set(frame[column].str.lower())
        if "." in name and values <= _BOOL:
            questions.setdefault(name.rsplit(".", 1)[0], []).append(column)
        else:
            questions[name] = [column]
    return questions


def collect_mturk(
    frame: pd.DataFrame, *, from_name: str | None, task_field: str | None, source: str
) -> ChoiceRows:
    """Assignments → :class:`ChoiceRows` (control = the question name)."""
    questions = _questions(frame)
    if from_name is not None:
        if from_name not in questions:
            raise SandboxError(
                f"{source}: no answer column for {from_name!r}; questions: {', '.join(questions) or 'none'}"
            )
        name = from_name
    elif len(questions) == 1:
        name = next(iter(questions))
    else:
        raise SandboxError(
            f"{source}: {'questions: ' + ', '.join(questions) if questions else 'no Answer.*'}; "
            "pick one with from_name (--from-name)"
        )
    task_column = "HITId" if task_field is None else f"Input.{task_field}"
    if task_column not in frame.columns:
        raise SandboxError(f"{source}: no column {task_column!r}")
    columns = questions[name]
    out = ChoiceRows(controls=[name])
    status = frame["AssignmentStatus"] if "AssignmentStatus" in frame else None
    assignments: list[str] = []
    for i, row in enumerate(frame.to_dict("records")):
        if status is not None and str(status.iloc[i]).lower() == "rejected":
            out.skip("rejected")
            continue
        where = f"{source}: row {i + 2}"
        if not row["WorkerId"]:
            raise SandboxError(f"{where} has no WorkerId")
        if not row[task_column]:
            raise SandboxError(f"{where} has no {task_column}: every assignment must name its task")
        if len(columns) == 1 and columns[0] == f"Answer.{name}":
            labels = [row[columns[0]]] if row[columns[0]] else []
        else:
            labels = [c.rsplit(".", 1)[1] for c in columns if row[c].lower() in _TRUE]
        if not labels:
            out.skip("empty_result")
            continue
        if len(labels) > 1:
            raise SandboxError(f"{source}: row {i + 2} chose several labels {labels} for {name!r}")
        out.rows.append(
            (
                id_value(row[task_column], where, task_column),
                str(id_value(row["WorkerId"], where, "WorkerId")),
                name,
                label_text(labels[0], where),
                parse_seconds(row.get("WorkTimeInSeconds"), where),
            )
        )
        assignments.append(row.get("AssignmentId") or f"row {i}")
    shares = spread_over([row[4] for row in out.rows], assignments)
    out.rows = [(*row[:4], float(share)) for row, share in zip(out.rows, shares, strict=True)]
    return out
