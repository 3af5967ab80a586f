"""A reference model's labels (``--reference``): read, made comparable with the answers, and turned
into the matches that :mod:`sandbox.fitting.reference` tests.

A reference is one label per task, read like gold: a ``task, label`` CSV/Parquet table (the hardened
readers of :mod:`sandbox.io.files.tables`: cells as written, NUL refused, ``None``/``NA``/``nan`` are
labels and an empty cell is refused naming its row) or the Label Studio predictions JSON that
``aggregate --out x.json`` writes (a list of ``{task, result: [{type: choices, value: {choices:
[label]}}]}``; ``--from-name`` picks the control when a prediction fills several). Ids and labels
follow :mod:`sandbox.io.values` and are written in the answers' types, so that ``7`` in a JSON file
and ``7`` in a CSV file are one task. A task named twice is refused; a reference sharing no task with
the answers is refused (nothing to compare); one that labels only some of the answers' tasks is
compared where it does (:func:`coverage` says how much).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from foundation.errors import SandboxError, printable
from sandbox.fitting.reference import new_annotator_name
from sandbox.io.files.json_stream import iter_items
from sandbox.io.files.tables import read_table, require_columns
from sandbox.io.importers.base import label_text
from sandbox.io.labelstudio.export import short_repr
from sandbox.io.values import in_type_of, name_or_error, one_type
from sandbox.io.values import shown as values_shown
from sandbox.kinds.classification.readers.labelstudio_json import ChoiceRows, _choices_of


def read_reference_file(path: str | Path, from_name: str | None = None) -> pd.Series:
    """The reference's labels by task as read (see the module docstring), before alignment."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        tasks, labels = _predictions(path, from_name)
        table = pd.DataFrame(
            {"task": pd.Series(tasks, dtype=object), "label": pd.Series(labels, dtype=object)}
        )
        if table.empty:
            raise SandboxError(f"reference file {path} holds no predictions")
    else:
        table = read_table(path, "reference", ("task", "label"))
        require_columns(table, ("task", "label"), str(path))
        table = table[["task", "label"]].reset_index(drop=True)
    source = f"reference file {path}"
    table = table.assign(task=one_type(table["task"], source), label=one_type(table["label"], source))
    repeated = table["task"].duplicated()
    if repeated.any():
        task = table["task"][repeated].iloc[0]
        raise SandboxError(f"{source}: task {_few([task])} has more than one label; give one per task")
    return pd.Series(table["label"].to_numpy(), index=pd.Index(table["task"], name="task"), name="reference")


def _predictions(path: Path, from_name: str | None) -> tuple[list[Any], list[str]]:
    """(tasks, labels) of a Label Studio predictions list: one ``choices`` label per prediction."""
    tasks: list[Any] = []
    labels: list[str] = []
    for number, item in enumerate(iter_items(path, what="prediction")):
        where = f"{path}: prediction #{number}"
        if not isinstance(item, dict) or "task" not in item or "result" not in item:
            raise SandboxError(
                f"{where} must be an object with 'task' and 'result' (Label Studio predictions, as "
                f"`aggregate --out x.json` writes), got {short_repr(item)}"
            )
        found = _choices_of(item["result"], where, ChoiceRows())
        if from_name is not None:
            found = [(name, values) for name, values in found if name == from_name]
        if len({name for name, _ in found}) > 1:
            names = sorted({name for name, _ in found})
            raise SandboxError(f"{where} fills the controls {names}; pick one with --from-name")
        values = [value for _, chosen in found for value in chosen]
        if len(values) != 1:
            raise SandboxError(f"{where} holds {len(values)} choices; a reference gives one label per task")
        tasks.append(name_or_error(item["task"], where, "task id"))
        labels.append(label_text(values[0], where))
    return tasks, labels


def align_reference(reference: pd.Series, answers: pd.DataFrame, source: str) -> pd.Series:
    """The reference with its tasks and labels in the answers' value types, restricted to the answers'
    tasks; SandboxError when it shares no task with them."""
    tasks = in_type_of(reference.index.to_series().rename("task"), answers["task"], source)
    labels = in_type_of(reference.reset_index(drop=True).rename("label"), answers["label"], source)
    aligned = pd.Series(labels.to_numpy(), index=pd.Index(tasks.to_numpy(), name="task"), name="reference")
    shared = aligned[aligned.index.isin(answers["task"])]
    if shared.empty:
        raise SandboxError(
            f"{source}: the reference shares no task with the answers (reference tasks "
            f"{_few(aligned.index)}; answer tasks {_few(pd.unique(answers['task']))})"
        )
    return shared


def read_reference(path: str | Path, answers: pd.DataFrame, from_name: str | None = None) -> pd.Series:
    """The reference file at ``path`` by task, aligned with ``answers`` (see the module docstring)."""
    return align_reference(read_reference_file(path, from_name), answers, f"reference file {path}")


def coverage(reference: pd.Series, answers: pd.DataFrame) -> tuple[int, int]:
    """(tasks of the answers the reference labels, tasks of the answers)."""
    tasks = pd.unique(answers["task"])
    return int(pd.Index(tasks).isin(reference.index).sum()), len(tasks)


def _few(values: Any, count: int = 5) -> str:
    items = list(values)
    shown = ", ".join(printable(values_shown(v.item() if hasattr(v, "item") else v)) for v in items[:count])
    return shown + (f", … ({len(items)} in all)" if len(items) > count else "")


def with_reference_worker(answers: pd.DataFrame, reference: pd.Series, worker: str) -> pd.DataFrame:
    """``answers`` with one more annotator, ``worker``, who gives the reference's label on every task
    of the answers it labels (no working time); SandboxError when ``worker`` names an annotator of
    the answers already (under the rule of :mod:`sandbox.io.values`)."""
    from sandbox.kinds.classification.answers import validate_answers

    name = new_annotator_name(worker, answers)
    shared = reference[reference.index.isin(answers["task"])]
    added = pd.DataFrame(
        {
            "task": shared.index.to_numpy(),
            "worker": pd.Series([name] * len(shared), dtype=object),
            "label": shared.to_numpy(),
        }
    )
    if "seconds" in answers:
        added["seconds"] = float("nan")
    return validate_answers(pd.concat([answers, added], ignore_index=True), "--reference-as-worker")
