"""Where pairwise datasets come from, as registered dataset sources: the bundled real preference
crowds (:mod:`sandbox.kinds.pairwise.bundled`), the synthetic generator, scikit-learn's regression
sets and a user's items and pairs files (see :mod:`sandbox.kinds.pairwise.datasets`). Each module
is imported when a source is first asked."""

from __future__ import annotations

from sandbox.datasets import DatasetSource, deferred
from sandbox.kinds.pairwise.kind import KIND

_BUNDLED = "sandbox.kinds.pairwise.bundled"
_DATASETS = "sandbox.kinds.pairwise.datasets"
_bundled = deferred(_BUNDLED, "listing")

SOURCES = (
    DatasetSource(
        KIND,
        lambda spec: spec in _bundled(),
        deferred(_BUNDLED, "load_bundled_pairs"),
        _bundled,
        with_answers=lambda: list(_bundled()),
    ),
    DatasetSource(
        KIND,
        deferred(_DATASETS, "is_synthetic_pairs"),
        deferred(_DATASETS, "make_synthetic_pairs"),
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
        deferred(_DATASETS, "is_user_pairs"),
        deferred(_DATASETS, "load_user_pairs"),
        deferred(_DATASETS, "user_listing"),
        hint="pairs:items=ITEMS.csv,pairs=PAIRS.csv for pairwise preferences",
    ),
)
