"""The answers table where it enters the engine, and gold made comparable with it.

Contract: columns ``task, worker, label``, at least one row, no empty cell, and every cell under the
one rule of ids and labels (:mod:`sandbox.io.values`: NFC text, plain decimal integers as integers,
nothing merged by what the other rows hold); a column is int64 when all its values are integers,
text otherwise. Gold is read the same way (``None``, ``NA`` or ``nan`` in a gold file are labels;
an empty cell is refused, naming its row) and written in the answers' types, so that the same id or
label written as text in one file and as a number in another is the same value; gold that shares no
task or no label with the answers is refused rather than scored as 0.

An optional ``seconds`` column holds each answer's working time (the contract of
:mod:`sandbox.io.answer_times`: finite and >= 0, NaN where not recorded, absent when unknown).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from foundation.errors import SandboxError
from sandbox.io.answer_times import SECONDS, seconds_column, with_seconds
from sandbox.io.files.tables import read_table, require_columns
from sandbox.io.importers.base import ImportedAnswers
from sandbox.io.values import in_type_of, one_type
from sandbox.kinds.base import RealAnswers
from sandbox.kinds.classification.kind import KIND

ANSWER_COLUMNS = ("task", "worker", "label")


def validate_answers(table: pd.DataFrame, source: str) -> pd.DataFrame:
    """The answers contract (see the module docstring); SandboxError naming ``source`` otherwise.
    Returns a new ``task, worker, label`` (+ ``seconds``) frame with a fresh index."""
    require_columns(table, ANSWER_COLUMNS, source)
    answers = table[list(ANSWER_COLUMNS)].reset_index(drop=True)
    if answers.empty:
        raise SandboxError(f"{source}: no answers")
    checked = pd.DataFrame({column: one_type(answers[column], source) for column in ANSWER_COLUMNS})
    times = seconds_column(table[SECONDS].reset_index(drop=True), source) if SECONDS in table else None
    return with_seconds(checked, times)


def align_gold(
    gold: pd.Series, answers: pd.DataFrame, source: str = "gold", require_overlap: bool = True
) -> pd.Series:
    """Gold (Series task → label) with its tasks and labels in the answers' value types.

    With ``require_overlap``, SandboxError when gold and answers share no task, or no label, naming
    a few of each (a score over nothing would be meaningless).
    """
    if gold.empty:
        return gold
    tasks = in_type_of(gold.index.to_series().rename("task"), answers["task"], source)
    labels = in_type_of(gold.reset_index(drop=True).rename("label"), answers["label"], source)
    aligned = pd.Series(labels.to_numpy(), index=pd.Index(tasks.to_numpy(), name="task"), name="label")
    if not require_overlap:
        return aligned
    if not aligned.index.isin(answers["task"]).any():
        raise SandboxError(
            f"{source}: gold shares no task with the answers (gold tasks {_few(aligned.index)}; "
            f"answer tasks {_few(pd.unique(answers['task']))})"
        )
    if not aligned.isin(answers["label"]).any():
        raise SandboxError(
            f"{source}: gold shares no label with the answers (gold labels {_few(pd.unique(aligned))}; "
            f"answer labels {_few(pd.unique(answers['label']))})"
        )
    return aligned


def _few(values: Any, count: int = 5) -> str:
    items = list(values)
    shown = ", ".join(repr(v.item() if hasattr(v, "item") else v) for v in items[:count])
    return shown + (f", … ({len(items)} in all)" if len(items) > count else "")


def read_gold(path: str | Path) -> pd.Series:
    """Gold labels from a ``task, label`` CSV/Parquet file (one row per task; every cell under the
    rule of :mod:`sandbox.io.values`: an empty cell is refused, naming its row — a task without gold
    is left out of the file)."""
    table = read_table(path, "gold", ("task", "label"))
    require_columns(table, ("task", "label"), str(path))
    table = table[["task", "label"]].reset_index(drop=True)
    table = table.assign(task=one_type(table["task"], str(path)), label=one_type(table["label"], str(path)))
    if table["task"].duplicated().any():
        task = table["task"][table["task"].duplicated()].iloc[0]
        raise SandboxError(f"{path}: task {task} has more than one gold label")
    return pd.Series(table["label"].to_numpy(), index=pd.Index(table["task"], name="task"), name="label")


def real_answers(imported: ImportedAnswers, path: str | Path, gold_path: str | Path | None) -> RealAnswers:
    """Answers read from any export (see :mod:`sandbox.io.importers`); gold from ``gold_path``, else
    the export's own ground truth (Label Studio), else none."""
    if gold_path is not None:
        gold = align_gold(read_gold(gold_path), imported.answers, str(gold_path))
    elif imported.gold is not None:
        gold = align_gold(imported.gold, imported.answers, f"{path} (its ground truth)")
    else:
        gold = pd.Series(dtype=object, name="label", index=pd.Index([], name="task"))
    return RealAnswers(Path(path).stem, imported.answers, gold, gold_size=len(gold), kind=KIND)
