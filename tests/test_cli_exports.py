"""The export commands end to end: report, aggregate, fit on Label Studio exports."""

from __future__ import annotations

import io
import json
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from annotators.population import load_population
from sandbox.cli.main import main
from tests.ls_export_builder import write_labelstudio_export

DATASETS = Path(__file__).resolve().parents[1] / "datasets"
FIXTURES = Path(__file__).resolve().parent / "importers" / "fixtures"

# crowd-kit's majority vote keeps the smallest tied label: .9187 on snow_rte with labels 0/1 (shared
# data README), .8750 with the labels renamed so that the other sorts first (issue 22; 65 of 800 tasks
# are tied). A rule independent of names lands between the two.
SNOW_RTE_MV, SNOW_RTE_MV_RENAMED = 0.9187, 0.8750


@pytest.fixture(scope="module")
def rte_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """snow_rte's real MTurk answers and expert gold as a Label Studio JSON export."""
    answers = pd.read_csv(DATASETS / "snow_rte" / "labels.csv")
    gold = pd.read_csv(DATASETS / "snow_rte" / "gold.csv").set_index("task")["label"]
    path = tmp_path_factory.mktemp("rte") / "rte.json"
    return write_labelstudio_export(path, answers, gold)


def test_report_json_on_a_real_export(rte_export: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["report", str(rte_export), "--aggregator", "mv", "--format", "json"]
    assert main([*argv, "--ties", "smallest"]) == 0
    assert json.loads(capsys.readouterr().out)["overall"]["consensus_accuracy_on_gold"] == pytest.approx(
        SNOW_RTE_MV, abs=5e-5
    )  # crowd-kit's rule on request
    assert main(argv) == 0
    document = json.loads(capsys.readouterr().out)
    overall = document["overall"]
    assert SNOW_RTE_MV_RENAMED <= overall["consensus_accuracy_on_gold"] <= SNOW_RTE_MV
    assert overall["gold_tasks"] == 800
    assert overall["workers"] == 164
    assert overall["answers"] == 8000
    first = document["annotators"][0]
    assert {
        "worker",
        "answers",
        "agreement",
        "gold_accuracy",
        "ds_accuracy",
        "suspect",
        "reason",
    } <= set(first)
    assert len(document["tasks"]) == 800
    assert set(document["confusions"][str(first["worker"])]) == {"0", "1"}


def test_report_table_and_csv(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    tasks_out = tmp_path / "tasks.csv"
    fixture = str(FIXTURES / "ls_full.json")
    assert main(["report", fixture, "--format", "table", "--tasks-out", str(tasks_out)]) == 0
    captured = capsys.readouterr()
    assert "annotators (suspected spammers first):" in captured.out
    assert "skipped cancelled: 1, empty_result: 1, task_without_annotations: 1" in captured.err
    assert list(pd.read_csv(tasks_out).columns[:3]) == ["task", "consensus", "confidence"]
    assert main(["report", fixture, "--format", "csv", "--gold", str(FIXTURES / "gold.csv")]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype={"worker": str})
    by_worker = table.set_index("worker")
    # gold: task 1 pos, task 2 neg; worker 7 said pos, neg (both right), 8 said neg on task 1
    assert by_worker.loc["7", "gold_accuracy"] == 1.0
    assert by_worker.loc["8", "gold_accuracy"] == 0.0
    assert len(table) == 3


def test_aggregate_csv_and_labelstudio_predictions(rte_export: Path, tmp_path: Path) -> None:
    csv_out = tmp_path / "consensus.csv"
    argv = ["aggregate", str(rte_export), "--aggregator", "mv", "--ties", "smallest", "--out", str(csv_out)]
    assert main(argv) == 0
    table = pd.read_csv(csv_out)
    gold = pd.read_csv(DATASETS / "snow_rte" / "gold.csv").set_index("task")["label"]
    accuracy = (table.set_index("task")["label"] == gold).mean()
    assert accuracy == pytest.approx(SNOW_RTE_MV, abs=5e-5)  # crowd-kit's rule on request
    json_out = tmp_path / "predictions.json"
    assert main(["aggregate", str(rte_export), "--out", str(json_out)]) == 0
    predictions = json.loads(json_out.read_text())
    assert len(predictions) == 800
    first = predictions[0]
    assert first["task"] == 0 and first["model_version"] == "crowd-sandbox-ds"
    assert 0.5 <= first["score"] <= 1.0
    assert first["result"][0]["from_name"] == "label" and first["result"][0]["to_name"] == "text"


def test_fit_writes_a_population_toml(rte_export: Path, tmp_path: Path) -> None:
    out = tmp_path / "rte_team.toml"
    workers = tmp_path / "workers.csv"
    assert main(["fit", str(rte_export), "--out", str(out), "--workers-out", str(workers)]) == 0
    population = tomllib.loads(out.read_text())
    assert population["name"] == "rte_team"
    assert population["pool_size"] == 164
    assert abs(sum(a["share"] for a in population["archetypes"].values()) - 1) <= 1e-6
    assert out.read_text().startswith("# Population fitted by `crowd-sandbox fit` from rte.json")
    assert len(pd.read_csv(workers)) == 164


def test_fit_does_not_depend_on_how_labels_are_spelled(tmp_path: Path) -> None:
    """``fit`` breaks Dawid–Skene's ties by ``--ties`` (default: random, seeded by ``--seed``): the same
    answers with the labels renamed so that they sort the other way fit the same annotators."""
    answers = pd.read_csv(DATASETS / "snow_rte" / "labels.csv")
    names = {0: "not_entailment", 1: "entailment"}
    skills = []
    for spelled in (answers, answers.assign(label=answers["label"].map(names))):
        folder = tmp_path / str(len(skills))
        folder.mkdir()
        spelled.to_csv(folder / "answers.csv", index=False)
        workers = folder / "workers.csv"
        argv = ["fit", str(folder / "answers.csv"), "--out", str(folder / "p.toml")]
        argv += ["--workers-out", str(workers)]
        assert main([*argv, "--seed", "3"]) == 0
        skills.append(pd.read_csv(workers)[["answers", "skill", "archetype"]])
    pd.testing.assert_frame_equal(skills[0], skills[1], check_exact=False, rtol=1e-9)
    assert main([*argv, "--ties", "smallest"]) == 0
    assert main([*argv, "--ties", "largest"]) == 2


def test_bad_export_is_one_line_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "consensus.csv"
    code = main(["aggregate", str(FIXTURES / "truncated.json"), "--out", str(out)])
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "broken or truncated JSON" in err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_fitted_population_is_usable_by_run(
    rte_export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "rte_team.toml"
    assert main(["fit", str(rte_export), "--out", str(out)]) == 0
    capsys.readouterr()
    population = load_population(out)
    assert population.pool_size == 164
    argv = ["run", "--dataset", "snow_rte", "--population", str(out), "--aggregators", "mv"]
    assert main([*argv, "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["results"][0]["aggregator"] == "mv"


def test_evaluate_takes_a_labelstudio_export_with_its_ground_truth(
    rte_export: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["evaluate", "--answers", str(rte_export), "--aggregators", "mv,ds", "--format", "json"]
    assert main([*argv, "--ties", "smallest"]) == 0
    results = {r["aggregator"]: r["accuracy"] for r in json.loads(capsys.readouterr().out)["results"]}
    assert results["mv"] == pytest.approx(SNOW_RTE_MV, abs=5e-5)  # crowd-kit's rule on request
    assert main(argv) == 0
    results = {r["aggregator"]: r["accuracy"] for r in json.loads(capsys.readouterr().out)["results"]}
    assert SNOW_RTE_MV_RENAMED <= results["mv"] <= SNOW_RTE_MV
