"""Where a command may write, checked before any work: the rules every command that writes follows.

:func:`check_outputs` refuses, with one SandboxError naming the option and the path,

- an output that is one of the command's inputs (the export, the gold file, the label config):
  replacing the file being read would lose it;
- an output that exists and is not a regular file: a device (``/dev/null``), a FIFO, a socket, a
  directory, or a link to one of those (``/proc/self/fd/1``) or to nothing. An output is a new path
  or an existing regular file (a link to a regular file writes that file); ``-`` is refused too:
  no command writes its files to standard output, which carries its tables and messages;
- an output that sits in a folder that does not exist;
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


def file_kind(mode: int) -> str:
    """What a file of ``mode`` is, in words (``a FIFO``, ``a character device``, …)."""
    kinds = (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((words for test, words in kinds if test(mode)), "not a regular file")


#: Folders whose entries are the process's open files: a path through them names a stream.
STREAM_FOLDERS = ("/proc/", "/dev/fd/")
_MAX_LINKS = 40


def _names_a_stream(path: Path) -> bool:
    """Whether ``path``, or any link on the way to what it names, lies in :data:`STREAM_FOLDERS`
    (``/proc/self/fd/1``, ``/dev/stdout``, a link to either)."""
    current = os.path.abspath(path)
    for _ in range(_MAX_LINKS):
        folder = os.path.realpath(os.path.dirname(current)) + "/"
        if (current + "/").startswith(STREAM_FOLDERS) or folder.startswith(STREAM_FOLDERS):
            return True
        if not os.path.islink(current):
            return False
        current = os.path.join(os.path.dirname(current), os.readlink(current))
        current = os.path.abspath(current)
    return False  # a loop of links: what it is, stat says (too many levels of links)


def check_regular(option: str, path: Path) -> None:
    """Refuse ``path`` unless it is new (nothing there, not even a link) or a regular file, through
    any links (the rule every output follows; module docstring)."""
    shown = str(path)
    if shown == "-":
        raise SandboxError(
            f"{option} '-': files are not written to standard output (it carries the command's "
            "tables and messages); give a file name"
        )
    if _names_a_stream(path):
        raise SandboxError(
            f"{option} {shown!r} lies in /proc or /dev/fd (a process's open streams and state, through "
            "a link or not); an output must be a new path or an existing regular file"
        )
    try:
        mode = path.stat().st_mode  # through links
    except FileNotFoundError:
        if path.is_symlink():
            raise SandboxError(
                f"{option} {shown!r} is a link to nothing ({os.readlink(path)!r}); give a file name"
            ) from None
        return
    except OSError as error:
        raise SandboxError(f"{option} {shown!r} cannot be examined: {error.strerror}") from None
    if stat.S_ISDIR(mode):
        raise SandboxError(f"{option} {shown!r} is a directory; give a file name")
    if not stat.S_ISREG(mode):
        via = " (through a link)" if path.is_symlink() else ""
        raise SandboxError(
            f"{option} {shown!r} is {file_kind(mode)}{via}; an output must be a new path or an "
            "existing regular file"
        )


def _resolved(path: Path) -> Path:
    """``path`` with links resolved (as far as they go: a loop of links stays as it is)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


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
        check_regular(option, path)
        key = _resolved(path)
        if key in seen:
            raise SandboxError(f"{seen[key]} and {option} name the same file {str(path)!r}; give two files")
        seen[key] = option
        for source in read:
            if _same(path, source) or key == _resolved(source):
                raise SandboxError(
                    f"{option} {str(path)!r} is an input of this command; writing it would replace "
                    "what is being read: choose another file"
                )
        folder = key.parent if path.is_symlink() else path.parent
        if not folder.is_dir():
            raise SandboxError(f"{option} {str(path)!r}: folder {str(folder)!r} does not exist")
        if path.exists() and not _writable(path):
            raise SandboxError(f"{option} {str(path)!r} is read-only")
        if not _writable(folder):
            raise SandboxError(
                f"{option} {str(path)!r}: folder {str(folder)!r} cannot be written (read-only)"
            )


def check_output_directory(option: str, path: str | Path) -> None:
    """Refuse a results directory that is a file (or a device, a FIFO, …), or that cannot be
    created or written."""
    path = Path(path)
    if str(path) == "-":
        raise SandboxError(f"{option} '-': a sweep writes a directory; give its name")
    if path.exists() and not path.is_dir():
        mode = path.stat().st_mode
        what = "a file" if stat.S_ISREG(mode) else file_kind(mode)
        raise SandboxError(f"{option} {str(path)!r} is {what}; it must be a directory (new or a sweep's)")
    if path.is_symlink() and not path.exists():
        raise SandboxError(f"{option} {str(path)!r} is a link to nothing; give a directory name")
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
