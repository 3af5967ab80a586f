"""Reading user tables (CSV or Parquet): every failure is one SandboxError naming the file.

A Parquet file can hold far more than its size (a few KB of run-length encoding may stand for a
billion rows), so its row count is read from the footer first, the memory it would take estimated
(:data:`PARQUET_BYTES_PER_CELL` per cell) and checked against the machine's budget before reading;
only the columns asked for are read.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from foundation.errors import SandboxError, first_line
from sandbox.resources import check_memory

TABLE_SUFFIXES = (".csv", ".parquet", ".pq")
#: Memory of one decoded cell, text included (an upper estimate, for the check before reading).
PARQUET_BYTES_PER_CELL = 64


def _parquet_columns(path: Path, what: str, columns: Sequence[str] | None) -> list[str] | None:
    """The columns to read (those of ``columns`` present), after checking the decoded size."""
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except (OSError, ValueError) as error:
        raise SandboxError(f"{what} file {path} cannot be read: {first_line(error)}") from None
    metadata, names = parquet.metadata, list(parquet.schema_arrow.names)
    chosen = [c for c in columns if c in names] if columns is not None else None
    if columns is not None and not chosen:
        require_columns(pd.DataFrame(columns=names), columns, str(path))
    width = len(chosen) if chosen is not None else len(names)
    check_memory(
        metadata.num_rows * width * PARQUET_BYTES_PER_CELL,
        f"{what} file {path} ({metadata.num_rows} rows × {width} columns)",
    )
    return chosen


def read_table(path: str | Path, what: str, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Read a CSV or Parquet file; every failure becomes a SandboxError naming ``what`` and the file.
    ``columns``: the ones needed (Parquet reads only those; others are ignored)."""
    path = Path(path)
    if path.suffix.lower() not in TABLE_SUFFIXES:
        raise SandboxError(f"{what} file {path} must be .csv or .parquet, got {path.suffix or 'no suffix'!r}")
    if not path.is_file():
        raise SandboxError(f"{what} file {path} does not exist")
    try:
        if path.suffix.lower() == ".csv":
            table = pd.read_csv(path)
        else:
            table = pd.read_parquet(path, columns=_parquet_columns(path, what, columns))
    except pd.errors.EmptyDataError:
        raise SandboxError(f"{what} file {path} is empty") from None
    except (ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError, TypeError) as error:
        raise SandboxError(f"{what} file {path} cannot be read: {first_line(error)}") from None
    if table.empty:
        raise SandboxError(f"{what} file {path} has no rows")
    return table


def require_columns(table: pd.DataFrame, columns: Sequence[str], source: str) -> None:
    """Fail naming the first missing column and the ones found."""
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise SandboxError(
            f"{source}: missing column {missing[0]!r}; needs {', '.join(columns)}, "
            f"found {', '.join(map(str, table.columns))}"
        )
