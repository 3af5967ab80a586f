"""What a task kind provides: its answers table, how it is validated, and how aggregations are scored.

A kind (classification today; pairwise preferences next) is a seam: datasets, archetypes and
aggregators are registered with their kind in their own registries (``sandbox.datasets``,
``annotators.archetypes.ARCHETYPES_BY_KIND``, ``sandbox.aggregation.registry``); what is left —
the answers contract and the metrics — is a :class:`TaskKind` in ``sandbox.kinds``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import pandas as pd

    from sandbox.aggregation.aggregate import Aggregation
    from sandbox.datasets.dataset import Dataset
    from sandbox.metrics.outcome import AggregatorScore


@dataclass(frozen=True)
class ScoringInputs:
    """What scoring knows besides an aggregation: the answers, the truth (Series by task), the cost,
    hidden worker traits and which tasks were misleading (simulations), and the dataset (for coverage
    and downstream models)."""

    answers: pd.DataFrame
    truth: pd.Series
    cost: float
    workers: pd.DataFrame | None = None
    dataset: Dataset | None = None
    misleading: pd.Series | None = None


class Scorer(Protocol):
    """Scores aggregations of one answers table; built once per table (shared work done once)."""

    #: The downstream model trained on the truth (the ceiling), when the kind has one for the data.
    downstream_accuracy_clean: float | None

    def score(self, result: Aggregation) -> AggregatorScore:
        """How one aggregator did."""
        ...


@dataclass(frozen=True)
class TaskKind:
    """A kind of task: ``answer_columns`` of its answers table, ``validate_answers(table, source)``
    (where answers enter: one value type per column, no empty cells), ``scorer(inputs)``,
    ``aggregate(name, answers, engine)`` (its aggregation entry), ``from_campaign(answers, dataset)``
    (a simulated campaign's ``task, worker, label`` codes as the kind's answers table) and the
    aggregators used when none are named (``default_aggregators``; ``default_aggregator`` where one
    method is asked for); ``table_extras``: its kind-specific scores shown as table columns."""

    name: str
    summary: str
    answer_columns: tuple[str, ...]
    validate_answers: Callable[[pd.DataFrame, str], pd.DataFrame]
    scorer: Callable[[ScoringInputs], Scorer]
    aggregate: Callable[[str, pd.DataFrame, str], Aggregation]
    from_campaign: Callable[[pd.DataFrame, Dataset], pd.DataFrame]
    default_aggregators: tuple[str, ...]
    default_aggregator: str
    table_extras: tuple[str, ...] = ()
