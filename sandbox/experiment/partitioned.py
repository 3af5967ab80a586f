"""``evaluate`` over answers larger than memory: a directory or glob of Parquet partitions,
aggregated out of core (MV, Dawid–Skene) in this process or on a Dask cluster, scored on gold.

Scores are the in-memory ones (the kind's scorer on the same labels); what needs every
answer at once is left out: Krippendorff's alpha is NaN (null in JSON) and there are no worker
skills.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sandbox.aggregation.out_of_core import (
    Reductions,
    Sizes,
    StreamedReductions,
    aggregate_streamed,
    check_out_of_core,
)
from sandbox.aggregation.ties import DEFAULT_TIES, TieBreak
from sandbox.io.partitioned.cluster import connect
from sandbox.io.partitioned.reader import (
    BATCH_ROWS,
    Dictionaries,
    build_dictionaries,
    coded_batches,
    discover,
)
from sandbox.kinds.base import ScoringInputs, TaskKind
from sandbox.metrics.outcome import Outcome


@dataclass(frozen=True)
class PartitionedResult:
    """The outcome of a partitioned set, where it came from, and how many gold tasks scored it."""

    source: str
    partitions: int
    outcome: Outcome
    gold_size: int
    passes: dict[str, int]


def distinct_frame(dictionaries: Dictionaries) -> pd.DataFrame:
    """A small ``task, label`` frame holding every distinct task and label (in the answers' value
    types): what gold is aligned with instead of the answers themselves."""
    tasks, labels = dictionaries.names("task"), dictionaries.names("label")
    rows = max(len(tasks), len(labels))
    return pd.DataFrame(
        {
            "task": np.resize(tasks.to_numpy(), rows),
            "label": np.resize(labels.to_numpy(), rows),
        }
    )


def evaluate_partitioned(
    kind: TaskKind,
    answers: str,
    gold_path: str | None,
    aggregators: Sequence[str],
    cost_per_label: float = 0.0,
    scheduler: str | None = None,
    batch_rows: int = BATCH_ROWS,
    ties: TieBreak = DEFAULT_TIES,
) -> PartitionedResult:
    """Aggregate the partitions matched by ``answers`` with ``aggregators`` (``mv``, ``ds``; ties
    broken by ``ties``) and score them with the scorer of ``kind`` (a kind whose answers are
    ``task, worker, label``) against the gold file, if any; on the Dask ``scheduler`` when given."""
    check_out_of_core(aggregators)
    paths = discover(answers)
    dictionaries = build_dictionaries(paths, batch_rows)
    sizes = Sizes(len(dictionaries.tasks), len(dictionaries.workers), len(dictionaries.labels))
    names = {c: dictionaries.names(c) for c in ("task", "worker", "label")}
    reference = distinct_frame(dictionaries)
    if gold_path is not None:
        gold = kind.gold_file(gold_path, reference)
    else:
        gold = pd.Series(dtype=object, name="label", index=pd.Index([], name="task"))
    cost = dictionaries.n_answers * cost_per_label
    scorer = kind.scorer(ScoringInputs(pd.DataFrame({"task": names["task"]}), gold, cost, None, None, None))
    client = connect(scheduler) if scheduler else None
    scores, aggregations, passes = [], {}, {}
    try:
        for name in aggregators:
            reductions: Reductions
            if client is not None:
                from sandbox.experiment.dask_reductions import DaskReductions

                reductions = DaskReductions(client, paths, dictionaries, sizes, batch_rows)
            else:
                reductions = StreamedReductions(lambda: coded_batches(paths, dictionaries, batch_rows), sizes)
            result = aggregate_streamed(
                name, reductions, names["task"], names["worker"], names["label"], ties
            )
            aggregations[name] = result
            scores.append(scorer.score(result))
            passes[name] = reductions.passes
    finally:
        if client is not None:
            client.close()
    outcome = Outcome(
        n_tasks=sizes.n_tasks,
        n_workers=sizes.n_workers,
        n_labels=dictionaries.n_answers,
        cost=cost,
        krippendorff_alpha=math.nan,  # needs every answer at once
        scores=scores,
        aggregations=aggregations,
        table_extras=kind.table_extras,
    )
    source = Path(answers).name if Path(answers).is_dir() else answers
    return PartitionedResult(source, len(paths), outcome, len(gold), passes)
