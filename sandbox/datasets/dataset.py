"""The ``Dataset`` every component receives: tasks with truth, class names, optional features and answers.

Each task kind subclasses it (``sandbox.kinds.<kind>``) and names itself in ``kind``; what differs
between kinds (what annotators see of a task, which tasks gold may copy) is a method it overrides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from foundation.errors import SandboxError


@dataclass(frozen=True)
class Dataset:
    """Tasks with their true class.

    ``truth``: Series indexed by ``task`` (name ``label``), int class codes 0..K-1.
    ``classes``: the original label value of each code (``classes[code]``).
    ``features``: optional (n_tasks, n_features) array, row i describes ``truth.index[i]``.
    ``answers``: optional real crowd answers (``task, worker, label`` with label codes), for ``evaluate``.
    ``kind``: the task kind (:mod:`sandbox.kinds`) its tasks are: set by each kind's subclass.
    """

    name: str
    description: str
    truth: pd.Series
    classes: tuple[Any, ...]
    features: NDArray[Any] | None = None
    answers: pd.DataFrame | None = None
    kind: str = ""

    @property
    def n_classes(self) -> int:
        """Number of classes K."""
        return len(self.classes)

    @property
    def n_tasks(self) -> int:
        """Number of tasks with truth."""
        return len(self.truth)

    def subset(self, rows: NDArray[Any]) -> Dataset:
        """The dataset restricted to ``rows`` (positions): truth and features; no real answers."""
        return replace(
            self,
            truth=self.truth.iloc[rows],
            features=self.features[rows] if self.features is not None else None,
            answers=None,
        )

    def task_context(self) -> Any:
        """What annotators see of each task besides its truth (one entry per row), handed to the
        archetypes as ``AnswerBatch.context``: nothing here (a kind may override)."""
        return None

    def gold_rows(self) -> NDArray[Any] | None:
        """Rows that gold questions may copy (``None``: any row)."""
        return None

    def task_work(self) -> NDArray[np.float64]:
        """How much there is to do in each task relative to the average task (mean 1; answer times
        grow with it): the same for every task here (a kind may override)."""
        return np.ones(self.n_tasks)

    def class_prior(self) -> NDArray[Any]:
        """Share of each class in the truth (length K, sums to 1)."""
        counts = np.bincount(self.truth.to_numpy(), minlength=self.n_classes)
        return counts / max(counts.sum(), 1)


def class_codes(values: Sequence[Any] | pd.Series, classes: Sequence[Any]) -> NDArray[Any]:
    """Map label values to their int code (position in ``classes``); unknown values are an error."""
    lookup = pd.Index(list(classes))
    codes = lookup.get_indexer(pd.Series(values).to_numpy())
    if (codes < 0).any():
        unknown = pd.Series(values)[codes < 0].iloc[0]
        raise SandboxError(f"label {unknown!r} is not one of the classes {list(classes)}")
    return codes.astype(np.int64)


def sorted_classes(*columns: pd.Series) -> tuple[Any, ...]:
    """The sorted union of the label values found in ``columns`` (defines the codes)."""
    values = pd.concat([c.dropna() for c in columns]).unique()
    try:
        return tuple(sorted(values.tolist()))
    except TypeError:  # mixed types: sort by text
        return tuple(sorted(values.tolist(), key=str))


def truth_series(tasks: Sequence[Any] | pd.Index | pd.Series, codes: NDArray[Any]) -> pd.Series:
    """Build the truth Series (index ``task``, name ``label``) from tasks and int codes."""
    return pd.Series(np.asarray(codes, dtype=np.int64), index=pd.Index(tasks, name="task"), name="label")
