"""Which annotators to trust: a report on real (or simulated) answers.

:func:`build_report` takes the answers table (``task, worker, label``), optional gold (Series
indexed by task) and a consensus aggregator (crowd-kit convention: ``fit_predict_proba``), and gives

- per annotator: answers, agreement with the consensus, accuracy on gold (where gold exists),
  Dawid–Skene estimated accuracy and confusion, and a suspected-spammer flag with its reason;
- per task: consensus, its confidence (the aggregator's top probability), answers, gold;
- overall: Krippendorff's alpha (crowd-kit), the consensus accuracy on gold, counts.

Spammer rules (checked in this order, on workers with at least ``MIN_ANSWERS`` (10) answers):
``fixed_spammer`` — one label in ≥ 90 % of the answers while that label is the consensus of
< 70 % of the same tasks; ``adversary`` — Dawid–Skene accuracy below chance − 0.1 (systematically
wrong); ``uniform_spammer`` — Dawid–Skene accuracy within 0.1 of chance (answers carry no signal).
Chance is the accuracy of guessing from the consensus class frequencies.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from annotators.errors import SandboxError
from sandbox.aggregation.aggregate import Aggregation
from sandbox.aggregation.crowdkit_adapter import confusion_skills
from sandbox.metrics.labels import krippendorff_alpha

FIXED_SHARE = 0.9
FIXED_CONSENSUS_SHARE = 0.7
CHANCE_MARGIN = 0.1
MIN_ANSWERS = 10  # Dawid–Skene estimates of fewer answers are mostly the prior


@dataclass(frozen=True)
class AnnotatorReport:
    """The report's three parts and the per-worker Dawid–Skene confusions.

    Attributes:
        annotators: DataFrame indexed by ``worker``: ``answers, agreement, gold_answers,
            gold_accuracy, ds_accuracy, top_label, top_label_share, suspect, archetype, reason``.
        tasks: DataFrame indexed by ``task``: ``consensus, confidence, answers`` (+ ``gold``).
        overall: flat dict of numbers (alpha, consensus accuracy on gold, counts).
        confusions: worker → DataFrame (rows: true label, columns: answered label), rows sum to 1.
        priors: Series indexed by label: Dawid–Skene's class priors.
    """

    annotators: pd.DataFrame
    tasks: pd.DataFrame
    overall: dict[str, Any]
    confusions: dict[Any, pd.DataFrame] = field(default_factory=dict)
    priors: pd.Series | None = None


def dawid_skene(answers: pd.DataFrame, n_iter: int = 100) -> Any:
    """Fit crowd-kit's DawidSkene on ``answers`` and return the fitted model."""
    from crowdkit.aggregation import DawidSkene

    return DawidSkene(n_iter=n_iter).fit(answers)


def confusions_of(ds: Any, labels: list[Any]) -> dict[Any, pd.DataFrame]:
    """Per-worker confusion (true × answered) from a fitted DawidSkene's ``errors_``."""
    errors: pd.DataFrame = ds.errors_
    out = {}
    for worker, block in errors.groupby(level="worker", sort=False):
        observed = block.droplevel("worker").reindex(index=labels, columns=labels, fill_value=0.0)
        matrix = observed.T  # errors_ is P(answered | true) with answered on rows
        sums = matrix.sum(axis=1).replace(0.0, 1.0)
        out[worker] = matrix.div(sums, axis=0)
    return out


def _show(value: Any) -> str:
    """A label for a message: numpy scalars as plain Python values."""
    return repr(value.item() if isinstance(value, np.generic) else value)


def _flag(row: Mapping[Hashable, Any], chance: float, consensus_share: float) -> tuple[str, str]:
    """(archetype, reason) for one annotator row."""
    if row["answers"] < MIN_ANSWERS:
        return "honest", f"too few answers to judge ({int(row['answers'])} < {MIN_ANSWERS})"
    if row["top_label_share"] >= FIXED_SHARE and consensus_share < FIXED_CONSENSUS_SHARE:
        return "fixed_spammer", (
            f"answers {_show(row['top_label'])} in {row['top_label_share']:.0%} of answers; "
            f"the consensus is {_show(row['top_label'])} on {consensus_share:.0%} of those tasks"
        )
    accuracy = row["ds_accuracy"]
    if accuracy < chance - CHANCE_MARGIN:
        return "adversary", (
            f"estimated accuracy {accuracy:.2f} is below chance {chance:.2f}: systematically wrong"
        )
    if accuracy < chance + CHANCE_MARGIN:
        return "uniform_spammer", (
            f"estimated accuracy {accuracy:.2f} is within {CHANCE_MARGIN} of chance {chance:.2f}"
        )
    return "honest", ""


