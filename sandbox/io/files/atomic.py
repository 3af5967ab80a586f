"""Writing files so that readers see the old content or the new, never half of it.

The data goes to a hidden temporary file in the same folder, is flushed and synced to disk, and
then renamed over the target with ``os.replace`` (atomic on POSIX). A failure removes the
temporary files and leaves the targets as they were. A file that is replaced keeps its permission
bits; a new file gets the umask's (``0o666 & ~umask``), never the temporary file's 0600.

:func:`write_all_atomically` writes several files all or nothing: every temporary file is written
and synced before the first rename, so a failure while writing (a full disk, a folder that turned
read-only) leaves every target untouched. :func:`atomic_file` streams one file the same way.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from foundation.errors import SandboxError, first_line


def umask() -> int:
    """The process's umask, read without changing it where the system allows."""
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):  # pragma: no cover - no /proc
        pass
    current = os.umask(0o022)  # pragma: no cover - other systems
    os.umask(current)  # pragma: no cover
    return current  # pragma: no cover


def target_mode(path: Path) -> int:
    """The permission bits ``path`` should have once written: its own when it exists, else the
    umask's default for a new file."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return 0o666 & ~umask()


def _temporary(path: Path) -> tuple[int, Path]:
    if not path.parent.is_dir():
        raise SandboxError(f"cannot write {path}: folder {path.parent} does not exist")
    try:
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise SandboxError(f"cannot write {path}: {first_line(error)}") from None
    os.fchmod(fd, target_mode(path))
    return fd, Path(name)


def write_all_atomically(contents: Mapping[Path, bytes | str]) -> None:
    """Write every ``path → data`` (text is UTF-8 encoded), all or nothing (module docstring)."""
    written: list[tuple[Path, Path]] = []
    current = Path()
    try:
        for path, data in contents.items():
            current = Path(path)
            fd, temporary = _temporary(current)
            written.append((temporary, Path(path)))
            payload = data.encode("utf-8") if isinstance(data, str) else data
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
        for temporary, current in written:
            os.replace(temporary, current)
    except OSError as error:
        raise SandboxError(f"cannot write {current}: {first_line(error)}") from None
    finally:
        for temporary, _ in written:
            temporary.unlink(missing_ok=True)


def write_atomically(path: Path, data: bytes | str) -> None:
    """Write ``data`` (text is UTF-8 encoded) to ``path`` atomically; SandboxError when the folder
    does not exist or cannot be written."""
    write_all_atomically({Path(path): data})


@contextmanager
def atomic_file(path: Path) -> Iterator[tuple[BinaryIO, Path]]:
    """``(handle, temporary path)``: what is written to the handle replaces ``path`` when the block
    ends without an error (the block may check the temporary file first); on an error the partial
    file is removed and ``path`` is left as it was."""
    fd, temporary = _temporary(Path(path))
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle, temporary
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as error:
        raise SandboxError(f"cannot write {path}: {first_line(error)}") from None
    finally:
        temporary.unlink(missing_ok=True)
