"""Scoring answers: every aggregator run on the answers and scored by the task kind's scorer, with the
answers' size, cost and agreement. Pure: data in, data out; simulated and real answers alike."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd
from numpy.typing import NDArray

from foundation.errors import describe_error
from sandbox.aggregation.aggregate import Aggregation
from sandbox.aggregation.ties import TieBreak
from sandbox.datasets.dataset import Dataset
from sandbox.kinds.base import ScoringInputs, TaskKind
from sandbox.metrics.outcome import AggregatorScore, Outcome


def score_answers(
    answers: pd.DataFrame,
    truth: pd.Series,
    aggregators: Sequence[str],
    cost: float,
    workers: pd.DataFrame | None = None,
    dataset: Dataset | None = None,
    engine: str = "fast",
    isolate_errors: bool = False,
    misleading: pd.Series | None = None,
    progress: Callable[[str], None] | None = None,
    *,
    kind: TaskKind,
    params: Mapping[str, Mapping[str, Any]] | None = None,
    ties: TieBreak | None = None,
    reference: NDArray[Any] | None = None,
    fixed: Sequence[Aggregation] = (),
) -> Outcome:
    """Aggregate ``answers`` with each aggregator (``engine``) and score against ``truth`` with the
    aggregation entry and the scorer of their task ``kind`` (``params``: hyperparameters by
    aggregator name, validated; ``ties``: the tie rule of every argmax, :mod:`sandbox.aggregation.ties`);
    the answers' agreement is the kind's (``TaskKind.agreement``).

    ``workers`` (hidden traits, simulations) enables skill and cheater-detection scores; ``dataset``
    with features enables downstream scores and sets the task count for coverage. With
    ``isolate_errors`` an aggregator that raises is recorded in ``Outcome.errors`` and the others
    are still scored; without it the error propagates. ``reference``: the campaign's reference
    model's answer per dataset row, when it had one (compared with the downstream model).
    ``progress(stage)`` is called once the scorer is set up and after each aggregator. ``fixed``:
    answers given from outside (a reference model's, as an aggregation under its own name), scored
    after the aggregators like one of them.
    """
    scorer = kind.scorer(ScoringInputs(answers, truth, cost, workers, dataset, misleading, reference))
    scores: list[AggregatorScore] = []
    aggregations: dict[str, Aggregation] = {}
    errors: dict[str, str] = {}
    alpha = kind.agreement(answers) if len(answers) else float("nan")
    if progress is not None:
        progress("scoring set-up")
    for name in aggregators:
        try:
            result = kind.aggregate(name, answers, engine, (params or {}).get(name), ties)
            score = scorer.score(result)
        except Exception as error:
            if not isolate_errors:
                raise
            errors[name] = describe_error(error)
            if progress is not None:
                progress(name)
            continue
        aggregations[name] = result
        scores.append(score)
        if progress is not None:
            progress(name)
    for given in fixed:
        aggregations[given.aggregator] = given
        scores.append(scorer.score(given))
    return Outcome(
        n_tasks=int(answers["task"].nunique()),
        n_workers=int(answers["worker"].nunique()),
        n_labels=len(answers),
        cost=cost,
        krippendorff_alpha=alpha,
        scores=scores,
        aggregations=aggregations,
        downstream_accuracy_clean=scorer.downstream_accuracy_clean,
        errors=errors,
        table_extras=kind.table_extras,
    )
