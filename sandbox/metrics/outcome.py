"""What scoring produces: one :class:`AggregatorScore` per aggregator, gathered in an :class:`Outcome`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sandbox.aggregation.aggregate import Aggregation
    from sandbox.simulation.campaign import Campaign


@dataclass(frozen=True)
class AggregatorScore:
    """How one aggregator did.

    ``accuracy``/``f1_macro``: over tasks with truth that got a label; ``coverage``: share of the
    dataset's tasks labelled; ``cost_per_correct_label``: money per correct label. Simulation only:
    ``skill_correlation`` (Spearman, estimated vs true worker skill) and ``cheater_auc`` (ROC AUC of the
    estimated skills for telling honest workers from the rest). Datasets with features only:
    ``downstream_accuracy`` (model trained on these labels, clean test split) and
    ``downstream_accuracy_weighted`` (trained on the posteriors). ``extra``: scores particular to a
    task kind (name → value), reported beside the others. ``tied_tasks``: tasks where several labels
    shared the highest posterior, labelled by the tie rule (kinds whose methods take an argmax over
    labels; :mod:`sandbox.aggregation.ties`).
    """

    aggregator: str
    accuracy: float
    f1_macro: float
    coverage: float
    cost_per_correct_label: float
    seconds: float
    skill_correlation: float | None = None
    cheater_auc: float | None = None
    downstream_accuracy: float | None = None
    downstream_accuracy_weighted: float | None = None
    extra: Mapping[str, float | None] = field(default_factory=dict)
    tied_tasks: int | None = None


@dataclass(frozen=True)
class Outcome:
    """Scores of every aggregator on one answers table, with its size, cost and agreement.

    ``downstream_accuracy_clean``: the downstream model trained on true labels (datasets with features).
    ``campaign``: the simulated campaign (answers, workers, QC counts), when simulated.
    ``errors``: aggregator → why it failed, when scored with ``isolate_errors`` (it has no score).
    ``table_extras``: the kind-specific scores (keys of ``AggregatorScore.extra``) worth a table column.
    ``reference``: the campaign's reference model (a stand-in language model), when it had one:
    ``description`` and its ``accuracy`` on the labelled tasks.
    """

    n_tasks: int
    n_workers: int
    n_labels: int
    cost: float
    krippendorff_alpha: float
    scores: list[AggregatorScore]
    aggregations: dict[str, Aggregation] = field(repr=False)
    downstream_accuracy_clean: float | None = None
    campaign: Campaign | None = field(default=None, repr=False)
    errors: dict[str, str] = field(default_factory=dict)
    table_extras: tuple[str, ...] = ()
    reference: Mapping[str, Any] | None = None

    def score(self, aggregator: str) -> AggregatorScore:
        """The score of one aggregator."""
        return next(s for s in self.scores if s.aggregator == aggregator)
