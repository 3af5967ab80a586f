"""Agreement among the answers themselves, before any aggregation."""

from __future__ import annotations

import math

import pandas as pd
from crowdkit.metrics.data import alpha_krippendorff

from sandbox.aggregation.crowdkit_adapter import quiet_crowdkit


def krippendorff_alpha(answers: pd.DataFrame) -> float:
    """Krippendorff's alpha (nominal) of the answers — agreement beyond chance, crowd-kit's implementation.

    NaN when undefined: no task has two answers, or every answer is the same class.
    """
    if not (answers["task"].value_counts() >= 2).any() or answers["label"].nunique() < 2:
        return math.nan
    with quiet_crowdkit():
        return float(alpha_krippendorff(answers[["task", "worker", "label"]]))
