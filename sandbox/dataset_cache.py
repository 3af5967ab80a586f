"""Per-process caches of what depends on a dataset alone (work every run on it would repeat).

Sweep cells on one dataset share the same :class:`~sandbox.datasets.Dataset` object (loaded once per
process and spec), so a value computed from the dataset alone — never from a cell's seed or crowd —
is kept by the dataset's identity: at most ``MAX_DATASETS`` datasets, dropped with the dataset.
``set_enabled(False)`` turns caching off (benchmarks measure with and without).
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")

#: Datasets whose cached values a process keeps at once.
MAX_DATASETS = 8

_enabled = True
_entries: OrderedDict[tuple[int, Hashable], tuple[weakref.ref[Any], Any]] = OrderedDict()


def set_enabled(enabled: bool) -> None:
    """Turn the caches on or off (off also empties them)."""
    global _enabled
    _enabled = enabled
    _entries.clear()


def per_dataset(dataset: object, what: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, once per ``dataset`` object and ``what`` (the settings it depends on)."""
    if not _enabled:
        return compute()
    key = (id(dataset), what)
    entry = _entries.get(key)
    if entry is not None and entry[0]() is dataset:
        _entries.move_to_end(key)
        value: T = entry[1]
        return value
    value = compute()
    _entries[key] = (weakref.ref(dataset), value)
    while len({owner for owner, _ in _entries}) > MAX_DATASETS:
        _entries.popitem(last=False)
    return value
