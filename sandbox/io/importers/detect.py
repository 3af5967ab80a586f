"""Tell an export's format from its content (not its name alone)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from foundation.errors import SandboxError
from sandbox.io.export_formats import FORMATS
from sandbox.io.files.json_stream import iter_items


def detect_format(path: Path) -> str:
    """Return one of :data:`FORMATS` for ``path``; SandboxError when nothing fits."""
    if not path.is_file():
        raise SandboxError(f"{path}: no such file")
    with path.open("rb") as f:
        head = f.read(65536)
    if not head.strip():
        raise SandboxError(f"{path}: the file is empty")
    if head[:4] == b"PAR1" or path.suffix.lower() in (".parquet", ".pq"):
        return "long"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped[:1] in (b"[", b"{"):
        return _json_kind(path)
    text = head.decode("utf-8", errors="replace")
    first_line = text.splitlines()[0] if text else ""
    try:
        header = set(next(csv.reader(io.StringIO(first_line)), []))
    except csv.Error:  # e.g. a NUL character in the header
        header = set()
    if {"WorkerId", "HITId"} <= header:
        return "mturk"
    if len({"task", "worker", "label"} & header) >= 2:
        return "long"
    if {"id", "annotator"} <= header:
        return "labelstudio_csv"
    raise SandboxError(
        f"{path}: unknown export format (header: {first_line[:200]!r}); "
        f"give the format explicitly, one of: {', '.join(FORMATS)}"
    )


def _json_kind(path: Path) -> str:
    """Full JSON export (tasks with ``annotations``) or JSON_MIN (flat records), from the first item
    (read through the bounded reader: a hostile first item costs no more than its limits)."""
    items = iter_items(path, what="task")
    try:
        first = next(items, None)
    finally:
        items.close()
    if first is None:
        raise SandboxError(f"{path}: the export holds no tasks")
    if isinstance(first, dict) and first.keys() & {"annotations", "completions"}:
        return "labelstudio_json"
    return "labelstudio_json_min"
