"""The shared chart builders of a report on an export: what each chart is drawn from."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sandbox.kinds.classification.readers import load_answers
from sandbox.kinds.classification.report import annotator_report
from sandbox.reporting.export_charts import (
    accuracy_table,
    confusion_table,
    export_figures,
    kappa_table,
    seconds_table,
    task_agreement_table,
)

DATASETS = Path(__file__).resolve().parents[2] / "datasets"
FIXTURES = Path(__file__).resolve().parents[1] / "importers" / "fixtures"


@pytest.fixture(scope="module")
def rte() -> tuple[object, pd.DataFrame, pd.Series]:
    answers = pd.read_csv(DATASETS / "snow_rte" / "labels.csv")
    gold = pd.read_csv(DATASETS / "snow_rte" / "gold.csv").set_index("task")["label"]
    return annotator_report(answers, aggregator="mv", gold=gold, resamples=50), answers, gold


def test_the_tables_are_bounded_and_count_what_they_show(rte: tuple) -> None:
    report, answers, _gold = rte
    accuracy = accuracy_table(report)
    assert len(accuracy) == 164 and set(accuracy["measured_on"]) == {"gold"}
    assert (accuracy["status"] == "suspect").sum() == report.annotators["suspect"].sum()
    histogram = task_agreement_table(report)
    assert histogram["tasks"].sum() == 800  # every task has 10 answers
    pairs = kappa_table(report)
    assert len(pairs) == 2 * len(report.agreement.pairs)
    confusion = confusion_table(report)
    assert confusion is not None and confusion["tasks"].sum() == 800
    right = confusion.loc[confusion["gold"] == confusion["consensus"], "tasks"].sum()
    assert right / 800 == pytest.approx(report.overall["consensus_accuracy_on_gold"])
    assert set(export_figures(report, answers)) == {
        "accuracy_volume",
        "kappa_heatmap",
        "task_agreement",
        "consensus_confusion",
    }


def test_times_give_the_quartiles_of_each_annotator() -> None:
    imported = load_answers(FIXTURES / "ls_min.json")
    report = annotator_report(imported.answers, aggregator="mv", resamples=10)
    table = seconds_table(report, imported.answers)
    assert table is not None
    seconds = imported.answers.dropna(subset=["seconds"]).groupby("worker")["seconds"]
    assert sorted(table["median"]) == sorted(seconds.median())
    assert "seconds" in export_figures(report, imported.answers)
