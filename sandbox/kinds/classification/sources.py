"""Where classification datasets come from, as registered dataset sources: the bundled real crowds,
scikit-learn's sets, the synthetic generator and a user's file (the catch-all). Each source imports
its loader when first asked."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sandbox.datasets import DatasetSource
from sandbox.kinds.classification.kind import KIND

if TYPE_CHECKING:
    from sandbox.datasets.dataset import Dataset


def _bundled() -> dict[str, str]:
    from sandbox.kinds.classification.datasets.bundled import catalog

    return {name: str(entry["description"]) for name, entry in catalog().items()}


def _load_bundled(spec: str) -> Dataset:
    from sandbox.kinds.classification.datasets.bundled import load_bundled

    return load_bundled(spec)


def _sklearn() -> dict[str, str]:
    from sandbox.kinds.classification.datasets.toy import SKLEARN_SETS

    return {name: description for name, (_, description) in SKLEARN_SETS.items()}


def _load_sklearn(spec: str) -> Dataset:
    from sandbox.kinds.classification.datasets.toy import load_sklearn

    return load_sklearn(spec)


def _is_synthetic(spec: str) -> bool:
    return spec == "synthetic" or spec.startswith("synthetic:")


def _synthetic() -> dict[str, str]:
    from sandbox.kinds.classification.datasets.toy import SYNTHETIC_DESCRIPTION

    return {"synthetic": SYNTHETIC_DESCRIPTION}


def _load_synthetic(spec: str) -> Dataset:
    from sandbox.kinds.classification.datasets.toy import make_synthetic, parse_synthetic

    return make_synthetic(parse_synthetic(spec))


def _is_user_file(spec: str) -> bool:
    from sandbox.kinds.classification.datasets.user_file import USER_FILE_SUFFIXES

    return Path(spec).suffix.lower() in USER_FILE_SUFFIXES or Path(spec).exists()


def _load_user_file(spec: str) -> Dataset:
    from sandbox.kinds.classification.datasets.user_file import load_user_file

    return load_user_file(spec)


SOURCES = (
    DatasetSource(
        KIND, lambda spec: spec in _bundled(), _load_bundled, _bundled, with_answers=lambda: list(_bundled())
    ),
    DatasetSource(KIND, lambda spec: spec in _sklearn(), _load_sklearn, _sklearn),
    DatasetSource(KIND, _is_synthetic, _load_synthetic, _synthetic),
    DatasetSource(
        KIND,
        _is_user_file,
        _load_user_file,
        dict,
        catch_all=True,
        hint="give a path to a .csv/.parquet file with task and label columns",
    ),
)
