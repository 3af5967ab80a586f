"""A user's own CSV/Parquet dataset: a ``task`` column, a truth column, optional numeric features."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from foundation.errors import SandboxError
from sandbox.datasets.dataset import Dataset, class_codes, sorted_classes, truth_series
from sandbox.io.files.tables import numbers, read_table, require_columns
from sandbox.io.values import one_type
from sandbox.kinds.classification.dataset import ClassificationDataset

TRUTH_COLUMNS = ("label", "truth")
USER_FILE_SUFFIXES = (".csv", ".parquet", ".pq")


def load_user_file(path: str | Path) -> Dataset:
    """Load ``path``: column ``task``, truth in ``label`` (or ``truth``), other columns numeric features."""
    source = str(path)
    table = read_table(path, "dataset")
    require_columns(table, ("task",), source)
    present = [c for c in TRUTH_COLUMNS if c in table.columns]
    if not present:
        require_columns(table, ("task", "label"), source)  # raises, naming the missing truth column
    truth_column = present[0]
    table = table.reset_index(drop=True)
    table[truth_column] = one_type(table[truth_column], source)  # ids and labels: sandbox.io.values
    table["task"] = one_type(table["task"], source)
    duplicated = table["task"].duplicated()
    if duplicated.any():
        raise SandboxError(
            f"{source}: task {table['task'][duplicated].iloc[0]} appears twice; one row per task"
        )
    classes = sorted_classes(table[truth_column])
    if len(classes) < 2:
        raise SandboxError(f"{source}: the {truth_column} column has {len(classes)} class; needs >= 2")
    return ClassificationDataset(
        name=Path(path).stem,
        description=f"user file {source}",
        truth=truth_series(table["task"], class_codes(table[truth_column], classes)),
        classes=classes,
        features=_features(table.drop(columns=["task", truth_column]), source),
    )


def _features(columns: pd.DataFrame, source: str) -> NDArray[Any] | None:
    """The other columns as numeric features (every cell a finite number)."""
    if columns.shape[1] == 0:
        return None
    return np.column_stack([numbers(columns[name], source, "feature value") for name in columns.columns])
