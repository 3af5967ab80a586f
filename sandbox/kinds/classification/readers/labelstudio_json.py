"""Label Studio's full JSON export: a list of tasks, each with ``annotations[]``.

Read as a stream through :func:`sandbox.io.files.json_stream.iter_items` (bounded depth and size per
task), so a large export never needs to be held as one Python object. The SDK's
``Converter.iter_from_json_file`` is not used: it drops cancelled annotations without counting
them, ignores ``ground_truth`` and needs a label config.

Treatment (documented; counts go to ``ImportedAnswers.skipped``):
- ``was_cancelled`` annotations → skipped as ``cancelled``; an empty ``result`` → ``empty_result``;
  tasks without annotations → ``task_without_annotations``.
- annotations with ``ground_truth: true`` become gold for their task, not answers.
- an annotation's ``lead_time`` is the answer's working time (``seconds``, see
  :mod:`sandbox.io.answer_times`); an annotation without one has none.
- ``completed_by`` may be an id or an object with ``id``/``email``; the worker is the id as text
  (the email when there is no id). A missing ``completed_by`` is an error. The email or username
  (of ``completed_by``, else the annotation's ``created_username``) is kept as the worker's
  ``identity``, what reports show people.
- a multi-choice answer (several values in one control) is an error, or skipped and counted as
  ``multi_choice`` with ``multi_choice="skip"``.
- anything of the wrong shape (an annotation that is not an object, a ``result`` that is not a
  list, an id that is true/false, a list or an object, a choice that is null or an object) is an
  error naming the task and the annotation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from foundation.errors import SandboxError
from sandbox.io.answer_times import SECONDS, parse_seconds
from sandbox.io.files.json_stream import iter_items
from sandbox.io.importers.base import ProgressCallback, label_text
from sandbox.io.labelstudio.export import short_repr as _short
from sandbox.io.labelstudio.export import task_id, worker_id, worker_identity


@dataclass
class ChoiceRows:
    """Choices found in an export, before a control is picked (one entry per control value)."""

    rows: list[tuple[Any, str, str, str, float]] = field(default_factory=list)  # task, worker, ctrl, label, s
    gold: list[tuple[Any, str, str]] = field(default_factory=list)  # task, control, label
    controls: list[str] = field(default_factory=list)
    to_names: dict[str, str] = field(default_factory=dict)  # control → the object it labels
    identities: dict[str, str] = field(default_factory=dict)  # worker → email or username
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, reason: str, n: int = 1) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + n

    def note_control(self, name: str) -> None:
        if name not in self.controls:
            self.controls.append(name)


def _choices_of(result: Any, where: str, out: ChoiceRows) -> list[tuple[str, list[str]]]:
    """(control name, chosen values) for each ``choices`` region of one annotation's result;
    notes each control's ``to_name`` in ``out``."""
    if not isinstance(result, list):
        raise SandboxError(f"{where}: 'result' must be a list of regions, got {_short(result)}")
    found = []
    for region in result:
        if not isinstance(region, dict):
            raise SandboxError(f"{where}: a result region must be an object, got {_short(region)}")
        kind = region.get("type", "choices")
        if not isinstance(kind, str):
            raise SandboxError(f"{where}: a result region's 'type' must be text, got {_short(kind)}")
        if kind.lower() != "choices":
            continue
        value = region.get("value")
        choices = value.get("choices") if isinstance(value, dict) else None
        name = region.get("from_name")
        if not isinstance(choices, list) or not isinstance(name, str):
            raise SandboxError(f"{where}: malformed choices result {_short(region)}")
        if isinstance(region.get("to_name"), str):
            out.to_names.setdefault(name, region["to_name"])
        found.append((name, [label_text(c, where) for c in choices]))
    return found


def collect_task(
    task: Any, out: ChoiceRows, *, task_field: str | None, multi_choice: str, index: int
) -> None:
    """Add one exported task's annotations to ``out``."""
    if not isinstance(task, dict) or ("annotations" not in task and "completions" not in task):
        raise SandboxError(f"task #{index}: not a Label Studio task (expected an object with 'annotations')")
    tid = task_id(task, task_field, f"task #{index}")
    annotations = task.get("annotations", task.get("completions")) or []
    if not isinstance(annotations, list):
        raise SandboxError(f"task {tid!r}: 'annotations' must be a list, got {_short(annotations)}")
    if not annotations:
        out.skip("task_without_annotations")
    for annotation in annotations:
        if not isinstance(annotation, dict):
            raise SandboxError(f"task {tid!r}: an annotation must be an object, got {_short(annotation)}")
        where = f"task {tid!r}, annotation {_short(annotation.get('id'), 40)}"
        if annotation.get("was_cancelled") or annotation.get("skipped"):
            out.skip("cancelled")
            continue
        choices = _choices_of(annotation.get("result") or [], where, out)
        if not choices:
            out.skip("empty_result")
            continue
        gold = annotation.get("ground_truth") is True
        worker = "" if gold else worker_id(annotation.get("completed_by"), where)
        if not gold and worker not in out.identities:
            identity = worker_identity(annotation.get("completed_by"), annotation.get("created_username"))
            if identity is not None and identity != worker:
                out.identities[worker] = identity
        seconds = parse_seconds(annotation.get("lead_time"), where)
        for name, values in choices:
            out.note_control(name)
            if len(values) != 1:
                if multi_choice == "skip" or not values:
                    out.skip("multi_choice" if values else "empty_result")
                    continue
                raise SandboxError(
                    f"{where}: {len(values)} choices {values} in control {name!r}; one label per "
                    "answer is needed (use multi_choice='skip' / --multi-choice skip to skip them)"
                )
            if gold:
                out.gold.append((tid, name, values[0]))
            else:
                out.rows.append((tid, worker, name, values[0], seconds))


def parse_json_export(
    path: Path,
    *,
    task_field: str | None,
    multi_choice: str,
    progress: ProgressCallback | None,
) -> ChoiceRows:
    """Stream the tasks of a full JSON export into :class:`ChoiceRows`."""
    out = ChoiceRows()
    found = False
    for index, task in enumerate(iter_items(path, what="task", progress=progress)):
        found = True
        try:
            collect_task(task, out, task_field=task_field, multi_choice=multi_choice, index=index)
        except SandboxError as exc:
            raise SandboxError(f"{path}: {exc}") from None
    if not found:
        raise SandboxError(f"{path}: expected a JSON list of tasks; found no task")
    return out


def to_frame(rows: list[tuple[Any, str, str, str, float]]) -> pd.DataFrame:
    """Rows (task, worker, control, label, seconds) → DataFrame with those columns (seconds NaN
    where not recorded)."""
    return pd.DataFrame(rows, columns=["task", "worker", "control", "label", SECONDS])
