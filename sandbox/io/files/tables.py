"""Reading user tables (CSV or Parquet): every failure is one SandboxError naming the file.

**CSV** is read as text, every cell exactly as written (:func:`read_csv_cells`): no missing-value
spellings (``None``, ``NA``, ``null``, ``nan``, ``N/A`` are text like any other; only an empty cell
is empty), no type guessing that depends on the other rows (ids and labels follow the one rule of
:mod:`sandbox.io.values`; numbers are read where a column must hold them: :func:`numbers`), and a
NUL byte anywhere is refused with its line (C parsers cut text at a NUL, which merged ``W\\x001`` and
``W\\x002`` into one worker ``W``).

A **Parquet** file can hold far more than its size: a few KB of run-length encoding may stand for a
billion rows, a compressed page for a gigabyte, and one long text stored once in a dictionary for
that text in every row. Before anything is decoded (:func:`parquet_plan`), the footer gives the rows,
and the pages' decompressed sizes of the columns asked for: their memory (:data:`PARQUET_BYTES_PER_CELL`
per cell, plus the decompressed pages) is checked against the machine's budget. Text columns are
then read as dictionaries (each distinct text once, and a code per row), and the size of every cell's
text as if each row held its own copy (what the commands' tables and outputs may hold) is checked
too, from the dictionary and the codes, before any row is turned into a Python value. Only the
columns asked for are read; a column of lists or structures is refused from the footer.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from foundation.errors import SandboxError, first_line
from sandbox.resources import check_memory

TABLE_SUFFIXES = (".csv", ".parquet", ".pq")
#: Memory of one decoded cell besides its text (a pointer or a number, pandas' own tables).
PARQUET_BYTES_PER_CELL = 64
#: Memory of one byte of a text cell once read (the text and what holds it, with room for one copy).
TEXT_BYTES_PER_BYTE = 2


def read_text(path: Path, what: str = "file") -> str:
    """A whole UTF-8 text file (a BOM is skipped); SandboxError when it is missing, empty or not UTF-8."""
    if not path.is_file():
        raise SandboxError(f"{path}: no such file")
    data = path.read_bytes()
    if not data.strip():
        raise SandboxError(f"{path}: the file is empty")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SandboxError(
            f"{path}: not UTF-8 text (byte {exc.start}: {data[exc.start : exc.start + 1]!r}); "
            f"{what}s must be UTF-8 encoded"
        ) from None


def read_csv_cells(path: Path, what: str = "file", pad_short_rows: bool = False) -> pd.DataFrame:
    """Every cell of a CSV file as the text written there (``""`` for an empty cell); SandboxError
    for a NUL character (naming its line), bytes that are not UTF-8, a header naming a column twice,
    rows of another width (``pad_short_rows``: rows with fewer cells than the header get empty
    cells, as platform exports that drop trailing empty cells need), or text that is not CSV.
    Columns come as pandas categoricals of text (pyarrow's parser; each distinct text held once):
    2 million rows read in about 1.5 s on the project's 2-core machine."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    text = read_text(path, what)
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise SandboxError(
            f"{path}: line {line} holds a NUL character; cells must be text without NUL characters "
            "(a NUL would cut the text there and merge different ids)"
        )
    try:
        header = next(csv.reader(io.StringIO(text)), [])
    except csv.Error as exc:
        raise SandboxError(f"{path}: not a readable CSV file ({first_line(exc)})") from None
    if not header:
        raise SandboxError(f"{path}: the file is empty")
    repeated = [name for position, name in enumerate(header) if name in header[:position]]
    if repeated:
        raise SandboxError(f"{path}: the header names column {repeated[0]!r} twice; name every column once")
    try:
        table = pcsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pcsv.ReadOptions(use_threads=False),  # arrow's threads crash under tracemalloc
            parse_options=pcsv.ParseOptions(newlines_in_values=True),
            convert_options=pcsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=[],
            ),
        )
    except (pa.ArrowInvalid, ValueError) as exc:
        if pad_short_rows and "Expected" in str(exc):
            return _padded_cells(path, text, header)
        raise SandboxError(f"{path}: not a readable CSV file ({first_line(exc)})") from None
    columns = {}
    for position, name in enumerate(header):
        coded = pc.dictionary_encode(table.column(position).combine_chunks())
        categories = pd.CategoricalDtype(pd.Index(coded.dictionary.to_pylist(), dtype=object))
        columns[name] = pd.Categorical.from_codes(
            coded.indices.to_numpy(zero_copy_only=False), dtype=categories
        )
    return pd.DataFrame(columns, columns=pd.Index(header))


