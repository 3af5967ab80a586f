"""The one table renderer (rich): aligned columns, numbers right-aligned, floats to fixed decimals.

On a terminal the header is bold and underlined with a rule; elsewhere (a pipe, a file) the table is
plain ASCII, so that output stays easy to read by people and scripts alike.
"""

from __future__ import annotations

import io
import math
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from rich import box
from rich.console import Console
from rich.table import Table

from foundation.errors import printable

#: Header underlined with dashes, no other lines: what a plain-text table looks like.
PLAIN = box.Box("    \n    \n -  \n    \n    \n    \n    \n    \n", ascii=True)


def format_cell(value: Any, digits: int = 4) -> str:
    """One table cell: floats to ``digits`` decimals, missing (None, NaN) as '-', infinity as 'inf'."""
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()  # numpy scalars
    if value is None or value is pd.NA:
        return "-"
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return f"{value:.{digits}f}"
    return printable(str(value))


def _is_number(value: Any) -> bool:
    return (
        value is None
        or (isinstance(value, int | float) and not isinstance(value, bool))
        or (hasattr(value, "dtype") and getattr(value.dtype, "kind", "") in "iuf")
    )


def table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    digits: int = 4,
    terminal: bool | None = None,
) -> str:
    """``rows`` (dicts) as an aligned table of ``columns``; text left-aligned, numbers right-aligned.
    ``terminal``: style for a terminal (default: whether standard output is one)."""
    styled = sys.stdout.isatty() if terminal is None else terminal
    grid = Table(
        box=box.SIMPLE_HEAD if styled else PLAIN,
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
        header_style="bold" if styled else "",
    )
    for column in columns:
        numeric = bool(rows) and all(_is_number(row.get(column)) for row in rows)
        grid.add_column(printable(str(column)), justify="right" if numeric else "left", no_wrap=True)
    for row in rows:
        grid.add_row(*(format_cell(row.get(column), digits) for column in columns))
    buffer = io.StringIO()
    Console(
        file=buffer, width=10_000, color_system="standard" if styled else None, force_terminal=styled
    ).print(grid)
    return "\n".join(line.rstrip() for line in buffer.getvalue().rstrip("\n").splitlines())


def frame_table(frame: pd.DataFrame, digits: int = 3, terminal: bool | None = None) -> str:
    """A DataFrame (its index as the first columns) as :func:`table`."""
    shown = frame.reset_index()
    columns = [str(c) for c in shown.columns]
    rows = [dict(zip(columns, values, strict=True)) for values in shown.itertuples(index=False)]
    return table(rows, columns, digits, terminal)
