"""Seed datasets: the registry (bundled real crowd sets, scikit-learn sets, synthetic, user files)."""

from __future__ import annotations

from pathlib import Path

from annotators.errors import SandboxError
from sandbox.datasets.bundled import catalog, load_bundled
from sandbox.datasets.dataset import Dataset
from sandbox.datasets.toy import (
    SKLEARN_SETS,
    SYNTHETIC_DESCRIPTION,
    load_sklearn,
    make_synthetic,
    parse_synthetic,
)
from sandbox.datasets.user_file import load_user_file

__all__ = ["Dataset", "dataset_names", "list_datasets", "load_dataset"]


def list_datasets() -> dict[str, str]:
    """Registered dataset name → one-line description (bundled real sets first)."""
    listing = {name: str(entry["description"]) for name, entry in catalog().items()}
    listing.update({name: description for name, (_, description) in SKLEARN_SETS.items()})
    listing["synthetic"] = SYNTHETIC_DESCRIPTION
    return listing


def dataset_names() -> list[str]:
    """The registered names (for CLI choices, dashboard menus and tests)."""
    return list(list_datasets())


def load_dataset(spec: str) -> Dataset:
    """Load a dataset by registered name, ``synthetic:k=v,...``, or a path to a CSV/Parquet file."""
    if spec in catalog():
        return load_bundled(spec)
    if spec in SKLEARN_SETS:
        return load_sklearn(spec)
    if spec == "synthetic" or spec.startswith("synthetic:"):
        return make_synthetic(parse_synthetic(spec))
    if Path(spec).suffix.lower() in (".csv", ".parquet", ".pq") or Path(spec).exists():
        return load_user_file(spec)
    raise SandboxError(
        f"unknown dataset {spec!r}; registered: {', '.join(dataset_names())} "
        "(or give a path to a .csv/.parquet file with task and label columns)"
    )
