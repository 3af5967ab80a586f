"""A user's own CSV/Parquet dataset: a ``task`` column, a truth column, optional numeric features."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from numpy.typing import NDArray

from foundation.errors import SandboxError
from sandbox.datasets.dataset import Dataset, class_codes, sorted_classes, truth_series
from sandbox.io.files.tables import read_table, require_columns
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
    if table["task"].isna().any() or table[truth_column].isna().any():
        raise SandboxError(f"{source}: every row needs a task and a {truth_column}")
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
    if columns.empty or columns.shape[1] == 0:
        return None
    for name in columns.columns:
        if not pd.api.types.is_numeric_dtype(columns[name]):
            raise SandboxError(f"{source}: feature column {name!r} must be numeric")
    if columns.isna().any().any():
        raise SandboxError(f"{source}: feature columns must not have empty cells")
    return columns.to_numpy(dtype=float)
