"""The one way the project reads JSON from users: a stream of list items with bounded depth and size.

Every JSON importer, the format detection and the Label Studio client's check of a download read
through :func:`iter_items` (or :func:`loads` for one small value, e.g. a JSON cell of a CSV
export). The tokens come from ijson's ``basic_parse`` (the C backend where installed); the values
are built here, one list item at a time, so that

- nesting deeper than :data:`MAX_DEPTH` levels in one item is refused as soon as it is seen (ijson's
  own ``items`` keeps a prefix string per level, so a tiny file nesting 50,000 arrays deep took
  quadratic memory, and the standard library's ``json`` stops with a RecursionError);
- an item larger than :data:`MAX_ITEM_BYTES` of the file is refused before it is built;
- memory stays within a small multiple of the file's size, and the bytes are checked to be UTF-8
  as they are read (with the offset of the first bad byte);
- integers beyond 64 bits, which the C backend refuses, are read exactly: the file is read again
  with ijson's pure-Python backend from the item where the C backend stopped (ids are identities:
  :mod:`sandbox.io.values` keeps such an id as its decimal text).

Every failure is a SandboxError naming the file and the item.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import IO, Any

from foundation.errors import SandboxError, first_line

#: Deepest nesting of lists and objects in one item (a Label Studio task nests about 8 levels).
MAX_DEPTH = 64
#: Largest item, in bytes of the file (a Label Studio task with its annotations is a few KB).
MAX_ITEM_BYTES = 64 * 1024**2
_PROGRESS_STEP = 1 << 20  # report every MiB read
_CONTAINERS = {"start_map": dict, "start_array": list}
_ENDS = {"end_map", "end_array"}

#: ``progress(done_bytes, total_bytes)``.
Progress = Callable[[int, int], None]


class CountingReader:
    """A binary stream wrapper that counts the bytes read, checks they are UTF-8 and reports
    progress now and then."""

    def __init__(self, raw: IO[bytes], total: int, progress: Progress | None = None) -> None:
        self._raw = raw
        self._utf8 = codecs.getincrementaldecoder("utf-8")()
        self._total = total
        self._progress = progress
        self.done = 0
        self._next = _PROGRESS_STEP

    def read(self, size: int = -1) -> bytes:
        chunk = self._raw.read(size)
        try:
            self._utf8.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            offset = self.done + max(exc.start, 0)
            raise SandboxError(
                f"not UTF-8 text (invalid byte at offset {offset}); exports must be UTF-8 encoded"
            ) from None
        self.done += len(chunk)
        if self._progress is not None and (self.done >= self._next or not chunk):
            self._progress(self.done, self._total)
            self._next = self.done + _PROGRESS_STEP
        return chunk


def _build(events: Iterator[tuple[str, Any]], reader: CountingReader, what: str) -> Iterator[Any]:
    """Values of the top-level list whose ``start_array`` was already read from ``events``."""
    stack: list[Any] = []  # containers being built, outermost first
    keys: list[Any] = []  # the pending key of each container (None in lists)
    index = 0
    start = reader.done
    for event, value in events:
        if event == "map_key":
            keys[-1] = value
            continue
        kind = _CONTAINERS.get(event)
        if kind is not None:
            if len(stack) >= MAX_DEPTH:
                raise SandboxError(
                    f"{what} #{index} nests lists and objects deeper than {MAX_DEPTH} levels "
                    f"(limit MAX_DEPTH = {MAX_DEPTH})"
                )
            stack.append(kind())
            keys.append(None)
            if reader.done - start > MAX_ITEM_BYTES:
                raise SandboxError(
                    f"{what} #{index} is larger than {MAX_ITEM_BYTES // 1024**2} MiB "
                    f"(limit MAX_ITEM_BYTES = {MAX_ITEM_BYTES})"
                )
            continue
        if event in _ENDS:
            if not stack:
                return  # the end of the top-level list
            value = stack.pop()
            keys.pop()
        if not stack:
            yield value
            index += 1
            start = reader.done
            continue
        parent = stack[-1]
        if type(parent) is list:
            parent.append(value)
        else:
            parent[keys[-1]] = value
    raise SandboxError(f"the JSON list ends early, inside {what} #{index}")


def iter_items(
    path: Path, *, what: str = "item", progress: Progress | None = None
) -> Generator[Any, None, None]:
    """Yield the items of the JSON list in ``path`` one at a time (see the module docstring).

    ``what`` names an item in messages (``task``, ``record``). SandboxError when the file is
    missing, empty, not UTF-8, not a JSON list, broken, or breaks a limit.
    """
    if not path.is_file():
        raise SandboxError(f"{path}: no such file")
    yielded = 0
    try:
        for item in _items(path, what, progress, "default", skip=0):
            yielded += 1
            yield item
    except _IntegerOverflow:
        yield from _items(path, what, progress, "python", skip=yielded)


class _IntegerOverflow(Exception):
    """The C backend met an integer beyond 64 bits."""


def _items(
    path: Path, what: str, progress: Progress | None, backend: str, skip: int
) -> Generator[Any, None, None]:
    """The items of the JSON list in ``path`` after the first ``skip``, parsed by ijson's ``backend``
    (``default``: the fastest installed)."""
    import ijson

    parser = ijson if backend == "default" else ijson.get_backend(backend)
    total = path.stat().st_size
    index = -1
    with path.open("rb") as raw:
        head = raw.read(4096)
        if not head.strip():
            raise SandboxError(f"{path}: the file is empty")
        raw.seek(len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0)
        reader = CountingReader(raw, total, progress)
        try:
            events = iter(parser.basic_parse(reader, use_float=True))
            event, _ = next(events, ("end", None))
            if event != "start_array":
                found = {"start_map": "object"}.get(event, "single value")
                raise SandboxError(f"a JSON {found}, not a list of {what}s")
            for item in _build(events, reader, what):
                index += 1
                if index >= skip:
                    yield item
            for _ in events:  # nothing may follow the list
                pass
        except SandboxError as exc:
            raise SandboxError(f"{path}: {exc}") from None
        except (ijson.JSONError, ValueError, OverflowError) as exc:
            if backend == "default" and "integer overflow" in str(exc):
                raise _IntegerOverflow() from None
            raise SandboxError(
                f"{path}: broken or truncated JSON after {what} #{index} ({first_line(exc)})"
            ) from None


def loads(text: str, what: str = "value") -> Any:
    """One JSON value from ``text``, under the same limits; SandboxError when it is not JSON."""
    import ijson

    data = text.encode("utf-8")
    values: list[Any] = []
    for backend in ("default", "python"):
        parser = ijson if backend == "default" else ijson.get_backend(backend)
        reader = CountingReader(io.BytesIO(b"[" + data + b"]"), len(data) + 2)
        try:
            events = iter(parser.basic_parse(reader, use_float=True))
            next(events)
            values = list(_build(events, reader, what))
            for _ in events:
                pass
            break
        except (ijson.JSONError, ValueError, OverflowError) as exc:
            if backend == "default" and "integer overflow" in str(exc):
                continue  # read it exactly with the pure-Python backend
            raise SandboxError(f"{what} is not valid JSON ({first_line(exc)})") from None
    if len(values) != 1:
        raise SandboxError(f"{what} is not one JSON value")
    return values[0]
