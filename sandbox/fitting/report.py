"""What a report on an export's annotators is, whatever the task kind: per annotator (with a
verdict: the archetype they look like and why), per task, overall."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from sandbox.metrics.agreement_report import AgreementReport


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
        evidence: worker → what each of their flags rests on (``Evidence.to_dict()``: flag, count,
            n, rate, reference rate, adjusted p-value), for the reports whose flags are tests.
        agreement: the answers' agreement statistics (alpha with its interval, Fleiss' and pairwise
            Cohen's kappa, per task), for the reports that compute them.
        removal: what removing the suspects changes (:class:`Removal`), for the kinds that
            re-aggregate without them.
    """

    annotators: pd.DataFrame
    tasks: pd.DataFrame
    overall: dict[str, Any]
    confusions: dict[Any, pd.DataFrame] = field(default_factory=dict)
    priors: pd.Series | None = None
    evidence: dict[Any, list[dict[str, Any]]] = field(default_factory=dict)
    agreement: AgreementReport | None = None
    removal: Removal | None = None


@dataclass(frozen=True)
class Removal:
    """What the consensus becomes without the suspects.

    Attributes:
        removed: the workers left out.
        effects: flat dict: tasks compared, share of their consensus that changes (with a bootstrap
            interval over tasks), tasks left without answers, and with gold the accuracy before,
            after and its change (with its interval).
        changed: per task whose consensus changes: ``before``, ``after`` (+ ``gold``).
    """

    removed: list[Any]
    effects: dict[str, Any]
    changed: pd.DataFrame


def add_verdicts(annotators: pd.DataFrame, flags: list[tuple[str, str]]) -> None:
    """Write each annotator's ``archetype``, ``suspect`` (not honest) and ``reason`` columns from
    ``flags`` (one ``(archetype, reason)`` per row) and name the index ``worker``."""
    annotators["archetype"] = [archetype for archetype, _ in flags]
    annotators["suspect"] = annotators["archetype"] != "honest"
    annotators["reason"] = [reason for _, reason in flags]
    annotators.index.name = "worker"
