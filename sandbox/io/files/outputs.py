"""Where a command may write, checked before any work: the rules every command that writes follows.

:func:`check_outputs` refuses, with one SandboxError naming the option and the path,

- an output that is one of the command's inputs (the export, the gold file, the label config):
  replacing the file being read would lose it;
- an output that is a directory, or sits in a folder that does not exist;
- an existing output that is read-only, or a folder that cannot be written;
- two outputs that name the same file.

The files themselves are then written with :mod:`sandbox.io.files.atomic` (all or nothing, mode kept).
:func:`spreadsheet_csv` gives CSV text whose cells cannot run as spreadsheet formulas (OWASP's
advice against CSV injection: a cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return
gets a leading ``'``).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from foundation.errors import SandboxError

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _writable(path: Path) -> bool:
    """Whether ``path`` (a file or a folder) may be written: permitted, and not marked read-only
    (a user with every right, such as root, is still told about a read-only mark)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return os.access(path, os.W_OK) and bool(mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def _same(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def check_outputs(outputs: Mapping[str, str | Path | None], inputs: Iterable[str | Path | None] = ()) -> None:
    """Refuse outputs (option name → path; ``None`` for options not given) that break a rule of the
    module docstring; ``inputs`` are the files the command reads."""
    given = {option: Path(path) for option, path in outputs.items() if path is not None and str(path)}
    read = [Path(p) for p in inputs if p is not None and str(p)]
    seen: dict[Path, str] = {}
    for option, path in given.items():
        key = path.resolve()
        if key in seen:
            raise SandboxError(f"{seen[key]} and {option} name the same file {str(path)!r}; give two files")
        seen[key] = option
        for source in read:
            if _same(path, source) or key == source.resolve():
                raise SandboxError(
                    f"{option} {str(path)!r} is an input of this command; writing it would replace "
                    "what is being read: choose another file"
                )
        if path.is_dir():
            raise SandboxError(f"{option} {str(path)!r} is a directory; give a file name")
        folder = path.parent
        if not folder.is_dir():
            raise SandboxError(f"{option} {str(path)!r}: folder {str(folder)!r} does not exist")
        if path.exists() and not _writable(path):
            raise SandboxError(f"{option} {str(path)!r} is read-only")
        if not _writable(folder):
            raise SandboxError(
                f"{option} {str(path)!r}: folder {str(folder)!r} cannot be written (read-only)"
            )


def check_output_directory(option: str, path: str | Path) -> None:
    """Refuse a results directory that is a file, or that cannot be created or written."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise SandboxError(f"{option} {str(path)!r} is a file; it must be a directory (new or a sweep's)")
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise SandboxError(f"{option} {str(path)!r}: {str(existing)!r} is a file, not a folder")
    if not _writable(existing):
        raise SandboxError(f"{option} {str(path)!r}: {str(existing)!r} cannot be written (read-only)")


def neutralise(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula, with a leading ``'``; others as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell (and column name) neutralised (see :func:`neutralise`)."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object:
            safe[column] = safe[column].map(neutralise)
    safe.columns = pd.Index([neutralise(c) for c in safe.columns])
    return safe


def spreadsheet_csv(frame: pd.DataFrame) -> str:
    """``frame`` (its index as columns when named) as CSV text safe to open in a spreadsheet."""
    shown = frame.reset_index() if any(name is not None for name in frame.index.names) else frame
    return spreadsheet_safe(shown).to_csv(index=False)
