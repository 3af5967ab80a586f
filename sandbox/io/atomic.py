"""Writing a file so that readers see the old content or the new, never half of it.

The data goes to a hidden temporary file in the same folder, is flushed and synced to disk, and
then renamed over the target with ``os.replace`` (atomic on POSIX). A failure removes the
temporary file and leaves the target as it was.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from annotators.errors import SandboxError


def write_atomically(path: Path, data: bytes | str) -> None:
    """Write ``data`` (text is UTF-8 encoded) to ``path`` atomically; SandboxError when the folder
    does not exist."""
    path = Path(path)
    if not path.parent.is_dir():
        raise SandboxError(f"cannot write {path}: folder {path.parent} does not exist")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
