"""Generic long tables: CSV or Parquet with columns ``task, worker, label`` (crowd-kit's format).

Extra columns are ignored. CSV values keep pandas' type inference (integer ids stay integers).
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from sandbox.errors import SandboxError
from sandbox.importers.base import ANSWER_COLUMNS, read_bytes, read_text

PARQUET_MAGIC = b"PAR1"


def read_long(path: Path) -> pd.DataFrame:
    """Read a long answers table (CSV or Parquet) → DataFrame with ``task, worker, label``."""
    if read_bytes(path)[:4] == PARQUET_MAGIC:
        try:
            frame = pd.read_parquet(path)
        except Exception as exc:  # pyarrow raises several error types for damaged files
            raise SandboxError(f"{path}: not a readable Parquet file ({exc})") from None
    else:
        try:
            frame = pd.read_csv(io.StringIO(read_text(path)))
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise SandboxError(f"{path}: not a readable CSV file ({exc})") from None
    missing = [c for c in ANSWER_COLUMNS if c not in frame.columns]
    if missing:
        raise SandboxError(
            f"{path}: missing column(s) {', '.join(missing)}; a long table needs "
            f"task, worker, label (found: {', '.join(map(str, frame.columns))})"
        )
    frame = frame[ANSWER_COLUMNS]
    empty = frame.isna().any(axis=1)
    if empty.any():
        row = int(empty.to_numpy().nonzero()[0][0])
        raise SandboxError(f"{path}: row {row + 2} has an empty task, worker or label")
    return frame.reset_index(drop=True)


def read_gold(path: Path) -> pd.Series:
    """Read gold labels: CSV or Parquet with columns ``task, label`` → Series indexed by task."""
    if read_bytes(path)[:4] == PARQUET_MAGIC:
        frame = pd.read_parquet(path)
    else:
        try:
            frame = pd.read_csv(io.StringIO(read_text(path)))
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise SandboxError(f"{path}: not a readable CSV file ({exc})") from None
    if not {"task", "label"} <= set(frame.columns):
        raise SandboxError(
            f"{path}: gold needs columns task, label (found: {', '.join(map(str, frame.columns))})"
        )
    if frame["task"].duplicated().any():
        task = frame.loc[frame["task"].duplicated(), "task"].iloc[0]
        raise SandboxError(f"{path}: task {task!r} has more than one gold label")
    gold = frame.set_index("task")["label"].rename("label")
    return gold
