"""Where ratings datasets come from, as registered dataset sources: the synthetic generator,
scikit-learn's regression sets binned onto a scale, and a user's items file (see
:mod:`sandbox.kinds.ratings.datasets`). Each source imports its loader when first asked."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sandbox.datasets import DatasetSource
from sandbox.kinds.ratings.kind import KIND

if TYPE_CHECKING:
    from sandbox.datasets.dataset import Dataset


def _is_synthetic(spec: str) -> bool:
    from sandbox.kinds.ratings.datasets import is_synthetic_ratings

    return is_synthetic_ratings(spec)


def _synthetic() -> dict[str, str]:
    from sandbox.kinds.ratings.datasets import SYNTHETIC_DESCRIPTION, SYNTHETIC_NAME

    return {SYNTHETIC_NAME: SYNTHETIC_DESCRIPTION}


def _load_synthetic(spec: str) -> Dataset:
    from sandbox.kinds.ratings.datasets import make_synthetic_ratings

    return make_synthetic_ratings(spec)


def _regression() -> dict[str, str]:
    from sandbox.kinds.ratings.datasets import SKLEARN_REGRESSION

    return {name: description for name, (_, description) in SKLEARN_REGRESSION.items()}


def _is_regression(spec: str) -> bool:
    from sandbox.kinds.ratings.datasets import is_regression

    return is_regression(spec)


def _load_regression(spec: str) -> Dataset:
    from sandbox.kinds.ratings.datasets import load_regression

    return load_regression(spec)


def _user() -> dict[str, str]:
    from sandbox.kinds.ratings.datasets import USER_DESCRIPTION

    return {"ratings:items=FILE,scale=1-5": USER_DESCRIPTION}


def _is_user(spec: str) -> bool:
    from sandbox.kinds.ratings.datasets import is_user_ratings

    return is_user_ratings(spec)


def _load_user(spec: str) -> Dataset:
    from sandbox.kinds.ratings.datasets import load_user_ratings

    return load_user_ratings(spec)


SOURCES = (
    DatasetSource(KIND, _is_synthetic, _load_synthetic, _synthetic),
    DatasetSource(KIND, _is_regression, _load_regression, _regression),
    DatasetSource(
        KIND,
        _is_user,
        _load_user,
        _user,
        hint="ratings:items=ITEMS.csv,scale=1-5 for ratings on a scale",
    ),
)
