"""Answers split over many Parquet files (a directory or a glob), read batch by batch, never whole.

A partitioned answers set is a directory (every ``*.parquet`` below it; names starting with ``.``
or ``_`` are skipped) or a glob (``*?[``). Every partition has the columns ``task, worker, label``
with the same value kind per column: signed integers, or cells read by the one rule of ids and
labels (:mod:`sandbox.io.values`): text, unsigned integers (``2**63`` and above become text), floats.
A first pass builds the sorted dictionaries of distinct tasks, workers and labels
(:func:`build_dictionaries`): the distinct cells as written, each turned into its value by the rule
once, so that the answers read out of core are the answers read in memory; then
:func:`coded_batches` streams the answers as integer codes into those dictionaries, one record batch
at a time. Codes follow sorted order, as the in-memory engine's (``pd.factorize(sort=True)``), so
both number tasks, workers and labels alike.

Text is read as Parquet dictionaries (each distinct text of a row group once, and a code per row),
never as one text per row: a long text stored once in a dictionary costs its length once, not once
per row. Each row group's decompressed pages and one batch's cells are checked against the memory
budget before the row group is read.
"""

from __future__ import annotations

import glob
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from numpy.typing import NDArray

from foundation.errors import SandboxError
from sandbox.io.values import NotAName, as_column, name_value, shown
from sandbox.resources import check_memory

GLOB_CHARACTERS = "*?["
#: Rows per record batch: large enough that per-batch work over task/worker state stays small.
BATCH_ROWS = 1 << 20

IntArray = NDArray[np.intp]
#: One batch of answers as codes: ``(task, worker, label)`` arrays of equal length.
CodedBatch = tuple[IntArray, IntArray, IntArray]


#: The columns of partitioned answers (a long table of task, worker and label codes or ids).
ANSWER_COLUMNS = ("task", "worker", "label")


def is_partitioned(answers: str) -> bool:
    """Whether ``--answers`` names a partitioned set: a directory, or a pattern with ``*?[``."""
    return any(c in answers for c in GLOB_CHARACTERS) or Path(answers).is_dir()


def discover(answers: str) -> list[Path]:
    """The partition files of a directory or glob, sorted; SandboxError when nothing matches."""
    root = Path(answers)
    if root.is_dir():
        found = [p for p in root.rglob("*.parquet") if not _hidden(p.relative_to(root))]
    else:
        found = [Path(p) for p in glob.glob(answers, recursive=True)]
    files = sorted(p for p in found if p.is_file())
    if not files:
        what = "directory" if root.is_dir() else "pattern"
        raise SandboxError(f"--answers {answers!r}: the {what} matches no Parquet file")
    return files


def _hidden(relative: Path) -> bool:
    return any(part.startswith((".", "_")) for part in relative.parts)


#: Memory of one cell of a batch besides its text (as :data:`sandbox.io.files.tables.PARQUET_BYTES_PER_CELL`).
BYTES_PER_CELL = 64


def _kind(kind: pa.DataType) -> str | None:
    """The value kind of a usable column type (``integer``: signed integers, kept as they are;
    ``text``, ``unsigned``, ``floating``: cells read by the rule of ids and labels), ``empty`` for
    an all-null one (an empty partition written by pandas), else None."""
    if pa.types.is_null(kind):
        return "empty"
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    if pa.types.is_signed_integer(kind):
        return "integer"
    if pa.types.is_unsigned_integer(kind):
        return "unsigned"
    if pa.types.is_floating(kind):
        return "floating"
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return "text"
    return None


_CAST = {"unsigned": pa.uint64(), "floating": pa.float64(), "text": pa.large_string()}


def column_kinds(paths: Sequence[Path]) -> dict[str, str]:
    """The value kind (``integer``/``text``) of each answers column, the same in every partition;
    SandboxError naming the partition that lacks a column or differs."""
    first: tuple[Path, dict[str, str]] | None = None
    for path in paths:
        try:
            schema = pq.read_schema(path)
        except (pa.ArrowException, OSError) as error:
            raise SandboxError(f"{path}: cannot be read as Parquet ({error})") from None
        missing = [c for c in ANSWER_COLUMNS if c not in schema.names]
        if missing:
            raise SandboxError(
                f"{path}: missing column(s) {', '.join(missing)}; every partition needs task, worker, label"
            )
        kinds: dict[str, str] = {}
        for column in ANSWER_COLUMNS:
            kind = _kind(schema.field(column).type)
            if kind is None:
                raise SandboxError(
                    f"{path}: column {column!r} is {schema.field(column).type}; "
                    "out-of-core answers need number or text columns"
                )
            kinds[column] = kind
        if first is None:
            first = (path, kinds)
            continue
        reference = first[1]
        differ = [
            c for c in ANSWER_COLUMNS if "empty" not in (kinds[c], reference[c]) and kinds[c] != reference[c]
        ]
        if differ:
            raise SandboxError(
                f"{path}: schema differs from {first[0].name}'s: column {differ[0]!r} is "
                f"{kinds[differ[0]]} there and {reference[differ[0]]} in {first[0].name}; "
                "every partition needs the same schema"
            )
        for column in ANSWER_COLUMNS:  # an empty partition's null columns say nothing
            if reference[column] == "empty":
                reference[column] = kinds[column]
    assert first is not None, "discover() returns at least one file"
    return {c: "text" if k == "empty" else k for c, k in first[1].items()}


