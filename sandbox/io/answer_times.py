"""Working time per answer: the optional ``seconds`` column of every kind's answers table.

Contract (both task kinds): when an export records how long answers took, the answers table has a
column ``seconds`` of float64 values, each finite and >= 0, or NaN where that one answer's time was
not recorded; when no answer has a time the column is absent (never a column of NaN). A time is the
worker's own working time on the answer, in seconds:

- Label Studio: an annotation's ``lead_time`` (seconds the annotator spent on it), in the full JSON
  export and in the JSON_MIN and CSV exports;
- Amazon Mechanical Turk: an assignment's ``WorkTimeInSeconds`` covers everything the worker did
  in it, so it is spread equally over the answers read from that assignment (rows sharing an
  ``AssignmentId``; a batch row is one assignment, so one answer per row gets the whole time);
- a long table (CSV or Parquet): its own ``seconds`` column.

One helper per concern: :func:`parse_seconds` reads one cell, :func:`seconds_column` checks a
column where it enters, :func:`with_seconds` attaches times to answers (or leaves the column out),
:func:`spread_over` shares a group's time among its answers, :func:`answer_seconds` gives the times
of an answers table (None when it has none).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from foundation.errors import SandboxError

#: The column name, in every kind's answers table.
SECONDS = "seconds"
#: A working time longer than this (a year) is not a time but a wrong unit or a broken clock.
MAX_SECONDS = 365 * 24 * 3600.0


def parse_seconds(value: Any, where: str) -> float:
    """One recorded time: a number or numeric text (``"12.5"``) → float; empty (None, ``""``,
    NaN) → NaN (not recorded). A negative, infinite or absurd time, or anything else (true/false,
    text that is not a number, a list) is a SandboxError naming ``where``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return math.nan
    if isinstance(value, bool) or not isinstance(value, int | float | str | np.integer | np.floating):
        raise SandboxError(f"{where}: working time {value!r:.60} is not a number of seconds")
    try:
        number = float(value)
    except ValueError:
        raise SandboxError(f"{where}: working time {value!r:.60} is not a number of seconds") from None
    if math.isnan(number):
        return math.nan
    if not 0 <= number <= MAX_SECONDS:
        raise SandboxError(
            f"{where}: working time {value!r:.60} seconds; allowed: a finite number from 0 to "
            f"{MAX_SECONDS:.0f}"
        )
    return number


def seconds_column(values: pd.Series, source: str) -> pd.Series:
    """A ``seconds`` column checked where it enters (see the module docstring): float64, NaN for
    empty cells; SandboxError naming ``source`` and the first bad row otherwise."""
    if pd.api.types.is_bool_dtype(values.dtype):
        raise SandboxError(f"{source}: column {SECONDS!r} holds true/false; allowed: numbers of seconds")
    numbers: NDArray[np.float64]
    if pd.api.types.is_numeric_dtype(values.dtype):
        numbers = values.to_numpy(dtype=float)
    else:
        cells = enumerate(values.to_numpy(dtype=object))
        numbers = np.array([parse_seconds(v, f"{source}: row {row + 1}") for row, v in cells], dtype=float)
    known = ~np.isnan(numbers)
    bad = known & ~((numbers >= 0) & (numbers <= MAX_SECONDS))
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise SandboxError(
            f"{source}: row {row + 1} has working time {numbers[row]!r} seconds; allowed: a finite "
            f"number from 0 to {MAX_SECONDS:.0f}"
        )
    return pd.Series(numbers, index=values.index, name=SECONDS, dtype=float)


def with_seconds(answers: pd.DataFrame, seconds: Sequence[float] | pd.Series | None) -> pd.DataFrame:
    """``answers`` with a ``seconds`` column from ``seconds`` (one per row, NaN = not recorded), or
    without one when no answer has a time."""
    answers = answers.drop(columns=[SECONDS], errors="ignore")
    if seconds is None:
        return answers
    values = np.asarray(seconds, dtype=float)
    if len(values) != len(answers):
        raise ValueError("one working time per answer is needed")
    if np.isnan(values).all():
        return answers
    return answers.assign(**{SECONDS: values})


def spread_over(seconds: Sequence[float], groups: Sequence[Hashable]) -> NDArray[np.float64]:
    """Each answer's share of its group's time: the group's time (that of its first answer)
    divided equally among its answers — an MTurk assignment's ``WorkTimeInSeconds`` over the
    answers read from it. ``seconds`` and ``groups`` hold one entry per answer."""
    codes = pd.factorize(pd.Series(list(groups), dtype=object))[0]
    sizes = np.bincount(codes)
    values = np.asarray(seconds, dtype=float)
    first = np.full(len(sizes), np.nan)
    first[codes[::-1]] = values[::-1]  # the last write is each group's first answer
    shared: NDArray[np.float64] = first[codes] / sizes[codes]
    return shared


def answer_seconds(answers: pd.DataFrame) -> pd.Series | None:
    """The answers' working times (NaN where not recorded), or None when the table has none."""
    if SECONDS not in answers.columns:
        return None
    values = answers[SECONDS].astype(float)
    return None if values.isna().all() else values
