"""The items file of a pairwise export (``--items ITEMS.csv``): what is known of each compared item.

Columns: ``item`` (the ids the answers compare; one row per item) and numeric columns — features
such as ``length`` (a rater may be swayed by them: the report tests every one for a bias, fit and
validate use ``length``, else the first feature, as the bias feature), and ``score`` when the true
quality is known (it is then the gold: higher = better). Every cell of a numeric column must be a
finite number; text columns, repeated or empty items are one-line errors. Item ids are written in the
answers' value type (``3`` and ``"3"`` are one item); items the answers never compare are kept (they
do no harm) and items of the answers the file lacks simply have no features.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from foundation.errors import SandboxError
from sandbox.io.files.tables import numbers, read_table, require_columns
from sandbox.io.values import in_type_of

#: The quality column (gold) of an items file.
SCORE = "score"
#: The feature that fit and validate use for the length bias when the items have it.
LENGTH = "length"


def read_item_table(path: str | Path, answers: pd.DataFrame) -> pd.DataFrame:
    """The items file (see the module docstring) indexed by ``item`` in the answers' value type;
    SandboxError naming the file, the row or the column otherwise."""
    source = str(path)
    table = read_table(path, "items")
    require_columns(table, ("item",), source)
    items = table["item"]
    if items.isna().any() or items.duplicated().any():
        bad = items[items.isna() | items.duplicated()].iloc[0]
        raise SandboxError(f"{source}: item {bad!r} is empty or appears twice; one row per item")
    columns = [c for c in table.columns if c != "item"]
    if not columns:
        raise SandboxError(f"{source}: no feature or score column besides item (e.g. length, score)")
    parsed = pd.DataFrame(
        {
            column: numbers(
                table[column].reset_index(drop=True), source, "number (a feature such as length, or score)"
            )
            for column in columns
        }
    )
    ids = in_type_of(items.reset_index(drop=True), answers["left"])
    frame = parsed.set_axis(pd.Index(ids.to_numpy(), name="item"))
    if frame.index.duplicated().any():
        raise SandboxError(f"{source}: two rows name the same item once written like the answers' ids")
    compared = pd.unique(pd.concat([answers["left"], answers["right"]], ignore_index=True))
    if not frame.index.isin(compared).any():
        raise SandboxError(f"{source}: no item of the file is compared in the answers")
    return frame


def features_of(items: pd.DataFrame | None) -> list[str]:
    """The numeric feature columns (every column but ``score``)."""
    return [] if items is None else [str(c) for c in items.columns if c != SCORE]


def bias_feature(items: pd.DataFrame | None) -> str | None:
    """The feature fit and validate use for the length bias: ``length``, else the first feature."""
    features = features_of(items)
    if LENGTH in features:
        return LENGTH
    return features[0] if features else None


def item_scores(items: pd.DataFrame | None) -> pd.Series | None:
    """The true quality by item (the ``score`` column), or None."""
    if items is None or SCORE not in items.columns:
        return None
    return items[SCORE].rename("score")
