"""The one type of every results column, whatever the values of one cell: planned from the grid.

Parquet parts must combine into one table, so a column holds one type in every part. The rule:

- a grid key whose values are all booleans, all integers (within 64 bits), all floats, or all
  strings is stored in that type (a grid mixing integers and floats already holds floats);
- any other grid key (a table such as an inline population, a list, a date, an integer beyond 64
  bits, or values of different types such as a preset name and an inline population) is stored as
  text: a string as itself (a preset's name), any other value as its canonical JSON text (keys
  sorted, no spaces: ``{"archetypes":{"honest":{"share":1.0}},"pool_size":30}``). Two values may
  read alike there (the string ``"3"`` and the integer ``3``); the ``point`` column always tells
  grid points apart.

Reference cells hold nulls in the grid columns. The plan is made from the spec before any cell
runs (:func:`plan_columns`), so a cell's part never depends on which other cells exist. A metric
a cell returns is stored as it comes when it is a boolean, a 64-bit integer, a float, a string or
null (numpy's scalars as Python's), and as its canonical JSON text otherwise (:func:`metric_value`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pyarrow as pa

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def canonical_text(value: Any) -> str:
    """The canonical JSON text of ``value`` (keys sorted, no spaces; dates and other values JSON
    lacks written as their ``str``)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=True, default=str)


def scalar_type(value: Any) -> pa.DataType | None:
    """The Arrow type a single value is stored in, or None when it is stored as text (or is null)."""
    if isinstance(value, bool):
        return pa.bool_()
    if isinstance(value, int):
        return pa.int64() if INT64_MIN <= value <= INT64_MAX else None
    if isinstance(value, float):
        return pa.float64()
    if isinstance(value, str):
        return pa.string()
    return None


def plan_columns(grid: Mapping[str, Sequence[Any]]) -> dict[str, pa.DataType]:
    """The Arrow type of every grid key's column (module docstring): one scalar type shared by all
    its values, else ``string`` (text)."""
    plan: dict[str, pa.DataType] = {}
    for key, values in grid.items():
        types = {scalar_type(value) for value in values}
        shared = types.pop() if len(types) == 1 else None
        plan[key] = shared if shared is not None else pa.string()
    return plan


def stored_value(value: Any, kind: pa.DataType) -> Any:
    """``value`` as its column of Arrow type ``kind`` stores it: as is, or as text in a text column."""
    if value is None or isinstance(value, str) or not pa.types.is_string(kind):
        return value
    return canonical_text(value)


def metric_value(value: Any) -> Any:
    """A metric as stored: a scalar (or null; numpy's as Python's) as is, anything else as its
    canonical JSON text."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or scalar_type(value) is not None:
        return value
    return canonical_text(value)
