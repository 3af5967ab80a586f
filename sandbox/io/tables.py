"""Reading user tables (CSV or Parquet): every failure is one SandboxError naming the file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from annotators.errors import SandboxError

TABLE_SUFFIXES = (".csv", ".parquet", ".pq")


def read_table(path: str | Path, what: str) -> pd.DataFrame:
    """Read a CSV or Parquet file; every failure becomes a SandboxError naming ``what`` and the file."""
    path = Path(path)
    if path.suffix.lower() not in TABLE_SUFFIXES:
        raise SandboxError(f"{what} file {path} must be .csv or .parquet, got {path.suffix or 'no suffix'!r}")
    if not path.is_file():
        raise SandboxError(f"{what} file {path} does not exist")
    try:
        if path.suffix.lower() == ".csv":
            table = pd.read_csv(path)
        else:
            table = pd.read_parquet(path)
    except pd.errors.EmptyDataError:
        raise SandboxError(f"{what} file {path} is empty") from None
    except (ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError) as error:
        first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise SandboxError(f"{what} file {path} cannot be read: {first_line}") from None
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
