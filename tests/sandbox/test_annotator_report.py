"""The annotator report on planted crowds and on a real dataset."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from foundation.errors import SandboxError
from sandbox.aggregation.ties import TieBreak
from sandbox.kinds.classification.report import annotator_report
from sandbox.randomness import make_rng

DATASETS = Path(__file__).resolve().parents[2] / "datasets"


def planted_crowd() -> tuple[pd.DataFrame, pd.Series]:
    """200 binary tasks; 6 honest workers (accuracy 0.9), one fixed spammer always answering 1,
    one uniform spammer, one adversary (accuracy 0.1). Everyone answers every task."""
    rng = make_rng(5)
    truth = pd.Series(rng.integers(0, 2, 200), index=pd.Index(range(200), name="task"))
    rows = []
    for task, true in truth.items():
        for i in range(6):
            rows.append((task, f"honest{i}", true if rng.random() < 0.9 else 1 - true))
        rows.append((task, "fixed", 1))
        rows.append((task, "uniform", int(rng.integers(0, 2))))
        rows.append((task, "adversary", true if rng.random() < 0.1 else 1 - true))
    return pd.DataFrame(rows, columns=["task", "worker", "label"]), truth.rename("label")


def test_planted_spammers_are_flagged_with_reasons() -> None:
    answers, truth = planted_crowd()
    report = annotator_report(answers, aggregator="mv", gold=truth)
    table = report.annotators
    assert table.loc["fixed", "archetype"] == "fixed_spammer"
    assert "answers 1 in 100% of answers" in table.loc["fixed", "reason"]
    assert table.loc["uniform", "archetype"] == "uniform_spammer"
    assert table.loc["adversary", "archetype"] == "adversary"
    honest = table.loc[[f"honest{i}" for i in range(6)]]
    assert not honest["suspect"].any()
    # gold accuracy is measured, DS estimates it without gold: both near the planted 0.9
    assert honest["gold_accuracy"].between(0.84, 0.96).all()
    assert honest["ds_accuracy"].between(0.84, 0.96).all()
    assert table.loc["adversary", "gold_accuracy"] < 0.2
    assert set(report.tasks.columns) >= {"consensus", "confidence", "answers", "gold"}
    assert report.overall["workers"] == 9
    assert report.overall["answers"] == 1800
    confusion = report.confusions["honest0"]
    assert confusion.to_numpy().sum(axis=1) == pytest.approx([1.0, 1.0])


def test_real_dataset_overall_figures() -> None:
    answers = pd.read_csv(DATASETS / "snow_rte" / "labels.csv")
    gold = pd.read_csv(DATASETS / "snow_rte" / "gold.csv").set_index("task")["label"]
    # majority vote on snow_rte: 0.9187 in the shared data README, with crowd-kit's smallest-label
    # rule; .8750 with the labels renamed (issue 22). By default the report lands between the two.
    smallest = annotator_report(answers, aggregator="mv", gold=gold, ties=TieBreak("smallest"))
    assert smallest.overall["consensus_accuracy_on_gold"] == pytest.approx(0.9187, abs=5e-5)
    report = annotator_report(answers, aggregator="mv", gold=gold)
    assert 0.8750 <= report.overall["consensus_accuracy_on_gold"] <= 0.9187
    assert report.overall["gold_tasks"] == 800
    assert 0.0 < report.overall["krippendorff_alpha"] < 1.0
    conf = report.tasks["confidence"]
    assert conf.between(0.5, 1.0).all()


def test_empty_answers_are_an_error() -> None:
    empty = pd.DataFrame(columns=["task", "worker", "label"])
    with pytest.raises(SandboxError, match="no answers"):
        annotator_report(empty, aggregator="mv")


def test_single_answer_per_task_leaves_krippendorff_alpha_undefined() -> None:
    """Nothing is pairable when every task has one answer: alpha is NaN, not a crash."""
    answers = pd.DataFrame({"task": [1, 2, 3], "worker": ["a", "b", "a"], "label": [0, 1, 1]})
    report = annotator_report(answers, aggregator="mv")
    assert pd.isna(report.overall["krippendorff_alpha"])
