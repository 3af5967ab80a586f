"""Ratings datasets: items with a true score on a declared scale.

A :class:`RatingsDataset` is a :class:`Dataset` whose tasks are the items and whose truth per item
is the grid code of its true score (the nearest point of the scale: see
:class:`~annotators.archetypes.ratings.Scale`), so the campaign engine (gold, bans, qualification,
adaptive redundancy) runs on items unchanged; ``scores`` holds the true score itself (on the scale,
not rounded), which the archetypes see and scoring compares with. ``item_features`` (optional)
describe the items for a downstream regressor; they are kept apart from ``features`` (which the
campaign reads as a classifier's input for task difficulty) because a regression target is not a
class.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from annotators.archetypes.ratings import RatingContext, Scale
from foundation.errors import SandboxError
from sandbox.datasets.dataset import Dataset, truth_series
from sandbox.kinds.ratings.kind import KIND


def _no_scores() -> pd.Series:
    return pd.Series(dtype=float, name="score", index=pd.Index([], name="task"))


@dataclass(frozen=True)
class RatingsDataset(Dataset):
    """Items rated on ``scale`` (see the module docstring).

    ``scores``: Series by task (the truth's index), the true score on the scale (NaN where unknown:
    real answers without gold). ``item_features``: n_tasks × F (rows as ``truth``), named
    ``feature_names``. ``tolerance``: how far from the true score a gold answer may be and count as
    right (scale units).
    """

    kind: str = KIND
    scale: Scale = field(default_factory=lambda: Scale(1.0, 5.0))
    scores: pd.Series = field(default_factory=_no_scores)
    item_features: NDArray[Any] | None = None
    feature_names: tuple[str, ...] = ()
    tolerance: float = 0.5

    @property
    def has_scores(self) -> bool:
        """Whether every item has a true score."""
        return bool(len(self.scores)) and bool(self.scores.notna().all())

    def task_context(self) -> RatingContext:
        """The items as raters see them: true positions on the range, and the scale."""
        return RatingContext(quality=self.scale.to_unit(self.scores.to_numpy(dtype=float)), scale=self.scale)

    def subset(self, rows: NDArray[Any]) -> RatingsDataset:
        """The dataset with only the items at ``rows`` (positions)."""
        return RatingsDataset(
            name=self.name,
            description=self.description,
            truth=self.truth.iloc[rows],
            classes=self.classes,
            scale=self.scale,
            scores=self.scores.iloc[rows],
            item_features=None if self.item_features is None else self.item_features[rows],
            feature_names=self.feature_names,
            tolerance=self.tolerance,
        )


def make_ratings(
    name: str,
    description: str,
    scores: pd.Series,
    scale: Scale,
    *,
    item_features: NDArray[Any] | None = None,
    feature_names: tuple[str, ...] = (),
    tolerance: float | None = None,
) -> RatingsDataset:
    """A dataset of items with true ``scores`` (Series by task, on ``scale``; every score known);
    truth = each score's grid code. SandboxError for a score off the scale."""
    from sandbox.kinds.ratings.rules import default_tolerance

    values = scores.to_numpy(dtype=float)
    if not np.isfinite(values).all():
        raise SandboxError(f"{name}: every item needs a finite true score to be simulated")
    outside = (values < scale.low) | (values > scale.high)
    if outside.any():
        raise SandboxError(
            f"{name}: item {scores.index[int(np.flatnonzero(outside)[0])]!r} has score "
            f"{values[outside][0]:g}, outside the scale {scale}"
        )
    if tolerance is not None and not (np.isfinite(tolerance) and 0 <= tolerance <= scale.span):
        raise SandboxError(
            f"{name}: tolerance must be in [0, {scale.span:g}] (scale units), got {tolerance:g}"
        )
    index = pd.Index(scores.index, name="task")
    grid = scale.grid()
    classes = tuple(int(v) for v in grid) if scale.integer else tuple(float(v) for v in grid)
    return RatingsDataset(
        name=name,
        description=description,
        truth=truth_series(index, scale.grid_code(values)),
        classes=classes,
        scale=scale,
        scores=pd.Series(values, index=index, name="score"),
        item_features=item_features,
        feature_names=feature_names,
        tolerance=default_tolerance(scale) if tolerance is None else float(tolerance),
    )


def campaign_answers(answers: pd.DataFrame, dataset: Dataset) -> pd.DataFrame:
    """A campaign's ``task, worker, label`` as ratings answers (the label is the rating, a float)."""
    if not isinstance(dataset, RatingsDataset):
        raise SandboxError("ratings answers are scored against a ratings dataset (items on a scale)")
    frame = answers[["task", "worker", "label"]].astype({"label": float})
    frame.attrs["scale"] = str(dataset.scale)
    return frame