def _padded_cells(path: Path, text: str, header: list[str]) -> pd.DataFrame:
    """The cells of a CSV whose rows may be shorter than its header, read by the csv module (short
    rows padded with empty cells); SandboxError naming the first row longer than the header."""
    width = len(header)
    rows: list[list[str]] = []
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            if number == 1:
                continue
            if len(row) > width:
                raise SandboxError(
                    f"{path}: row {number} has {len(row)} cells, more than the header's {width}"
                )
            rows.append(row + [""] * (width - len(row)))
    except csv.Error as exc:
        raise SandboxError(f"{path}: not a readable CSV file ({first_line(exc)})") from None
    columns = {name: pd.Categorical([row[i] for row in rows]) for i, name in enumerate(header)}
    return pd.DataFrame(columns, columns=pd.Index(header))


def numbers(values: pd.Series, source: str, what: str = "number") -> pd.Series:
    """A column that must hold finite numbers (CSV text or Parquet numbers) as floats; SandboxError
    naming the row of an empty cell, of text that is not a number, or of an infinite number."""
    if pd.api.types.is_bool_dtype(values.dtype):
        raise SandboxError(f"{source}: column {values.name!r} holds true/false; it must hold {what}s")
    if values.dtype == object:
        text = values.map(lambda v: v.strip() if isinstance(v, str) else v)
        parsed = pd.to_numeric(text.replace("", np.nan), errors="coerce")
        bad = parsed.isna().to_numpy() | values.map(lambda v: isinstance(v, bool)).to_numpy(dtype=bool)
    else:
        parsed = pd.to_numeric(values, errors="coerce")
        bad = parsed.isna().to_numpy()
    result = parsed.astype(float)
    bad |= ~np.isfinite(result.to_numpy())
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise SandboxError(
            f"{source}: row {row + 1}, column {values.name!r} holds {values.iloc[row]!r}; "
            f"it must hold a finite {what}"
        )
    return result


@dataclass(frozen=True)
class ParquetPlan:
    """What reading a Parquet file takes: the columns to read, those read as dictionaries (text),
    and the memory the footer promises (bytes)."""

    columns: list[str] | None
    text_columns: list[str]
    footer_bytes: float


