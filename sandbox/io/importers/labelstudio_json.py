"""Label Studio's full JSON export: a list of tasks, each with ``annotations[]``.

Read as a stream (ijson, which label-studio-sdk itself uses), so a large export never needs to be
held as one Python object. The SDK's ``Converter.iter_from_json_file`` is not used: it drops
cancelled annotations without counting them, ignores ``ground_truth`` and needs a label config.

Treatment (documented; counts go to ``ImportedAnswers.skipped``):
- ``was_cancelled`` annotations → skipped as ``cancelled``; an empty ``result`` → ``empty_result``;
  tasks without annotations → ``task_without_annotations``.
- annotations with ``ground_truth: true`` become gold for their task, not answers.
- ``completed_by`` may be an id or an object with ``id``/``email``; the worker is the id as text
  (the email when there is no id). A missing ``completed_by`` is an error.
- a multi-choice answer (several values in one control) is an error, or skipped and counted as
  ``multi_choice`` with ``multi_choice="skip"``.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pandas as pd

from annotators.errors import SandboxError
from sandbox.io.importers.base import ProgressCallback

_PROGRESS_STEP = 1 << 20  # report every MiB read


class _CountingReader:
    """A binary file wrapper that reports how many bytes were read and checks they are UTF-8."""

    def __init__(self, raw: IO[bytes], total: int, progress: ProgressCallback | None) -> None:
        self._raw = raw
        self._utf8 = codecs.getincrementaldecoder("utf-8")()
        self._total = total
        self._progress = progress
        self._done = 0
        self._next = _PROGRESS_STEP

    def read(self, size: int = -1) -> bytes:
        chunk = self._raw.read(size)
        try:
            self._utf8.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            offset = self._done + max(exc.start, 0)
            raise SandboxError(
                f"not UTF-8 text (invalid byte at offset {offset}); exports must be UTF-8 encoded"
            ) from None
        self._done += len(chunk)
        if self._progress is not None and (self._done >= self._next or not chunk):
            self._progress(self._done, self._total)
            self._next = self._done + _PROGRESS_STEP
        return chunk


@dataclass
class ChoiceRows:
    """Choices found in an export, before a control is picked (one entry per control value)."""

    rows: list[tuple[Any, str, str, str]] = field(default_factory=list)  # task, worker, ctrl, label
    gold: list[tuple[Any, str, str]] = field(default_factory=list)  # task, control, label
    controls: list[str] = field(default_factory=list)
    to_names: dict[str, str] = field(default_factory=dict)  # control → the object it labels
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, reason: str, n: int = 1) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + n

    def note_control(self, name: str) -> None:
        if name not in self.controls:
            self.controls.append(name)


def worker_id(completed_by: Any, where: str) -> str:
    """The worker named by ``completed_by`` (an id, or an object with ``id``/``email``)."""
    if isinstance(completed_by, dict):
        value = completed_by.get("id", completed_by.get("email"))
    else:
        value = completed_by
    if value is None or value == "" or isinstance(value, bool | list | dict):
        raise SandboxError(
            f"{where}: missing or invalid completed_by ({completed_by!r}); "
            "each answer must name its annotator by id or email"
        )
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def task_id(task: dict[str, Any], task_field: str | None, where: str) -> Any:
    """The task's identifier: its Label Studio ``id``, or ``data[task_field]`` when given."""
    if task_field is None:
        value = task.get("id")
    else:
        data = task.get("data")
        value = data.get(task_field) if isinstance(data, dict) else None
    if value is None:
        what = "id" if task_field is None else f"data.{task_field}"
        raise SandboxError(f"{where}: task without {what}")
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _choices_of(result: list[Any], where: str, out: ChoiceRows) -> list[tuple[str, list[str]]]:
    """(control name, chosen values) for each ``choices`` region of one annotation's result;
    notes each control's ``to_name`` in ``out``."""
    found = []
    for region in result:
        if not isinstance(region, dict) or region.get("type", "choices").lower() != "choices":
            continue
        value = region.get("value")
        choices = value.get("choices") if isinstance(value, dict) else None
        name = region.get("from_name")
        if not isinstance(choices, list) or not isinstance(name, str):
            raise SandboxError(f"{where}: malformed choices result {region!r}")
        if isinstance(region.get("to_name"), str):
            out.to_names.setdefault(name, region["to_name"])
        found.append((name, [str(c) for c in choices]))
    return found


def collect_task(
    task: Any, out: ChoiceRows, *, task_field: str | None, multi_choice: str, index: int
) -> None:
    """Add one exported task's annotations to ``out``."""
    if not isinstance(task, dict) or ("annotations" not in task and "completions" not in task):
        raise SandboxError(f"task #{index}: not a Label Studio task (expected an object with 'annotations')")
    tid = task_id(task, task_field, f"task #{index}")
    annotations = task.get("annotations", task.get("completions")) or []
    if not annotations:
        out.skip("task_without_annotations")
    for annotation in annotations:
        where = f"task {tid!r}, annotation {annotation.get('id')!r}"
        if annotation.get("was_cancelled") or annotation.get("skipped"):
            out.skip("cancelled")
            continue
        choices = _choices_of(annotation.get("result") or [], where, out)
        if not choices:
            out.skip("empty_result")
            continue
        gold = bool(annotation.get("ground_truth"))
        worker = "" if gold else worker_id(annotation.get("completed_by"), where)
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
                out.rows.append((tid, worker, name, values[0]))


def parse_json_export(
    path: Path,
    *,
    task_field: str | None,
    multi_choice: str,
    progress: ProgressCallback | None,
) -> ChoiceRows:
    """Stream the tasks of a full JSON export into :class:`ChoiceRows`."""
    import ijson

    out = ChoiceRows()
    total = path.stat().st_size
    index = -1
    with path.open("rb") as raw:
        head = raw.read(4096)
        if not head.strip():
            raise SandboxError(f"{path}: the file is empty")
        raw.seek(0)
        reader = _CountingReader(raw, total, progress)
        try:
            for index, task in enumerate(ijson.items(reader, "item", use_float=True)):
                collect_task(task, out, task_field=task_field, multi_choice=multi_choice, index=index)
        except SandboxError as exc:
            raise SandboxError(f"{path}: {exc}") from None
        except ijson.JSONError as exc:
            raise SandboxError(
                f"{path}: broken or truncated JSON after task #{index} ({_first_line(exc)})"
            ) from None
    if index < 0:
        raise SandboxError(f"{path}: expected a JSON list of tasks; found no task")
    return out


def to_frame(rows: list[tuple[Any, str, str, str]]) -> pd.DataFrame:
    """Rows (task, worker, control, label) → DataFrame with those columns."""
    return pd.DataFrame(rows, columns=["task", "worker", "control", "label"])


def _first_line(exc: Exception) -> str:
    """The first line of a parser's (often multi-line) error message."""
    text = str(exc).strip().strip("b'\"")
    return text.splitlines()[0].strip() if text else type(exc).__name__
