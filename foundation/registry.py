"""A registry that plug-ins fill: name → entry, read as a mapping.

Reading a registry (looking a name up, listing it, iterating) first calls its ``loader`` — the
function that imports the plug-ins — so that a registry below the plug-ins never imports them and
is never read half-filled. Registering does not load. An unknown name is a SandboxError naming the
registered ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TypeVar

from foundation.errors import SandboxError

T = TypeVar("T")


class Registry(Mapping[str, T]):
    """Entries by name, in registration order; ``what`` names an entry in messages ("aggregator")."""

    def __init__(self, what: str, loader: Callable[[], None] | None = None) -> None:
        self.what = what
        self._loader = loader
        self._entries: dict[str, T] = {}

    def register(self, name: str, entry: T) -> T:
        """Add ``entry`` under ``name`` (a name is registered once) and return it."""
        if name in self._entries:
            raise ValueError(f"{self.what} {name!r} is registered twice")
        self._entries[name] = entry
        return entry

    def replace(self, name: str, entry: T) -> None:
        """Put ``entry`` in place of the registered ``name`` (same position)."""
        if name not in self._entries:
            raise KeyError(name)
        self._entries[name] = entry

    def _entries_loaded(self) -> dict[str, T]:
        if self._loader is not None:
            self._loader()
        return self._entries

    def __getitem__(self, name: str) -> T:
        entries = self._entries_loaded()
        if name not in entries:
            raise SandboxError(f"unknown {self.what} {name!r}; allowed: {', '.join(entries)}")
        return entries[name]

    def __contains__(self, name: object) -> bool:
        return name in self._entries_loaded()

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._entries_loaded()))

    def __len__(self) -> int:
        return len(self._entries_loaded())
