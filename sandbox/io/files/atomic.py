"""Writing files so that readers see the old content or the new, never half of it.

The data goes to a hidden temporary file in the same folder, is flushed and synced to disk, and
then renamed over the target with ``os.replace`` (atomic on POSIX). A failure removes the
temporary files and leaves the targets as they were. A file that is replaced keeps its permission
bits; a new file gets the umask's (``0o666 & ~umask``), never the temporary file's 0600.

:func:`write_all_atomically` writes several files all or nothing: every temporary file is written
and synced before the first rename, so a failure while writing (a full disk, a folder that turned
read-only) leaves every target untouched. :func:`atomic_file` streams one file the same way.

A target that is a link to a regular file is written through the link (the file it leads to is
replaced); a target that exists and is not a regular file (a device, a FIFO, a socket: see
:func:`sandbox.io.files.outputs.check_regular`) is never replaced. Termination signals (SIGTERM,
SIGINT, SIGHUP) are held while a temporary file is created and registered for removal, and while
the targets are renamed: a signal arriving then takes effect just after, so a command stopped at
any moment leaves no temporary file and never a part of several outputs.
"""

from __future__ import annotations

import os
import signal
import stat
import tempfile
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

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


#: The signals held while temporary files are created and registered, and while targets are renamed.
HELD_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


@contextmanager
def signals_held() -> Iterator[None]:
    """Hold :data:`HELD_SIGNALS` for the block: one that arrives meanwhile takes effect (its handler
    runs, or its default action) when the block ends.

    Python runs signal handlers in the main thread, whichever thread the system delivered the signal
    to (BLAS starts threads that do not block signals, so a thread's signal mask cannot hold them):
    the block's handlers only note the signal. Outside the main thread, where handlers cannot be set,
    the block holds nothing (the main thread's handler runs in the main thread anyway)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    arrived: list[signal.Signals] = []
    previous = {number: signal.getsignal(number) for number in HELD_SIGNALS}

    def note(number: int, frame: object) -> None:
        arrived.append(signal.Signals(number))

    for number in HELD_SIGNALS:
        signal.signal(number, note)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        if arrived:
            _deliver(arrived[0], previous[arrived[0]])


def _deliver(number: int, handler: Any) -> None:
    """Act on signal ``number`` as ``handler`` (its handler before it was held) would have."""
    if callable(handler):
        handler(number, None)
    elif handler == signal.SIG_DFL:
        os.kill(os.getpid(), number)  # the default action (ends the process)


def target_of(path: Path) -> Path:
    """The file a write of ``path`` replaces: ``path``, or the file a link leads to; SandboxError when
    something other than a regular file is there (module docstring)."""
    from sandbox.io.files.outputs import check_regular

    path = Path(path)
    check_regular("output", path)
    return Path(os.path.realpath(path)) if path.is_symlink() else path


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
            current = target_of(Path(path))
            with signals_held():
                fd, temporary = _temporary(current)
                written.append((temporary, current))
            payload = data.encode("utf-8") if isinstance(data, str) else data
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
        with signals_held():
            for _, current in written:
                target_of(current)  # still nothing but a regular file there
            for temporary, current in written:
                os.replace(temporary, current)
    except OSError as error:
        raise SandboxError(f"cannot write {current}: {first_line(error)}") from None
    finally:
        with signals_held():  # a second signal does not stop the clean-up
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
    path = target_of(Path(path))
    temporary: Path | None = None
    try:
        with signals_held():  # a signal takes effect once the file is known to the finally below
            fd, temporary = _temporary(path)
        with os.fdopen(fd, "wb") as handle:
            yield handle, temporary
            handle.flush()
            os.fsync(handle.fileno())
        with signals_held():
            target_of(path)
            os.replace(temporary, path)
    except OSError as error:
        raise SandboxError(f"cannot write {path}: {first_line(error)}") from None
    finally:
        if temporary is not None:
            with signals_held():
                temporary.unlink(missing_ok=True)
