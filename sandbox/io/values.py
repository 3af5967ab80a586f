"""The one rule for ids and labels: how a cell read from any file becomes a value, the same in every
reader of every kind, and independent of the other rows.

A cell is an id (a task, a worker, an item) or a label. Read from any format:

- **text** is taken as written, after Unicode NFC normalisation (a composed and a decomposed "café"
  are one value) and without the whitespace around it; text holding a NUL character is refused;
- text that is a plain decimal integer — ASCII digits, an optional ``-``, no leading zero, within
  64 bits (``-9223372036854775808`` … ``9223372036854775807``) — is that **integer**, so ``12`` in a
  CSV file and ``12`` in a JSON file are one id. Everything else stays text: ``012``, ``1.0``,
  `` +1``, ``1e3``, other scripts' digits (``١٢``, ``１２``, ``²``) and integers beyond 64 bits are
  ids of their own, never merged with an integer;
- a **number** (JSON, Parquet) is its integer when it is integral and fits 64 bits; an integer
  beyond 64 bits (a Python int, a ``uint64``) is its exact decimal text; any other finite number is
  its shortest decimal text (``0.5``); NaN is an empty cell; infinity, true/false, lists and objects
  are not ids or labels;
- an **empty** cell (nothing, or only whitespace; JSON ``null``; a Parquet null) is missing, never
  a value: ``None``, ``NA``, ``null``, ``nan`` and ``N/A`` written as text are text like any other.

A column is then int64 when every value is an integer, else text with the integers in their decimal
form: whether two cells are one value never depends on the other rows. :func:`in_type_of` writes
values (gold) in another column's type, so that an id written as text in one file and as a number in
another is one value.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from foundation.errors import SandboxError

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
#: A plain decimal integer (ASCII digits only: ``re`` matches ``[0-9]`` in ASCII).
INTEGER_TEXT = re.compile(r"-?(?:0|[1-9][0-9]*)")
_SCALARS = (str, int, float, np.integer, np.floating, Decimal, pd.Timestamp, np.datetime64)


class NotAName(ValueError):
    """A cell that is not an id or a label; the message says why (``true/false``, ``infinite``, …)."""


def _integer(number: int) -> int | str:
    """An integer as the rule keeps it: itself within 64 bits, else its exact decimal text."""
    return number if INT64_MIN <= number <= INT64_MAX else str(number)


def _text(text: str) -> int | str | None:
    if "\x00" in text:
        raise NotAName("it holds a NUL character")
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = text.strip()
    if not text:
        return None
    if len(text) <= 20 and INTEGER_TEXT.fullmatch(text):
        return _integer(int(text))
    return text


def shown(value: Any) -> str:
    """``repr(value)``, cut to 60 characters (a hostile cell may be megabytes long)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


def name_value(value: Any) -> int | str | None:
    """One cell under the rule of the module docstring: an int, text, or ``None`` for an empty cell;
    :class:`NotAName` for a cell that is neither (saying what it is)."""
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, bool | np.bool_):
        raise NotAName("true/false")
    if isinstance(value, int | np.integer):
        return _integer(int(value))
    if isinstance(value, float | np.floating):
        number = float(value)
        if math.isnan(number):
            return None
        if math.isinf(number):
            raise NotAName("infinite")
        return _integer(int(number)) if number.is_integer() else repr(number)
    if isinstance(value, Decimal):
        if value.is_nan():
            return None
        if not value.is_finite():
            raise NotAName("infinite")
        return _integer(int(value)) if value == value.to_integral_value() else str(value.normalize())
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, _SCALARS):  # dates and times: their text
        return _text(str(value))
    raise NotAName("a list or an object, not text or a number")


def _fail(values: pd.Series, row: int, source: str, reason: str) -> SandboxError:
    column = f", column {values.name!r}" if values.name is not None else ""
    return SandboxError(f"{source}: row {row + 1}{column}: {reason}")


def _empty(values: pd.Series, row: int, source: str) -> SandboxError:
    return _fail(values, row, source, "the cell is empty")


def _coded(values: pd.Series, source: str) -> tuple[np.ndarray[Any, np.dtype[np.intp]], list[int | str]]:
    """Each cell's position among the distinct cells (``codes``) and each distinct cell under the
    rule (``names``: two cells may give one name, e.g. NFC and NFD text); SandboxError naming
    ``source``, the row and the column for a cell that is empty or not an id or a label. The rule
    runs once per distinct cell."""
    uniques: Any
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = np.asarray(values.cat.codes.to_numpy(), dtype=np.intp)
        uniques = values.cat.categories
        if len(uniques) and pd.api.types.infer_dtype(uniques, skipna=False) != "string":
            uniques, codes = _typed_uniques(values.astype(object))
    else:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        if len(uniques) and pd.api.types.infer_dtype(uniques, skipna=False) not in ("string", "integer"):
            uniques, codes = _typed_uniques(values)  # 1, 1.0 and True hash alike: keep them apart
    if (codes < 0).any():
        raise _empty(values, int(np.flatnonzero(codes < 0)[0]), source)
    converted: list[int | str | None] = []
    for position, value in enumerate(uniques):
        try:
            converted.append(name_value(value))
        except NotAName as why:
            row = int(np.flatnonzero(codes == position)[0])
            raise _fail(values, row, source, f"{shown(value)} is not an id or a label ({why})") from None
    missing = [i for i, value in enumerate(converted) if value is None]
    if missing:
        raise _empty(values, int(np.flatnonzero(np.isin(codes, missing))[0]), source)
    return np.asarray(codes, dtype=np.intp), converted  # type: ignore[return-value]