def parquet_plan(path: Path, what: str, columns: Sequence[str] | None) -> ParquetPlan:
    """Check a Parquet file's footer before reading (module docstring): the columns asked for that it
    has, refusing nested columns and a size beyond the memory budget."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
        schema = parquet.schema_arrow
    except (OSError, ValueError, pa.ArrowException) as error:
        raise SandboxError(f"{what} file {path} cannot be read: {first_line(error)}") from None
    metadata, names = parquet.metadata, list(schema.names)
    chosen = [c for c in columns if c in names] if columns is not None else None
    if columns is not None and not chosen:
        require_columns(pd.DataFrame(columns=names), columns, str(path))
    wanted = chosen if chosen is not None else names
    for name in wanted:
        kind = schema.field(name).type
        if pa.types.is_nested(kind):
            raise SandboxError(
                f"{what} file {path}: column {name!r} holds {kind} values; cells must be text or numbers"
            )
    text = [name for name in wanted if _is_text(schema.field(name).type)]
    leaf = {parquet.schema.column(i).path: i for i in range(metadata.num_columns)}
    pages = 0.0
    for group in range(metadata.num_row_groups):
        row_group = metadata.row_group(group)
        for name in wanted:
            if name in leaf:
                pages += row_group.column(leaf[name]).total_uncompressed_size
    footer = float(metadata.num_rows) * len(wanted) * PARQUET_BYTES_PER_CELL + pages
    check_memory(footer, f"{what} file {path} ({metadata.num_rows} rows × {len(wanted)} columns)")
    return ParquetPlan(chosen, text, footer)


def _is_text(kind: Any) -> bool:
    import pyarrow as pa

    if pa.types.is_dictionary(kind):
        return _is_text(kind.value_type)
    return bool(
        pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or pa.types.is_binary(kind)
        or pa.types.is_large_binary(kind)
    )


def text_bytes(column: Any) -> int:
    """The bytes of every cell of a dictionary-encoded Arrow column (a ``ChunkedArray``), as if each
    row held its own copy, computed from the dictionary and the codes."""
    import pyarrow as pa
    import pyarrow.compute as pc

    total = 0
    for chunk in column.chunks:
        if not pa.types.is_dictionary(chunk.type):
            total += int(pc.sum(pc.binary_length(chunk)).as_py() or 0)
            continue
        lengths = pc.binary_length(chunk.dictionary)
        if len(lengths) == 0 or len(chunk) == 0:
            continue
        per_row = pc.take(lengths, chunk.indices)
        total += int(pc.sum(per_row).as_py() or 0)
    return total


def read_parquet_checked(path: Path, what: str, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Read a Parquet file under the checks of the module docstring; SandboxError when it would not
    fit in memory or cannot be read."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    plan = parquet_plan(path, what, columns)
    try:
        table = pq.read_table(path, columns=plan.columns, read_dictionary=plan.text_columns or None)
    except (OSError, ValueError, MemoryError, pa.ArrowException) as error:
        raise SandboxError(f"{what} file {path} cannot be read: {first_line(error)}") from None
    decoded = sum(text_bytes(table.column(name)) for name in plan.text_columns)
    check_memory(
        plan.footer_bytes + TEXT_BYTES_PER_BYTE * decoded,
        f"{what} file {path} ({table.num_rows} rows; {decoded / 1024**2:.0f} MiB of text once decoded)",
        "is one long text repeated in every row?",
    )
    try:
        frame = table.to_pandas()
    except (ValueError, MemoryError, pa.ArrowException) as error:
        raise SandboxError(f"{what} file {path} cannot be read: {first_line(error)}") from None
    for name in frame.columns:
        if isinstance(frame[name].dtype, pd.CategoricalDtype):  # text read as a dictionary
            frame[name] = frame[name].astype(object).where(frame[name].notna(), None)
    return frame


def read_table(path: str | Path, what: str, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Read a CSV (every cell as text: :func:`read_csv_cells`) or Parquet file (typed columns, under
    the checks of :func:`read_parquet_checked`); every failure becomes a SandboxError naming ``what``
    and the file. ``columns``: the ones needed (Parquet reads only those; others are ignored)."""
    path = Path(path)
    if path.suffix.lower() not in TABLE_SUFFIXES:
        raise SandboxError(f"{what} file {path} must be .csv or .parquet, got {path.suffix or 'no suffix'!r}")
    if not path.is_file():
        raise SandboxError(f"{what} file {path} does not exist")
    if path.suffix.lower() == ".csv":
        table = read_csv_cells(path, what)
    else:
        table = read_parquet_checked(path, what, columns)
    if table.empty:
        raise SandboxError(f"{what} file {path} has no rows")
    return table


def table_columns(path: str | Path, what: str) -> list[str]:
    """The column names of a CSV or Parquet table, read from its header or footer alone."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8-sig", errors="replace") as handle:
            first = handle.readline(1 << 16)
        try:
            header = pd.read_csv(io.StringIO(first), dtype=str, nrows=0, keep_default_na=False)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
            return []
        return [str(c) for c in header.columns]
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return list(pq.read_schema(path).names)
    except (OSError, ValueError, pa.ArrowException) as error:
        raise SandboxError(f"{what} file {path} cannot be read: {first_line(error)}") from None


def require_columns(table: pd.DataFrame, columns: Sequence[str], source: str) -> None:
    """Fail naming the first missing column and the ones found."""
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise SandboxError(
            f"{source}: missing column {missing[0]!r}; needs {', '.join(columns)}, "
            f"found {', '.join(map(str, table.columns))}"
        )
