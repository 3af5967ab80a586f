"""Classification datasets: each task has one true class (``truth``: class codes, ``classes``: the
label value of each code), optionally features per task (a downstream model) and real answers."""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.datasets.dataset import Dataset
from sandbox.kinds.classification.kind import KIND


@dataclass(frozen=True)
class ClassificationDataset(Dataset):
    """A :class:`~sandbox.datasets.dataset.Dataset` of classification tasks."""

    kind: str = KIND
