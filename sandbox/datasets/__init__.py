"""Seed datasets: one registry of sources (bundled real crowd sets, scikit-learn sets, synthetic, user
files), each tagged with the task kind its tasks are. ``load_dataset(spec)`` asks each source in turn.

A new source (or a new kind's sources) is a :class:`DatasetSource` added to :data:`SOURCES`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from foundation.errors import SandboxError
from sandbox.datasets.bundled import catalog, load_bundled
from sandbox.datasets.dataset import Dataset
from sandbox.datasets.pairwise import PairwiseDataset
from sandbox.datasets.pairwise_sources import (
    SKLEARN_REGRESSION,
    SYNTHETIC_NAME,
    USER_DESCRIPTION,
    is_regression,
    is_synthetic_pairs,
    is_user_pairs,
    load_regression,
    load_user_pairs,
    make_synthetic_pairs,
)
from sandbox.datasets.pairwise_sources import SYNTHETIC_DESCRIPTION as PAIRS_DESCRIPTION
from sandbox.datasets.toy import (
    SKLEARN_SETS,
    SYNTHETIC_DESCRIPTION,
    load_sklearn,
    make_synthetic,
    parse_synthetic,
)
from sandbox.datasets.user_file import USER_FILE_SUFFIXES, load_user_file

__all__ = [
    "SOURCES",
    "Dataset",
    "DatasetSource",
    "PairwiseDataset",
    "dataset_names",
    "list_datasets",
    "load_dataset",
]


@dataclass(frozen=True)
class DatasetSource:
    """Where datasets come from: ``matches(spec)`` says whether ``spec`` is one of its own,
    ``load(spec)`` builds it, ``listing()`` gives name → one-line description of what it offers."""

    kind: str
    matches: Callable[[str], bool]
    load: Callable[[str], Dataset]
    listing: Callable[[], dict[str, str]]


def _is_synthetic(spec: str) -> bool:
    return spec == "synthetic" or spec.startswith("synthetic:")


def _is_user_file(spec: str) -> bool:
    return Path(spec).suffix.lower() in USER_FILE_SUFFIXES or Path(spec).exists()


SOURCES: tuple[DatasetSource, ...] = (
    DatasetSource(
        "classification",
        lambda spec: spec in catalog(),
        load_bundled,
        lambda: {name: str(entry["description"]) for name, entry in catalog().items()},
    ),
    DatasetSource(
        "classification",
        lambda spec: spec in SKLEARN_SETS,
        load_sklearn,
        lambda: {name: description for name, (_, description) in SKLEARN_SETS.items()},
    ),
    DatasetSource(
        "classification",
        _is_synthetic,
        lambda spec: make_synthetic(parse_synthetic(spec)),
        lambda: {"synthetic": SYNTHETIC_DESCRIPTION},
    ),
    DatasetSource(
        "pairwise", is_synthetic_pairs, make_synthetic_pairs, lambda: {SYNTHETIC_NAME: PAIRS_DESCRIPTION}
    ),
    DatasetSource(
        "pairwise",
        is_regression,
        load_regression,
        lambda: {name: description for name, (_, description) in SKLEARN_REGRESSION.items()},
    ),
    DatasetSource("pairwise", is_user_pairs, load_user_pairs, lambda: {"pairs:items=FILE": USER_DESCRIPTION}),
    # Last: any path is a user file.
    DatasetSource("classification", _is_user_file, load_user_file, dict),
)


def list_datasets(kind: str | None = None) -> dict[str, str]:
    """Registered dataset name → one-line description (bundled real sets first), of one ``kind`` or all."""
    listing: dict[str, str] = {}
    for source in SOURCES:
        if kind is None or source.kind == kind:
            listing.update(source.listing())
    return listing


def dataset_names(kind: str | None = None) -> list[str]:
    """The registered names (for CLI choices, dashboard menus and tests)."""
    return list(list_datasets(kind))


def load_dataset(spec: str) -> Dataset:
    """Load a dataset by registered name, ``synthetic:k=v,...``, or a path to a CSV/Parquet file."""
    for source in SOURCES:
        if source.matches(spec):
            return source.load(spec)
    raise SandboxError(
        f"unknown dataset {spec!r}; registered: {', '.join(dataset_names())} "
        "(or give a path to a .csv/.parquet file with task and label columns, or "
        "pairs:items=ITEMS.csv,pairs=PAIRS.csv for pairwise preferences)"
    )
