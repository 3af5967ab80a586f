"""The results store: a directory of Parquet part files, one per finished cell.

Layout of ``DIR``::

    DIR/_sweep.toml              the resolved spec (re-runnable: crowd-sandbox sweep DIR/_sweep.toml)
    DIR/parts/<cell id>.parquet  rows of one cell: one per aggregator

Each part is written to a hidden temporary name, synced, then renamed with ``os.replace`` (atomic),
so a killed sweep never leaves a half-written part. A table row holds ``cell, point, role``, the
grid parameters, ``seed_index, seed, aggregator``, every metric and ``error`` (null when the cell
ran). The whole store reads as one table: :func:`read_results`, ``pandas.read_parquet(DIR)``, or
DuckDB ``SELECT * FROM read_parquet('DIR/**/*.parquet')`` (:meth:`ResultsStore.harmonize`, run at
the end of every sweep, gives all parts one schema).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import tomli_w

from foundation import toml_text
from foundation.errors import SandboxError, first_line
from sandbox.io.files.atomic import write_atomically
from sandbox.sweep.grid import Cell

#: The resolved spec. A leading underscore makes Parquet readers (pyarrow, pandas) skip it when they
#: read the whole directory as one dataset.
SPEC_FILE = "_sweep.toml"
PARTS_DIR = "parts"
#: Held (``flock``, exclusive) by the one sweep writing the directory; hidden from Parquet readers.
LOCK_FILE = ".lock"
KEY_COLUMNS = ("cell", "point", "role", "seed_index", "seed", "aggregator")
RESERVED_COLUMNS = (*KEY_COLUMNS, "error")
# Changing these between a sweep and its --resume keeps every finished cell valid.
RESUMABLE_CHANGES = ("seeds", "description")


def _atomic_write_table(path: Path, table: pa.Table) -> None:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    write_atomically(path, sink.getvalue().to_pybytes())


def cell_table(cell: Cell, rows: list[dict[str, Any]]) -> pa.Table:
    """Build the Arrow table of one finished cell (its key columns, parameters, metric rows)."""
    keys: dict[str, Any] = {
        "cell": cell.cell_id,
        "point": cell.point_id,
        "role": cell.role,
        **cell.params,
        "seed_index": cell.seed_index,
        "seed": cell.seed,
    }
    records: list[dict[str, Any]] = []
    for row in rows:
        clash = sorted((set(row) - {"aggregator", "error"}) & set(keys))
        if clash:
            row = {
                "aggregator": row.get("aggregator"),
                "error": f"cell row uses reserved column {clash[0]!r}",
            }
        records.append({**keys, "aggregator": row.get("aggregator"), **row})
    columns: dict[str, None] = {}
    for record in records:
        columns.update(dict.fromkeys(record))
    columns.pop("error", None)
    names = [*columns, "error"]
    arrays = {name: [record.get(name) for record in records] for name in names}
    table = pa.table(arrays)
    fixed = {"cell": pa.string(), "point": pa.string(), "role": pa.string()}
    fixed |= {"seed_index": pa.int64(), "seed": pa.int64(), "aggregator": pa.string()}
    fixed["error"] = pa.string()
    for name, kind in fixed.items():
        index = table.schema.get_field_index(name)
        table = table.set_column(index, name, table.column(name).cast(kind))
    return table


class ResultsStore:
    """A sweep's results directory (see module docstring)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.parts = self.root / PARTS_DIR

    @property
    def spec_path(self) -> Path:
        return self.root / SPEC_FILE

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the store's exclusive lock (creating the directory); SandboxError at once when
        another sweep holds it. The lock goes with the process, however it ends."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.root / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as error:
            raise SandboxError(f"--out {str(self.root)!r} cannot be written: {first_line(error)}") from None
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
                raise SandboxError(
                    f"--out {str(self.root)!r} is being written by another sweep (process {holder}); "
                    "wait for it to end or choose another directory"
                ) from None
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
            yield
        finally:
            os.close(fd)

    def saved_spec(self) -> dict[str, Any] | None:
        """Return the spec saved by an earlier run, or None."""
        if self.root.exists() and not self.root.is_dir():
            raise SandboxError(f"{str(self.root)!r} is a file, not a sweep results directory")
        if not self.spec_path.exists():
            return None
        try:
            text = self.spec_path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise SandboxError(f"{str(self.spec_path)!r} cannot be read: {first_line(error)}") from None
        return toml_text.loads(text, repr(str(self.spec_path)))

    def check_folder(self) -> None:
        """Refuse a folder that holds other files than a sweep's (checked before the lock file is
        made in it): a sweep writes into a new or empty folder, or into its own results."""
        if not self.root.is_dir() or self.spec_path.exists():
            return
        others = sorted(
            entry.name for entry in self.root.iterdir() if entry.name not in (LOCK_FILE, PARTS_DIR)
        )
        if others:  # e.g. an empty --out, which means the current directory
            raise SandboxError(
                f"--out {str(self.root)!r} is a folder holding other files ({others[0]!r}, ...); "
                "a sweep writes into a new or empty folder, or its own results folder with --resume"
            )

    def check(self, spec: Mapping[str, Any], *, resume: bool) -> None:
        """Refuse to mix sweeps: an existing store needs ``resume`` and the same spec."""
        saved = self.saved_spec()
        if saved is None:
            if self.parts.exists() and any(self.parts.glob("*.parquet")):
                raise SandboxError(f"--out {str(self.root)!r} holds parts but no {SPEC_FILE}")
            return
        if not resume:
            raise SandboxError(
                f"--out {str(self.root)!r} already holds a sweep; pass --resume to finish it "
                "or choose another directory"
            )
        fresh = toml_text.loads(tomli_w.dumps(dict(spec)), "the spec")  # compare TOML-normalized values
        changed = sorted(
            key
            for key in set(saved) | set(fresh)
            if key not in RESUMABLE_CHANGES and saved.get(key) != fresh.get(key)
        )
        if changed:
            raise SandboxError(
                f"--resume: the spec differs from {str(self.spec_path)!r} in {changed[0]!r}; "
                f"only {', '.join(RESUMABLE_CHANGES)} may change"
            )

    def save_spec(self, spec: Mapping[str, Any]) -> None:
        """Write the resolved spec beside the parts (atomically)."""
        self.parts.mkdir(parents=True, exist_ok=True)
        try:
            text = tomli_w.dumps(dict(spec))
        except (TypeError, ValueError) as error:
            raise SandboxError(f"the spec cannot be saved as TOML: {error}") from error
        write_atomically(self.spec_path, text)

    def done(self) -> set[str]:
        """Ids of the cells that have a part."""
        if not self.parts.exists():
            return set()
        return {path.stem for path in self.parts.glob("*.parquet")}

    def remove_temporaries(self) -> int:
        """Delete the temporary files of writes a killed sweep left behind; return how many.

        Only the process that runs the sweep may call this (one sweep per directory at a time).
        """
        stale = list(self.parts.glob(".*.tmp")) if self.parts.exists() else []
        for path in stale:
            path.unlink(missing_ok=True)
        return len(stale)

    def write(self, cell: Cell, rows: list[dict[str, Any]]) -> None:
        """Write the part of one finished cell (atomically)."""
        _atomic_write_table(self.parts / f"{cell.cell_id}.parquet", cell_table(cell, rows))

    def part_paths(self) -> list[Path]:
        return sorted(self.parts.glob("*.parquet")) if self.parts.exists() else []

    def read_arrow(self) -> pa.Table:
        """All parts as one Arrow table (schemas unified), ordered by cell id."""
        try:
            tables = [pq.read_table(path) for path in self.part_paths()]
        except (OSError, pa.ArrowException) as error:
            raise SandboxError(f"{str(self.root)!r}: a part cannot be read ({first_line(error)})") from None
        if not tables:
            return pa.table({name: pa.array([], pa.string()) for name in RESERVED_COLUMNS})
        return pa.concat_tables(tables, promote_options="permissive")

    def harmonize(self) -> int:
        """Rewrite parts whose schema differs from the unified one; return how many were."""
        paths = self.part_paths()
        schemas = [pq.read_schema(path) for path in paths]
        if len({schema.remove_metadata() for schema in schemas}) <= 1:
            return 0
        merged = pa.unify_schemas(schemas, promote_options="permissive")
        names = [name for name in merged.names if name != "error"] + ["error"]
        unified = pa.schema([merged.field(name) for name in names])
        rewritten = 0
        for path, schema in zip(paths, schemas, strict=True):
            if schema.remove_metadata() != unified.remove_metadata():
                table = pq.read_table(path)
                columns = [
                    table.column(field.name).cast(field.type)
                    if field.name in table.column_names
                    else pa.nulls(table.num_rows, field.type)
                    for field in unified
                ]
                _atomic_write_table(path, pa.Table.from_arrays(columns, schema=unified))
                rewritten += 1
        return rewritten


def read_results(root: Path | str) -> pd.DataFrame:
    """Read a sweep's results directory as one DataFrame (a row per cell and aggregator)."""
    store = ResultsStore(Path(root))
    if store.saved_spec() is None:
        raise SandboxError(f"{str(root)!r} is not a sweep results directory (no {SPEC_FILE})")
    # Nullable integers keep grid ints as ints where reference rows hold no value.
    frame: pd.DataFrame = store.read_arrow().to_pandas(types_mapper=_NULLABLE.get)
    return frame


_NULLABLE = {pa.int64(): pd.Int64Dtype(), pa.int32(): pd.Int64Dtype()}
