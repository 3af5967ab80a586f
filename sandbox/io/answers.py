"""The answers table where it enters the engine, and gold made comparable with it.

Contract: columns ``task, worker, label``, at least one row, no empty cell, and one value type per
column: integers when every value is an integer (``3`` or ``3.0``), text otherwise (a column that
mixes ``3`` and ``"x"`` becomes ``"3"`` and ``"x"``). Gold is then written in the answers' types, so
that the same id or label written as text in one file and as a number in another is the same value;
gold that shares no task or no label with the answers is refused rather than scored as 0.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from foundation.errors import SandboxError
from sandbox.io.files.tables import read_table, require_columns

ANSWER_COLUMNS = ("task", "worker", "label")
_INTEGER_TEXT = re.compile(r"-?(0|[1-9][0-9]{0,17})")


def _integral(value: Any) -> bool:
    if isinstance(value, bool | np.bool_):
        return False
    if isinstance(value, int | np.integer):
        return True
    if isinstance(value, float | np.floating):
        number = float(value)
        return number.is_integer() and abs(number) < 2**63
    return False


def _text(value: Any) -> str:
    return str(int(value)) if _integral(value) else str(value)


_SCALARS = (str, int, float, bool, np.integer, np.floating, np.bool_)


def _check_cells(values: pd.Series, kind: str, source: str) -> None:
    """Cells must be text or numbers, and text must hold no NUL character (C readers and writers
    cut text there); SandboxError naming the row and the column otherwise."""
    bad: np.ndarray[Any, np.dtype[np.bool_]]
    if kind == "string":
        bad = values.str.contains("\x00", regex=False).to_numpy(dtype=bool)
    elif values.dtype == object and kind not in ("integer", "floating", "boolean"):
        bad = np.array([not isinstance(v, _SCALARS) or (isinstance(v, str) and "\x00" in v) for v in values])
    else:
        return
    if bad.any():
        row = int(bad.nonzero()[0][0])
        value = repr(values.iloc[row])
        raise SandboxError(
            f"{source}: row {row + 1}, column {values.name!r} holds {value[:60]}; "
            "cells must be text (without NUL characters) or numbers"
        )


def one_type(values: pd.Series, source: str = "answers") -> pd.Series:
    """``values`` with one value type: int64 when all are integers (``3``, ``3.0``), else text.
    SandboxError (naming ``source``) for cells that are neither text nor numbers."""
    kind = pd.api.types.infer_dtype(values, skipna=False)
    _check_cells(values, kind, source)
    if kind == "string":
        return values
    if kind == "integer":
        return values.astype(np.int64)
    if kind in ("floating", "mixed-integer-float", "decimal"):
        numbers = values.to_numpy(dtype=float)
        if (
            np.isfinite(numbers).all()
            and (numbers == np.round(numbers)).all()
            and (np.abs(numbers) < 2**63).all()
        ):
            return pd.Series(numbers.astype(np.int64), index=values.index, name=values.name)
    return pd.Series(
        [_text(v) for v in values.to_numpy(dtype=object)], index=values.index, name=values.name, dtype=object
    )


def validate_answers(table: pd.DataFrame, source: str) -> pd.DataFrame:
    """The answers contract (see the module docstring); SandboxError naming ``source`` otherwise.
    Returns a new ``task, worker, label`` frame with a fresh index."""
    require_columns(table, ANSWER_COLUMNS, source)
    answers = table[list(ANSWER_COLUMNS)].reset_index(drop=True)
    if answers.empty:
        raise SandboxError(f"{source}: no answers")
    empty = answers.isna().any(axis=1)
    if empty.any():
        row = int(empty.to_numpy().nonzero()[0][0])
        raise SandboxError(f"{source}: row {row + 1} has an empty task, worker or label")
    return pd.DataFrame({column: one_type(answers[column], source) for column in ANSWER_COLUMNS})


def _like(values: pd.Series, reference: pd.Series) -> pd.Series:
    """``values`` in the value type of ``reference`` (integers where they can be, else text)."""
    if pd.api.types.is_integer_dtype(reference.dtype):
        objects = values.to_numpy(dtype=object)
        converted = [
            int(v) if _integral(v) else int(v) if isinstance(v, str) and _INTEGER_TEXT.fullmatch(v) else v
            for v in objects
        ]
        return pd.Series(converted, index=values.index, name=values.name)
    if pd.api.types.is_float_dtype(reference.dtype):
        return pd.to_numeric(values, errors="coerce").astype(float)
    return pd.Series([_text(v) for v in values.to_numpy(dtype=object)], index=values.index, name=values.name)


def align_gold(
    gold: pd.Series, answers: pd.DataFrame, source: str = "gold", require_overlap: bool = True
) -> pd.Series:
    """Gold (Series task → label) with its tasks and labels in the answers' value types.

    With ``require_overlap``, SandboxError when gold and answers share no task, or no label, naming
    a few of each (a score over nothing would be meaningless).
    """
    if gold.empty:
        return gold
    tasks = _like(gold.index.to_series(), answers["task"])
    labels = _like(gold.reset_index(drop=True), answers["label"])
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
    """Gold labels from a ``task, label`` CSV/Parquet file (one row per task)."""
    table = read_table(path, "gold", ("task", "label"))
    require_columns(table, ("task", "label"), str(path))
    table = table.dropna(subset=["task", "label"])
    if table.empty:
        raise SandboxError(f"{path}: no row has both a task and a label")
    table = table.assign(task=one_type(table["task"], str(path)), label=one_type(table["label"], str(path)))
    if table["task"].duplicated().any():
        task = table["task"][table["task"].duplicated()].iloc[0]
        raise SandboxError(f"{path}: task {task} has more than one gold label")
    return pd.Series(table["label"].to_numpy(), index=pd.Index(table["task"], name="task"), name="label")
