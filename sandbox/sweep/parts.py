"""One part file of a sweep store: the table of a finished cell, read whole, combined with others.

A part's columns are ``cell, point, role``, the grid parameters (typed by the plan of
:mod:`sandbox.sweep.columns`), ``seed_index, seed, aggregator``, the metrics and ``error``. Parts
combine into one table when every column's types can be unified (an integer column widens to
floats, a null one takes any type); :func:`unified_schema` names the first part that cannot.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from foundation.errors import SandboxError, first_line
from sandbox.io.files.atomic import write_atomically
from sandbox.sweep.columns import metric_value, plan_columns, stored_value
from sandbox.sweep.grid import Cell

KEY_COLUMNS = ("cell", "point", "role", "seed_index", "seed", "aggregator")
RESERVED_COLUMNS = (*KEY_COLUMNS, "error")
#: The types of the key columns and ``error``, the same in every part.
FIXED_TYPES = {"cell": pa.string(), "point": pa.string(), "role": pa.string()}
FIXED_TYPES |= {"seed_index": pa.int64(), "seed": pa.int64(), "aggregator": pa.string()}
FIXED_TYPES["error"] = pa.string()


class DamagedPart(Exception):
    """A part file that cannot be read whole or does not hold its cell's rows (the message: why)."""


def write_part(path: Path, table: pa.Table) -> None:
    """Write ``table`` as the Parquet file ``path``, atomically (a temporary file renamed over it)."""
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    write_atomically(path, sink.getvalue().to_pybytes())


def cell_table(
    cell: Cell, rows: list[dict[str, Any]], columns: Mapping[str, pa.DataType] | None = None
) -> pa.Table:
    """Build the Arrow table of one finished cell: its key columns, parameters (typed by
    ``columns``, the plan of :func:`sandbox.sweep.columns.plan_columns`; a key it lacks is planned
    from this cell's value alone) and metric rows. Arrow errors when the rows' values do not make
    one type per column."""
    own = plan_columns({name: [value] for name, value in cell.params.items() if value is not None})
    plan = {name: own.get(name, pa.null()) for name in cell.params} | dict(columns or {})
    params = {name: stored_value(value, plan[name]) for name, value in cell.params.items()}
    keys: dict[str, Any] = {
        "cell": cell.cell_id,
        "point": cell.point_id,
        "role": cell.role,
        **params,
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
        values = {name: metric_value(value) for name, value in row.items()}
        records.append({**keys, "aggregator": values.get("aggregator"), **values})
    names: dict[str, None] = {}
    for record in records:
        names.update(dict.fromkeys(record))
    names.pop("error", None)
    arrays = {name: [record.get(name) for record in records] for name in [*names, "error"]}
    table = pa.table(arrays)
    for name, kind in (FIXED_TYPES | {name: plan[name] for name in params}).items():
        index = table.schema.get_field_index(name)
        table = table.set_column(index, name, table.column(name).cast(kind))
    return table


def uncombinable(path: Path, root: Path, error: Exception) -> SandboxError:
    """The one line for a part whose columns cannot be combined with the other parts'."""
    return SandboxError(
        f"part {str(path)!r} cannot be combined with the other parts of {str(root)!r} "
        f"({first_line(error)}); it was written by another version or cell: move it out of "
        "the parts folder and run the sweep with --resume to compute its cell again"
    )


def unified_schema(schemas: Mapping[Path, pa.Schema], root: Path) -> pa.Schema:
    """One schema for all parts (``error`` last); SandboxError naming the first part whose columns
    cannot be combined with those before it."""
    merged: pa.Schema | None = None
    for path, schema in schemas.items():
        try:
            merged = schema if merged is None else unify(merged, schema)
        except pa.ArrowException as error:
            raise uncombinable(path, root, error) from None
    if merged is None:
        return pa.schema([(name, FIXED_TYPES[name]) for name in RESERVED_COLUMNS])
    return merged


def unify(first: pa.Schema, second: pa.Schema) -> pa.Schema:
    """The schema both tables fit (integers widen to floats, nulls to any type), ``error`` last;
    ``pa.ArrowException`` when a column's types cannot be combined."""
    merged = pa.unify_schemas([first, second], promote_options="permissive")
    names = [name for name in merged.names if name != "error"] + ["error"]
    return pa.schema([merged.field(name) for name in names if name in merged.names])


def conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """``table`` with the columns of ``schema`` (missing ones null), cast to its types."""
    columns = [
        table.column(field.name).cast(field.type)
        if field.name in table.column_names
        else pa.nulls(table.num_rows, field.type)
        for field in schema
    ]
    return pa.Table.from_arrays(columns, schema=schema)


def read_part(path: Path, *, whole_cell: bool = True) -> pa.Table:
    """Read one part whole; :class:`DamagedPart` when it cannot be read (truncated, corrupted) or,
    with ``whole_cell``, does not hold the key columns and the rows of the cell its name says."""
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException, ValueError, IndexError) as error:
        raise DamagedPart(f"it cannot be read: {first_line(error)}") from None
    if not whole_cell:
        return table
    missing = [name for name in RESERVED_COLUMNS if name not in table.column_names]
    if missing:
        raise DamagedPart(f"it lacks the column {missing[0]!r}")
    if table.num_rows == 0 or set(table.column("cell").to_pylist()) != {path.stem}:
        raise DamagedPart(f"it does not hold the rows of cell {path.stem!r}")
    return table
