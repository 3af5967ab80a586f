"""Seed datasets: one registry of sources, each registered by its task kind (bundled real crowd
sets, scikit-learn sets, synthetic generators, user files). ``load_dataset(spec)`` asks each source
in turn: first the named ones, in registration order, then the catch-all sources (a path to a file).

A kind registers its sources with :func:`register_source` when it loads (``sandbox.kinds``).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from foundation.errors import SandboxError
from sandbox.kinds import load_kinds

if TYPE_CHECKING:
    from sandbox.datasets.dataset import Dataset

__all__ = [
    "DatasetSource",
    "dataset_names",
    "datasets_with_answers",
    "list_datasets",
    "load_dataset",
    "register_source",
]


@dataclass(frozen=True)
class DatasetSource:
    """Where datasets come from: ``matches(spec)`` says whether ``spec`` is one of its own,
    ``load(spec)`` builds it, ``listing()`` gives name → one-line description of what it offers.
    ``kind``: the task kind of its datasets. ``catch_all``: it matches what no named source does
    (tried last). ``with_answers``: the names of its datasets that bring real crowd answers.
    ``hint``: how to write one of its specs, for the message of an unknown dataset."""

    kind: str
    matches: Callable[[str], bool]
    load: Callable[[str], Dataset]
    listing: Callable[[], dict[str, str]]
    catch_all: bool = False
    with_answers: Callable[[], list[str]] = field(default=list)
    hint: str = ""


def deferred(module: str, name: str) -> Callable[..., Any]:
    """A function that imports ``module`` when first called and calls its ``name`` with the same
    arguments: a source's pieces stay unimported until a dataset of theirs is asked for."""

    def call(*args: Any) -> Any:
        return getattr(importlib.import_module(module), name)(*args)

    call.__name__ = name
    return call


_SOURCES: list[DatasetSource] = []


def register_source(source: DatasetSource) -> DatasetSource:
    """Add ``source`` to the registry (called by its kind's package when it loads)."""
    _SOURCES.append(source)
    return source


def sources() -> list[DatasetSource]:
    """Every registered source: the named ones in registration order, then the catch-all ones."""
    load_kinds()
    return [s for s in _SOURCES if not s.catch_all] + [s for s in _SOURCES if s.catch_all]


def list_datasets(kind: str | None = None) -> dict[str, str]:
    """Registered dataset name → one-line description (bundled real sets first), of one ``kind`` or all."""
    listing: dict[str, str] = {}
    for source in sources():
        if kind is None or source.kind == kind:
            listing.update(source.listing())
    return listing


def dataset_names(kind: str | None = None) -> list[str]:
    """The registered names (for CLI choices, dashboard menus and tests)."""
    return list(list_datasets(kind))


def datasets_with_answers() -> list[str]:
    """The registered datasets that bring real crowd answers (``evaluate --dataset``)."""
    return [name for source in sources() for name in source.with_answers()]


def load_dataset(spec: str) -> Dataset:
    """Load a dataset by registered name, ``NAME:key=value,...``, or a path to a file."""
    for source in sources():
        if source.matches(spec):
            return source.load(spec)
    hints = " or ".join(source.hint for source in sources() if source.hint)
    also = f" (or {hints})" if hints else ""
    raise SandboxError(f"unknown dataset {spec!r}; registered: {', '.join(dataset_names())}{also}")