def _normalised(values: pa.Array, kind: str, column: str, path: Path) -> pa.Array:
    """A column of one batch as int64 (kind ``integer``) or as the cells written, dictionary-encoded
    (the distinct cells in use, as large text, uint64 or float64, and an index per row); SandboxError
    for empty cells."""
    if values.null_count:
        raise SandboxError(
            f"{path}: column {column!r} has {values.null_count} empty cell(s); "
            "every answer needs a task, a worker and a label"
        )
    if kind == "integer":
        return pc.cast(values, pa.int64())
    if not pa.types.is_dictionary(values.type):
        values = pc.dictionary_encode(values)
    indices = np.asarray(values.indices.to_numpy(zero_copy_only=False), dtype=np.intp)
    used = np.unique(indices)
    remap = np.zeros(len(values.dictionary), dtype=np.int32)
    remap[used] = np.arange(len(used), dtype=np.int32)
    dictionary = pc.cast(values.dictionary.take(pa.array(used)), _CAST[kind])
    return pa.DictionaryArray.from_arrays(pa.array(remap[indices]), dictionary)


def _check_row_group(parquet: pq.ParquetFile, group: int, batch_rows: int, path: Path) -> None:
    """Refuse a row group whose decompressed pages and one batch would not fit in memory."""
    metadata = parquet.metadata.row_group(group)
    names = {parquet.schema.column(i).path: i for i in range(parquet.metadata.num_columns)}
    pages = sum(metadata.column(names[c]).total_uncompressed_size for c in ANSWER_COLUMNS if c in names)
    rows = min(metadata.num_rows, batch_rows)
    check_memory(
        pages + rows * len(ANSWER_COLUMNS) * BYTES_PER_CELL,
        f"{path}: row group {group} ({metadata.num_rows} rows)",
        "write the partitions with smaller row groups",
    )


def _batches(path: Path, kinds: dict[str, str], batch_rows: int) -> Iterator[dict[str, pa.Array]]:
    """The answers columns of one partition, batch by batch, normalised (text read as Parquet
    dictionaries: see the module docstring)."""
    try:
        texts = [c for c in ANSWER_COLUMNS if kinds[c] == "text"]
        parquet = pq.ParquetFile(str(path), read_dictionary=texts)
        for group in range(parquet.metadata.num_row_groups):
            _check_row_group(parquet, group, batch_rows, path)
            batches = parquet.iter_batches(
                batch_size=batch_rows, row_groups=[group], columns=list(ANSWER_COLUMNS)
            )
            for batch in batches:
                if batch.num_rows:
                    yield {c: _normalised(batch.column(c), kinds[c], c, path) for c in ANSWER_COLUMNS}
    except (pa.ArrowInvalid, OSError) as error:
        raise SandboxError(f"{path}: cannot be read as Parquet ({error})") from None


@dataclass(frozen=True)
class Dictionaries:
    """Sorted distinct tasks, workers and labels of a partitioned set, and its size.

    For a column of signed integers, ``tasks[c]`` is the task with code ``c`` (likewise workers,
    labels). For the other kinds, ``tasks`` holds the distinct cells as written (sorted), ``values``
    the tasks by the rule of ids and labels in code order, and ``cell_codes`` each cell's code (two
    cells may be one task: ``café`` written composed and decomposed). ``kinds``: each column's value
    kind; ``n_answers``: number of answers over all partitions.
    """

    tasks: pa.Array
    workers: pa.Array
    labels: pa.Array
    kinds: dict[str, str]
    n_answers: int
    values: dict[str, pd.Index] = field(default_factory=dict)
    cell_codes: dict[str, IntArray] = field(default_factory=dict)

    def names(self, column: str) -> pd.Index:
        """The distinct values of ``column`` (``task``, ``worker``, ``label``) in code order."""
        if column in self.values:
            return self.values[column]
        cells: pa.Array = getattr(self, f"{column}s")
        return pd.Index(cells.to_numpy(zero_copy_only=False), name=column)

    def code(self, column: str, values: pa.Array) -> IntArray:
        """Codes of ``values`` (a normalised column of a batch) in this column's dictionary: for
        integers a lookup table spanning at most 4× as many values as there are, else a binary
        search; for the other kinds a hash lookup of the batch's distinct cells."""
        if self.kinds[column] != "integer":
            found = pc.index_in(values.dictionary, value_set=getattr(self, f"{column}s"))
            per_cell = self.cell_codes[column][
                np.asarray(found.to_numpy(zero_copy_only=False), dtype=np.intp)
            ]
            indices = np.asarray(values.indices.to_numpy(zero_copy_only=False), dtype=np.intp)
            codes: IntArray = per_cell[indices]
            return codes
        numbers = np.asarray(values.to_numpy(zero_copy_only=False), dtype=np.int64)
        low, table, sorted_values = self._integer_lookup(column)
        if table is not None:
            return table[numbers - low]
        return np.searchsorted(sorted_values, numbers).astype(np.intp, copy=False)

    def _integer_lookup(self, column: str) -> tuple[int, IntArray | None, NDArray[np.int64]]:
        """(smallest value, value − smallest → code table or None, sorted values), made once."""
        cache: dict[str, tuple[int, IntArray | None, NDArray[np.int64]]] = self.__dict__.setdefault(
            "_lookups", {}
        )
        if column not in cache:
            dictionary: pa.Array = getattr(self, f"{column}s")
            sorted_values = np.asarray(dictionary.to_numpy(zero_copy_only=False), dtype=np.int64)
            low, span = int(sorted_values[0]), int(sorted_values[-1]) - int(sorted_values[0]) + 1
            table = None
            if span <= 4 * len(sorted_values):
                table = np.zeros(span, dtype=np.intp)
                table[sorted_values - low] = np.arange(len(sorted_values), dtype=np.intp)
            cache[column] = (low, table, sorted_values)
        return cache[column]