class PrecomputedAggregator:
    """crowd-kit's ``fit_predict_proba`` over an aggregation already computed (for ``build_report``);
    an aggregator without posteriors gives its labels as one-hot probabilities."""

    def __init__(self, aggregation: Aggregation) -> None:
        self.aggregation = aggregation

    def fit_predict_proba(self, answers: pd.DataFrame) -> pd.DataFrame:
        if self.aggregation.probas is not None:
            return self.aggregation.probas
        return pd.get_dummies(self.aggregation.labels).astype(float)


def build_report(
    answers: pd.DataFrame,
    *,
    aggregator: Any,
    gold: pd.Series | None = None,
    ds_iterations: int = 100,
) -> AnnotatorReport:
    """Build the annotator report (see the module docstring)."""
    if answers.empty:
        raise SandboxError("no answers to report on")
    labels = sorted(answers["label"].unique().tolist())
    probas: pd.DataFrame = aggregator.fit_predict_proba(answers)
    probas = probas.reindex(columns=labels, fill_value=0.0)
    consensus = probas.idxmax(axis=1)  # first maximum: ties go to the smallest label
    tasks = pd.DataFrame(
        {
            "consensus": consensus,
            "confidence": probas.max(axis=1),
            "answers": answers.groupby("task").size(),
        }
    )
    tasks.index.name = "task"

    ds = dawid_skene(answers, ds_iterations)
    priors = ds.priors_.reindex(labels, fill_value=0.0)
    confusions = confusions_of(ds, labels)
    frame = answers.assign(consensus=answers["task"].map(consensus))
    frame["agrees"] = frame["label"] == frame["consensus"]
    by_worker = frame.groupby("worker", sort=True)
    counts = frame.groupby(["worker", "label"], sort=True).size().unstack(fill_value=0)
    annotators = pd.DataFrame(
        {
            "answers": by_worker.size(),
            "agreement": by_worker["agrees"].mean(),
            # first maximum in sorted label order: ties go to the smallest label
            "top_label": counts.idxmax(axis=1),
            "top_label_share": counts.max(axis=1) / counts.sum(axis=1),
        }
    )
    mass = ds.probas_.reindex(answers["task"]).set_axis(answers.index).groupby(answers["worker"]).sum()
    annotators["ds_accuracy"] = confusion_skills(ds.errors_, ds.priors_, mass).reindex(annotators.index)
    if gold is not None:
        known = frame[frame["task"].isin(gold.index)]
        correct = known["label"] == known["task"].map(gold)
        per = correct.groupby(known["worker"])
        annotators["gold_answers"] = per.size().reindex(annotators.index, fill_value=0)
        annotators["gold_accuracy"] = per.mean().reindex(annotators.index)
        tasks["gold"] = gold.reindex(tasks.index)
    chance = float((consensus.value_counts(normalize=True) ** 2).sum())
    flags = []
    for worker, row in annotators.to_dict("index").items():  # keeps each column's type
        mine = frame[frame["worker"] == worker]
        share = float((mine["consensus"] == row["top_label"]).mean())
        flags.append(_flag(row, chance, share))
    annotators["archetype"] = [a for a, _ in flags]
    annotators["suspect"] = annotators["archetype"] != "honest"
    annotators["reason"] = [r for _, r in flags]
    annotators.index.name = "worker"

    overall: dict[str, Any] = {
        "tasks": int(tasks.shape[0]),
        "workers": int(annotators.shape[0]),
        "answers": len(answers),
        "labels": len(labels),
        "krippendorff_alpha": krippendorff_alpha(answers),  # NaN when undefined (one answer per task)
        "suspected_spammers": int(annotators["suspect"].sum()),
        "chance_accuracy": chance,
    }
    if gold is not None:
        scored = tasks.dropna(subset=["gold"])
        overall["gold_tasks"] = len(scored)
        overall["consensus_accuracy_on_gold"] = (
            float((scored["consensus"] == scored["gold"]).mean()) if len(scored) else float("nan")
        )
    return AnnotatorReport(
        annotators=annotators, tasks=tasks, overall=overall, confusions=confusions, priors=priors
    )
