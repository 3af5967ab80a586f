"""The results store: a directory of Parquet part files, one per finished cell.

Layout of ``DIR``::

    DIR/_sweep.toml              the resolved spec (re-runnable: crowd-sandbox sweep DIR/_sweep.toml)
    DIR/parts/<cell id>.parquet  rows of one cell: one per aggregator
    DIR/parts/_<cell id>.parquet.damaged   a part found damaged by --resume, set aside (kept, not read)

Each part is written to a hidden temporary name, synced, then renamed with ``os.replace`` (atomic),
so a killed sweep never leaves a half-written part. A table row holds ``cell, point, role``, the
grid parameters, ``seed_index, seed, aggregator``, every metric and ``error`` (null when the cell
ran). The whole store reads as one table: :func:`read_results`, ``pandas.read_parquet(DIR)``, or
DuckDB ``SELECT * FROM read_parquet('DIR/**/*.parquet')`` (:meth:`ResultsStore.harmonize`, run at
the end of every sweep, gives all parts one schema).

Every column holds one type in every part (:mod:`sandbox.sweep.columns`: a grid key's type is
planned from the spec before any cell runs; a grid mixing a preset name and an inline population
stores the name, and the table as canonical JSON text). A cell whose rows would not combine with
the parts already stored (a metric that is a number in one cell and text in another) is stored as
error rows saying so. Reading never ends in a traceback: a part that cannot be read whole, or
holds another cell's rows, is *damaged*; ``--resume`` sets it aside (renamed, see above), warns in
one line and computes its cell again, and :func:`read_results` names it in one SandboxError. A part
whose columns cannot be combined with the others' (written by another version) is one SandboxError
naming the file.

Creating the store (folders, lock, spec) turns any OSError (a full disk, no permission, a read-only
file system) into ``cannot write the sweep store DIR: <reason>``; a run that fails before storing a
part removes what it created (the lock, the spec, the folders it made), never what was there.
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
from sandbox.sweep.columns import plan_columns
from sandbox.sweep.grid import Cell
from sandbox.sweep.parts import (
    DamagedPart,
    cell_table,
    conform,
    read_part,
    uncombinable,
    unified_schema,
    unify,
    write_part,
)

#: The resolved spec. A leading underscore makes Parquet readers (pyarrow, pandas) skip it when they
#: read the whole directory as one dataset.
SPEC_FILE = "_sweep.toml"
PARTS_DIR = "parts"
#: Held (``flock``, exclusive) by the one sweep writing the directory; hidden from Parquet readers.
LOCK_FILE = ".lock"
#: A damaged part set aside by ``--resume`` becomes ``_<name>.damaged``: skipped by pyarrow and
#: pandas (leading underscore) and by ``*.parquet`` globs (DuckDB, this module).
DAMAGED_PREFIX, DAMAGED_SUFFIX = "_", ".damaged"
# Changing these between a sweep and its --resume keeps every finished cell valid.
RESUMABLE_CHANGES = ("seeds", "description")


class ResultsStore:
    """A sweep's results directory (see module docstring).

    ``grid`` (the spec's grid, when writing) plans the type of every parameter column."""

    def __init__(self, root: Path, grid: Mapping[str, list[Any]] | None = None) -> None:
        self.root = Path(root)
        self.parts = self.root / PARTS_DIR
        self.columns = plan_columns(grid or {})
        self._schema: pa.Schema | None = None  # of the parts stored so far, once known

    @property
    def spec_path(self) -> Path:
        return self.root / SPEC_FILE

    def cannot_write(self, error: OSError) -> SandboxError:
        """The one line for an OSError while writing the store: ``cannot write the sweep store DIR: why``."""
        reason = os.strerror(error.errno) if error.errno else first_line(error)
        return SandboxError(f"cannot write the sweep store {str(self.root)!r}: {reason}")

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the store's exclusive lock for the block (creating the directory); SandboxError at
        once when another sweep holds it, or when the store cannot be written. The lock goes with
        the process, however it ends. When the block raises an error before any part is stored,
        what this call and the block created (lock file, spec, folders) is removed again."""
        made = [path for path in (self.root, *self.root.parents) if not path.exists()]
        had = {path for path in (self.root / LOCK_FILE, self.spec_path, self.parts) if path.exists()}
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.root / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as error:
            self._remove_new(had | {self.root / LOCK_FILE, self.spec_path, self.parts}, made)
            raise self.cannot_write(error) from None
        held = False
        try:
            self._take_lock(fd)
            held = True
            try:
                os.ftruncate(fd, 0)
                os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
            except OSError as error:
                raise self.cannot_write(error) from None
            yield
        except Exception:
            if held and not self.part_paths():  # nothing of value stored: leave no trace
                self._remove_new(had, made)
            raise
        finally:
            os.close(fd)

    def _take_lock(self, fd: int) -> None:
        """Take the exclusive lock on the open lock file ``fd`` (SandboxError when another sweep has it)."""
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            raise SandboxError(
                f"--out {str(self.root)!r} is being written by another sweep (process {holder}); "
                "wait for it to end or choose another directory"
            ) from None
        except OSError as error:
            raise self.cannot_write(error) from None

    def _remove_new(self, had: set[Path], made: list[Path]) -> None:
        """Remove the lock file, spec and parts folder unless in ``had``, then the folders in
        ``made`` (deepest first) that are empty; never anything else."""
        for path in (self.root / LOCK_FILE, self.spec_path):
            if path not in had:
                try:
                    path.unlink(missing_ok=True)
                except OSError:
                    pass
        for folder in [*([] if self.parts in had else [self.parts]), *made]:
            try:
                folder.rmdir()
            except OSError:  # not empty, not there, or not ours to remove
                pass

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
        """Write the resolved spec beside the parts (atomically), creating the parts folder."""
        try:
            text = tomli_w.dumps(dict(spec))
        except (TypeError, ValueError) as error:
            raise SandboxError(f"the spec cannot be saved as TOML: {error}") from error
        try:
            self.parts.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise self.cannot_write(error) from None
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

    def set_aside_damaged(self) -> list[str]:
        """Rename every damaged part (see :func:`read_part`) to ``_<name>.damaged`` beside it, so that
        its cell counts as not done; learn the schema of the others (SandboxError naming a part
        whose columns cannot be combined with the rest). Return one warning line per damaged part.

        Only the process that holds the lock may call this."""
        warnings: list[str] = []
        schemas: dict[Path, pa.Schema] = {}
        for path in self.part_paths():
            try:
                schemas[path] = read_part(path).schema
            except DamagedPart as damage:
                aside = path.with_name(f"{DAMAGED_PREFIX}{path.name}{DAMAGED_SUFFIX}")
                try:
                    os.replace(path, aside)
                except OSError as error:
                    raise self.cannot_write(error) from None
                warnings.append(
                    f"part {str(path)!r} is damaged ({damage}); set aside as {aside.name!r}, "
                    "its cell is computed again"
                )
        self._schema = unified_schema(schemas, self.root) if schemas else None
        return warnings

    def write(self, cell: Cell, rows: list[dict[str, Any]]) -> str | None:
        """Write the part of one finished cell (atomically). Rows that do not make one type per
        column, or whose columns cannot be combined with the parts stored so far, are stored as
        error rows instead; return that error, or None."""
        problem: str | None = None
        try:
            table = cell_table(cell, rows, self.columns)
            schema = table.schema if self._schema is None else unify(self._schema, table.schema)
        except (pa.ArrowException, OverflowError) as error:
            problem = f"the cell's rows cannot be stored: {first_line(error)}"
            names = [row.get("aggregator") for row in rows] or [None]
            failed = [{"aggregator": name, "error": problem} for name in names]
            table = cell_table(cell, failed, self.columns)
            try:
                schema = table.schema if self._schema is None else unify(self._schema, table.schema)
            except pa.ArrowException as other:
                raise SandboxError(f"{str(self.root)!r}: {problem}; {first_line(other)}") from None
        write_part(self.parts / f"{cell.cell_id}.parquet", table)
        self._schema = schema
        return problem

    def part_paths(self) -> list[Path]:
        """The part files, ordered by cell id."""
        return sorted(self.parts.glob("*.parquet")) if self.parts.exists() else []

    def read_arrow(self) -> pa.Table:
        """All parts as one Arrow table (schemas unified), ordered by cell id; SandboxError naming a
        damaged part or one whose columns cannot be combined with the others'."""
        tables: dict[Path, pa.Table] = {}
        for path in self.part_paths():
            try:
                tables[path] = read_part(path, whole_cell=False)
            except DamagedPart as damage:
                raise SandboxError(
                    f"part {str(path)!r} is damaged ({damage}); run the sweep again with --resume "
                    "to set it aside and compute its cell again"
                ) from None
        schema = unified_schema({path: table.schema for path, table in tables.items()}, self.root)
        if not tables:
            return schema.empty_table()
        conformed = []
        for path, table in tables.items():
            try:
                conformed.append(conform(table, schema))
            except pa.ArrowException as error:
                raise uncombinable(path, self.root, error) from None
        return pa.concat_tables(conformed)

    def harmonize(self) -> int:
        """Rewrite parts whose schema differs from the unified one; return how many were.
        SandboxError naming a part that cannot be read or combined with the others."""
        schemas: dict[Path, pa.Schema] = {}
        for path in self.part_paths():
            try:
                schemas[path] = pq.read_schema(path)
            except (OSError, pa.ArrowException, ValueError) as error:
                raise SandboxError(
                    f"part {str(path)!r} is damaged (it cannot be read: {first_line(error)}); run the "
                    "sweep again with --resume to set it aside and compute its cell again"
                ) from None
        if len({schema.remove_metadata() for schema in schemas.values()}) <= 1:
            return 0
        unified = unified_schema(schemas, self.root)
        rewritten = 0
        for path, schema in schemas.items():
            if schema.remove_metadata() != unified.remove_metadata():
                try:
                    table = conform(read_part(path, whole_cell=False), unified)
                except (DamagedPart, pa.ArrowException) as error:
                    raise uncombinable(path, self.root, error) from None
                write_part(path, table)
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
