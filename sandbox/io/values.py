"""One value type per column: how ids and labels read from files become comparable values.

A column whose values are all integers (``3`` or ``3.0``) becomes int64; any other column becomes
text (``3`` and ``"x"`` become ``"3"`` and ``"x"``). :func:`in_type_of` writes values in another
column's type, so that an id written as text in one file and as a number in another is one value.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from foundation.errors import SandboxError

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


def check_cells(values: pd.Series, kind: str, source: str) -> None:
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
    check_cells(values, kind, source)
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


def in_type_of(values: pd.Series, reference: pd.Series) -> pd.Series:
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
