"""Files a user uploads in the dashboard: their bytes written where the readers (which take paths)
can open them, under a name the browser gave but that is never trusted as a path."""

from __future__ import annotations

from pathlib import Path

from foundation.errors import SandboxError

UPLOAD_SUFFIXES = (".json", ".csv", ".parquet", ".pq")


def save_upload(data: bytes, filename: str, directory: Path) -> Path:
    """Write ``data`` into ``directory`` under ``filename``'s base name (or ``upload<suffix>`` when
    that name is empty, odd or too long); SandboxError for a suffix not in :data:`UPLOAD_SUFFIXES`."""
    suffix = Path(filename).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise SandboxError(
            f"{filename}: unsupported file type {suffix or '(none)'!r}; upload {', '.join(UPLOAD_SUFFIXES)}"
        )
    directory.mkdir(parents=True, exist_ok=True)
    name = Path(filename).name
    if name in ("", ".", "..") or "\x00" in name or len(name.encode("utf-8", "replace")) > 200:
        name = f"upload{suffix}"  # a browser's file name is the user's, not a path to trust
    path = directory / name
    path.write_bytes(data)
    return path