def names_of(values: pd.Series, source: str) -> list[int | str]:
    """Every cell of ``values`` under the rule (module docstring), in order; SandboxError naming
    ``source``, the row and the column for a cell that is empty or not an id or a label."""
    codes, names = _coded(values, source)
    table = np.empty(len(names), dtype=object)
    table[:] = names
    result: list[int | str] = table[codes].tolist()
    return result


def _column(
    codes: np.ndarray[Any, np.dtype[np.intp]], names: list[int | str], values: pd.Series, as_text: bool
) -> pd.Series:
    """The cells (``codes`` into their ``names``) as int64 when every name is an integer (and not
    ``as_text``), else as text."""
    if not as_text and all(type(v) is int for v in names):
        column: np.ndarray[Any, Any] = np.asarray(names, dtype=np.int64)[codes]
    else:
        table = np.empty(len(names), dtype=object)
        table[:] = [str(v) if type(v) is int else v for v in names]
        column = table[codes]
    return pd.Series(column, index=values.index, name=values.name)


def _typed_uniques(values: pd.Series) -> tuple[list[Any], np.ndarray[Any, np.dtype[np.intp]]]:
    """Distinct cells told apart by type as well as value (``1``, ``1.0``, ``True`` and ``"1"``),
    and each cell's position among them (-1 for a missing cell)."""
    seen: dict[tuple[type, Any], int] = {}
    uniques: list[Any] = []
    codes = np.empty(len(values), dtype=np.intp)
    for row, value in enumerate(values.to_numpy(dtype=object)):
        if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
            codes[row] = -1
            continue
        try:
            key: tuple[type, Any] = (type(value), value)
            hash(key)
        except TypeError:  # a list or an object: distinct by identity (it is refused anyway)
            key = (type(value), id(value))
        position = seen.setdefault(key, len(uniques))
        if position == len(uniques):
            uniques.append(value)
        codes[row] = position
    return uniques, codes


def as_column(names: list[int | str], index: pd.Index, name: Any) -> pd.Series:
    """Values under the rule as one column: int64 when all are integers, else text."""
    if all(type(v) is int for v in names):
        return pd.Series(np.asarray(names, dtype=np.int64), index=index, name=name)
    column = np.empty(len(names), dtype=object)
    column[:] = [str(v) if type(v) is int else v for v in names]
    return pd.Series(column, index=index, name=name)


def one_type(values: pd.Series, source: str = "answers") -> pd.Series:
    """``values`` under the rule, as one column (int64 when all are integers, else text); SandboxError
    naming ``source``, the row and the column for an empty cell or one that is not an id or a label."""
    if values.dtype.kind in "iu" and values.dtype != np.uint64:
        return values.astype(np.int64)
    if values.dtype.kind == "f":
        numbers = values.to_numpy()
        finite = np.isfinite(numbers)
        if finite.all() and (numbers == np.round(numbers)).all() and (np.abs(numbers) < 2**63).all():
            return pd.Series(numbers.astype(np.int64), index=values.index, name=values.name)
    codes, names = _coded(values, source)
    return _column(codes, names, values, as_text=False)


def in_type_of(values: pd.Series, reference: pd.Series, source: str = "gold") -> pd.Series:
    """``values`` under the rule, in the value type of ``reference`` (an int64 column or text):
    integers where ``reference`` holds integers (text that is not an integer stays text, matching
    nothing there), else text."""
    codes, names = _coded(values, source)
    if pd.api.types.is_integer_dtype(reference.dtype) and not all(type(v) is int for v in names):
        table = np.empty(len(names), dtype=object)
        table[:] = names
        return pd.Series(table[codes], index=values.index, name=values.name)
    return _column(codes, names, values, as_text=not pd.api.types.is_integer_dtype(reference.dtype))


def name_or_error(value: Any, where: str, what: str) -> int | str:
    """One cell that must be an id or a label (``what``: e.g. ``task id``); SandboxError naming
    ``where`` when it is empty or is not one."""
    try:
        name = name_value(value)
    except NotAName as why:
        raise SandboxError(f"{where}: {what} {shown(value)} is not an id or a label ({why})") from None
    if name is None:
        raise SandboxError(f"{where}: {what} {shown(value)} is empty")
    return name