class _Distinct:
    """Distinct values of one column, merged batch by batch (memory: the distinct values)."""

    def __init__(self) -> None:
        self.merged: pa.Array | None = None
        self.pending: list[pa.Array] = []
        self.pending_rows = 0

    def add(self, values: pa.Array) -> None:
        unique = values.dictionary if pa.types.is_dictionary(values.type) else pc.unique(values)
        self.pending.append(unique)
        self.pending_rows += len(unique)
        if self.pending_rows > 2 * (0 if self.merged is None else len(self.merged)) + BATCH_ROWS:
            self._merge()

    def _merge(self) -> None:
        parts = ([] if self.merged is None else [self.merged]) + self.pending
        self.merged = pc.unique(pa.concat_arrays(parts))
        self.pending, self.pending_rows = [], 0

    def sorted(self) -> pa.Array:
        self._merge()
        assert self.merged is not None
        return self.merged.take(pc.array_sort_indices(self.merged))


def _by_the_rule(cells: pa.Array, column: str, where: Path) -> tuple[pd.Index, IntArray]:
    """The distinct ``cells`` of a column as values by the rule of ids and labels: the distinct
    values in sorted order (the in-memory engine's codes) and each cell's code."""
    converted: list[int | str] = []
    for cell in cells.to_pylist():
        try:
            value = name_value(cell)
        except NotAName as why:
            raise SandboxError(
                f"{where}: column {column!r} holds {shown(cell)}, which is not an id or a label ({why})"
            ) from None
        if value is None:
            raise SandboxError(f"{where}: column {column!r} has an empty cell ({shown(cell)})")
        converted.append(value)
    column_values = as_column(converted, pd.RangeIndex(len(converted)), column)
    codes, distinct = pd.factorize(column_values, sort=True)
    return pd.Index(distinct, name=column), np.asarray(codes, dtype=np.intp)


def build_dictionaries(paths: Sequence[Path], batch_rows: int = BATCH_ROWS) -> Dictionaries:
    """First pass over the partitions: the sorted distinct tasks, workers and labels."""
    kinds = column_kinds(paths)
    distinct = {c: _Distinct() for c in ANSWER_COLUMNS}
    n_answers = 0
    for path in paths:
        for columns in _batches(path, kinds, batch_rows):
            n_answers += len(columns["task"])
            for column, batch in columns.items():
                distinct[column].add(batch)
    if n_answers == 0:
        raise SandboxError(f"{paths[0].parent}: the partitions hold no answers")
    cells = {c: distinct[c].sorted() for c in ANSWER_COLUMNS}
    values: dict[str, pd.Index] = {}
    cell_codes: dict[str, IntArray] = {}
    for column in ANSWER_COLUMNS:
        if kinds[column] != "integer":
            values[column], cell_codes[column] = _by_the_rule(cells[column], column, paths[0].parent)
    return Dictionaries(cells["task"], cells["worker"], cells["label"], kinds, n_answers, values, cell_codes)


def partition_batches(
    path: Path, dictionaries: Dictionaries, batch_rows: int = BATCH_ROWS
) -> Iterator[CodedBatch]:
    """The answers of one partition as coded batches."""
    for columns in _batches(path, dictionaries.kinds, batch_rows):
        yield (
            dictionaries.code("task", columns["task"]),
            dictionaries.code("worker", columns["worker"]),
            dictionaries.code("label", columns["label"]),
        )


def coded_batches(
    paths: Sequence[Path], dictionaries: Dictionaries, batch_rows: int = BATCH_ROWS
) -> Iterator[CodedBatch]:
    """The answers of every partition, in order, as coded batches (one pass)."""
    for path in paths:
        yield from partition_batches(path, dictionaries, batch_rows)
