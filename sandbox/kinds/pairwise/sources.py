"""Where pairwise datasets come from, as registered dataset sources: the bundled real preference
crowds (:mod:`sandbox.kinds.pairwise.bundled`), the synthetic generator, scikit-learn's regression
sets and a user's items and pairs files (see :mod:`sandbox.kinds.pairwise.datasets`). Each source
imports its loader when first asked."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sandbox.datasets import DatasetSource
from sandbox.kinds.pairwise.kind import KIND

if TYPE_CHECKING:
    from sandbox.datasets.dataset import Dataset


def _bundled() -> dict[str, str]:
    from sandbox.kinds.pairwise.bundled import catalog

    return {name: str(entry["description"]) for name, entry in catalog().items()}


def _load_bundled(spec: str) -> Dataset:
    from sandbox.kinds.pairwise.bundled import load_bundled_pairs

    return load_bundled_pairs(spec)


def _is_synthetic(spec: str) -> bool:
    from sandbox.kinds.pairwise.datasets import is_synthetic_pairs

    return is_synthetic_pairs(spec)


def _synthetic() -> dict[str, str]:
    from sandbox.kinds.pairwise.datasets import SYNTHETIC_DESCRIPTION, SYNTHETIC_NAME

    return {SYNTHETIC_NAME: SYNTHETIC_DESCRIPTION}


def _load_synthetic(spec: str) -> Dataset:
    from sandbox.kinds.pairwise.datasets import make_synthetic_pairs

    return make_synthetic_pairs(spec)


def _regression() -> dict[str, str]:
    from sandbox.kinds.pairwise.datasets import SKLEARN_REGRESSION

    return {name: description for name, (_, description) in SKLEARN_REGRESSION.items()}


def _is_regression(spec: str) -> bool:
    from sandbox.kinds.pairwise.datasets import is_regression

    return is_regression(spec)


def _load_regression(spec: str) -> Dataset:
    from sandbox.kinds.pairwise.datasets import load_regression

    return load_regression(spec)


def _user() -> dict[str, str]:
    from sandbox.kinds.pairwise.datasets import USER_DESCRIPTION

    return {"pairs:items=FILE": USER_DESCRIPTION}


def _is_user(spec: str) -> bool:
    from sandbox.kinds.pairwise.datasets import is_user_pairs

    return is_user_pairs(spec)


def _load_user(spec: str) -> Dataset:
    from sandbox.kinds.pairwise.datasets import load_user_pairs

    return load_user_pairs(spec)


SOURCES = (
    DatasetSource(
        KIND, lambda spec: spec in _bundled(), _load_bundled, _bundled, with_answers=lambda: list(_bundled())
    ),
    DatasetSource(KIND, _is_synthetic, _load_synthetic, _synthetic),
    DatasetSource(KIND, _is_regression, _load_regression, _regression),
    DatasetSource(
        KIND,
        _is_user,
        _load_user,
        _user,
        hint="pairs:items=ITEMS.csv,pairs=PAIRS.csv for pairwise preferences",
    ),
)
