"""Where ratings datasets come from, as registered dataset sources: the synthetic generator,
scikit-learn's regression sets binned onto a scale, and a user's items file (see
:mod:`sandbox.kinds.ratings.datasets`, imported when a source is first asked)."""

from __future__ import annotations

from sandbox.datasets import DatasetSource, deferred
from sandbox.kinds.ratings.kind import KIND

_DATASETS = "sandbox.kinds.ratings.datasets"

SOURCES = (
    DatasetSource(
        KIND,
        deferred(_DATASETS, "is_synthetic_ratings"),
        deferred(_DATASETS, "make_synthetic_ratings"),
        deferred(_DATASETS, "synthetic_listing"),
    ),
    DatasetSource(
        KIND,
        deferred(_DATASETS, "is_regression"),
        deferred(_DATASETS, "load_regression"),
        deferred(_DATASETS, "regression_listing"),
    ),
    DatasetSource(
        KIND,
        deferred(_DATASETS, "is_user_ratings"),
        deferred(_DATASETS, "load_user_ratings"),
        deferred(_DATASETS, "user_listing"),
        hint="ratings:items=ITEMS.csv,scale=1-5 for ratings on a scale",
    ),
)
