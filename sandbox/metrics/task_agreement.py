"""How much each task's answers agree, and the tasks they agree on least.

Per task: its answers, the most chosen label (ties: the smallest), that label's share, and the
share of the task's answer pairs that agree (:func:`sandbox.metrics.fleiss.pair_agreement`: 1 when
all answers agree, NaN with a single answer). The least agreed tasks are those of lowest pair
agreement; among equals, those with more answers first (more evidence of a real disagreement).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sandbox.metrics.fleiss import pair_agreement
from sandbox.metrics.label_counts import LabelCounts

#: Tasks listed as least agreed.
LEAST_AGREED = 20


def task_agreement(table: LabelCounts) -> pd.DataFrame:
    """DataFrame indexed by ``task``: ``answers``, ``top_label``, ``top_share``, ``pair_agreement``."""
    n = table.per_task
    counts = table.counts
    rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
    # per task its largest count, the smallest label among equals (every task has an answer)
    order = np.lexsort((counts.indices, -counts.data, rows))
    first = order[np.r_[0, 1 + np.flatnonzero(np.diff(rows[order]))]] if len(order) else order
    top = np.zeros(counts.shape[0], dtype=np.int64)
    top_count = np.zeros(counts.shape[0])
    top[rows[first]] = counts.indices[first]
    top_count[rows[first]] = counts.data[first]
    with np.errstate(divide="ignore", invalid="ignore"):
        top_share = np.where(n > 0, top_count / n, np.nan)
    return pd.DataFrame(
        {
            "answers": n.astype(np.int64),
            "top_label": table.labels.to_numpy()[top],
            "top_share": top_share,
            "pair_agreement": pair_agreement(table),
        },
        index=table.tasks,
    )


def least_agreed(per_task: pd.DataFrame, limit: int = LEAST_AGREED) -> pd.DataFrame:
    """The ``limit`` tasks of lowest pair agreement (more answers first among equals; tasks with a
    single answer are not judged)."""
    judged = per_task.dropna(subset=["pair_agreement"])
    order = np.lexsort((-judged["answers"].to_numpy(), judged["pair_agreement"].to_numpy()))
    return judged.iloc[order[:limit]]
