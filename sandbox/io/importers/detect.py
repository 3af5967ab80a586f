"""Tell an export's format from its content (not its name alone)."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

from annotators.errors import SandboxError
from sandbox.io.export_formats import FORMATS


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
    header = set(next(csv.reader(io.StringIO(first_line)), []))
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
    """Full JSON export (tasks with ``annotations``) or JSON_MIN (flat records)."""
    import ijson

    keys: set[str] = set()
    try:
        with path.open("rb") as f:
            for prefix, event, value in ijson.parse(f):
                if prefix == "item" and event == "map_key":
                    keys.add(str(value))
                elif prefix == "item" and event == "end_map":
                    break
                elif prefix == "" and event == "start_map":
                    raise SandboxError(f"{path}: a JSON object, not a list of tasks (exports are lists)")
    except ijson.JSONError as exc:
        offset = _first_non_utf8(path)
        if offset is not None:
            raise SandboxError(
                f"{path}: not UTF-8 text (invalid byte at offset {offset}); exports must be UTF-8 encoded"
            ) from None
        raise SandboxError(f"{path}: broken or truncated JSON ({_first_line(exc)})") from None
    except UnicodeDecodeError:
        raise SandboxError(f"{path}: not UTF-8 text; exports must be UTF-8 encoded") from None
    if not keys:
        raise SandboxError(f"{path}: the export holds no tasks")
    if keys & {"annotations", "completions"}:
        return "labelstudio_json"
    return "labelstudio_json_min"


def _first_non_utf8(path: Path) -> int | None:
    """Offset of the first byte that is not valid UTF-8, or ``None`` when the file is UTF-8."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    done = 0
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return done + max(exc.start, 0)
            done += len(chunk)
    return None


def _first_line(exc: Exception) -> str:
    """The first line of a parser's (often multi-line) error message."""
    text = str(exc).strip().strip("b'\"")
    return text.splitlines()[0].strip() if text else type(exc).__name__
