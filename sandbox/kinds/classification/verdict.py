"""What ``verdict`` needs of a classification export: its gold tasks as a dataset and its crowd fitted.

The crowd is fitted on every answer (:func:`sandbox.kinds.classification.fit.fit_population`, gold where
known); the comparison then runs on the tasks with gold, whose gold is the truth both sides are
scored against, so that what is simulated is this crowd on these tasks' classes and mix.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from foundation.errors import SandboxError
from sandbox.datasets.dataset import class_codes, truth_series
from sandbox.kinds.classification.dataset import ClassificationDataset
from sandbox.kinds.classification.fit import fit_population


def verdict_inputs(
    answers: pd.DataFrame, gold: pd.Series | None, name: str, cost_per_label: float, engine: str
) -> tuple[ClassificationDataset, dict[str, Any]]:
    """(the gold tasks as a dataset, the fitted population as a TOML-shaped dict) of ``answers``
    (``task, worker, label``) and ``gold`` (by task, in the answers' value types, or None).
    SandboxError when there is no gold task: nothing would say how right either side is."""
    if gold is None or gold.empty:
        raise SandboxError(
            f"{name}: no gold, so no accuracy can be measured for the crowd or for curation; give "
            "--gold FILE (task, label) or an export with ground-truth annotations"
        )
    extra = [label for label in pd.unique(gold) if label not in set(answers["label"])]
    fitted = fit_population(
        answers,
        name="your crowd",
        gold=gold,
        cost_per_label=cost_per_label,
        engine=engine,
        extra_labels=extra,
    )
    classes = tuple(fitted.labels)
    gold = gold[gold.isin(classes)]
    truth = truth_series(gold.index, class_codes(gold, classes))
    dataset = ClassificationDataset(
        name=f"{name} ({len(truth)} gold tasks)",
        description=f"the tasks of {name} that have gold, gold as the truth",
        truth=truth,
        classes=classes,
    )
    return dataset, fitted.population
