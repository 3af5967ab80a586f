"""The ratings kind through ``crowd-sandbox``: run, compare, evaluate, report, aggregate, fit, validate,
sweep and the demo, and their errors (exit 2, one line)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pandas as pd

Cli = Callable[..., subprocess.CompletedProcess[str]]
DATASET = "synthetic-ratings:n_items=150,scale=1-5"


def _export(tmp_path: Path) -> tuple[Path, Path]:
    """A long ratings table of a simulated crowd and its gold (``task, score``)."""
    from tests.ratings.helpers import campaign, crowd

    dataset, _, answers = campaign(DATASET, crowd({"honest": {"share": 0.8}, "harsh": {"share": 0.2}}, 30), 5)
    path, gold = tmp_path / "ratings.csv", tmp_path / "gold.csv"
    answers.assign(seconds=12.0).to_csv(path, index=False)
    dataset.scores.rename_axis("task").reset_index().to_csv(gold, index=False)
    return path, gold


def test_run_json_adds_the_ratings_scores(cli: Cli) -> None:
    result = cli("run", "--dataset", DATASET, "--population", "ratings_paid_crowd", "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    names = [r["aggregator"] for r in document["results"]]
    assert names == ["mean", "median", "ds", "offset_scale"]
    for row in document["results"]:
        assert {"accuracy", "mae", "rmse", "spearman", "kendall_tau", "qwk", "downstream_accuracy"} <= set(
            row
        )
    assert 0 < document["krippendorff_alpha"] < 1 and document["downstream_accuracy_clean"] > 0.5


def test_compare_and_sweep_run_ratings(cli: Cli, tmp_path: Path) -> None:
    compare = cli(
        "compare",
        "--dataset",
        DATASET,
        "--crowd",
        "ratings_paid_crowd",
        "--curation",
        "ratings_curation",
        "--budget",
        "60",
        "--aggregator",
        "mean",
        "--format",
        "json",
    )
    assert compare.returncode == 0, compare.stderr
    assert json.loads(compare.stdout)["crowd"]["cost"] <= 60
    sweep = cli(
        "sweep",
        "--set",
        "kind=ratings",
        "--set",
        f"dataset={DATASET}",
        "--grid",
        "redundancy=1,3",
        "--seeds",
        "1",
        "--out",
        str(tmp_path / "store"),
    )
    assert sweep.returncode == 0, sweep.stderr
    table = pd.read_parquet(tmp_path / "store")
    assert set(table["aggregator"]) == {"mean", "median", "ds", "offset_scale"} and "mae" in table.columns


def test_export_commands_read_a_ratings_table(cli: Cli, tmp_path: Path) -> None:
    path, gold = _export(tmp_path)
    evaluate = cli(
        "evaluate", "--answers", str(path), "--kind", "ratings", "--gold", str(gold), "--format", "json"
    )
    assert evaluate.returncode == 0, evaluate.stderr
    rows = {r["aggregator"]: r for r in json.loads(evaluate.stdout)["results"]}
    assert rows["offset_scale"]["mae"] < 1.0
    report = cli("report", str(path), "--kind", "ratings", "--gold", str(gold), "--format", "json")
    assert report.returncode == 0, report.stderr
    overall = json.loads(report.stdout)["overall"]
    assert overall["scale"] == "1-5" and overall["gold_tasks"] == 150 and overall["median_seconds"] == 12.0
    aggregate = cli(
        "aggregate", str(path), "--kind", "ratings", "--aggregator", "median", "--out", "scores.csv"
    )
    assert aggregate.returncode == 0, aggregate.stderr
    assert list(pd.read_csv(tmp_path / "scores.csv").columns) == ["task", "score", "answers", "sd"]
    fit = cli("fit", str(path), "--kind", "ratings", "--out", "crowd.toml")
    assert fit.returncode == 0, fit.stderr
    run = cli("run", "--dataset", DATASET, "--population", "crowd.toml", "--aggregators", "mean")
    assert run.returncode == 0, run.stderr
    validate = cli("validate", str(path), "--kind", "ratings", "--format", "json")
    assert validate.returncode == 0, validate.stderr
    assert json.loads(validate.stdout)["kind"] == "ratings"


def test_labelstudio_predictions_of_a_rating_control(cli: Cli, tmp_path: Path) -> None:
    from tests.ratings.helpers import labelstudio_json

    export = labelstudio_json(tmp_path / "export.json", [(1, "a", 4), (1, "b", 5), (2, "a", 1), (2, "b", 2)])
    result = cli("aggregate", str(export), "--aggregator", "mean", "--out", "predictions.json")
    assert result.returncode == 0, result.stderr
    predictions = json.loads((tmp_path / "predictions.json").read_text())
    assert [p["result"][0]["value"] for p in predictions] == [
        {"rating": 5},
        {"rating": 2},
    ]  # 4.5 → 5, 1.5 → 2


def test_the_demo_has_a_ratings_table(cli: Cli) -> None:
    result = cli("demo")
    assert result.returncode == 0, result.stderr
    assert "Ratings: who rates 500 items" in result.stdout and "ratings_curation" in result.stdout


def test_user_errors_are_one_line_and_exit_2(cli: Cli, tmp_path: Path) -> None:
    misleading = tmp_path / "misleading.toml"
    misleading.write_text(
        'kind = "ratings"\npool_size = 10\n[items]\nmisleading_share = [0.1]\npull = 0.5\n'
        "[archetypes.honest]\nshare = 1.0\n"
    )
    path, _ = _export(tmp_path)
    for args, message in (
        (
            ("run", "--dataset", "synthetic-ratings:scale=9-1", "--population", "ratings_paid_crowd"),
            "below the high end",
        ),
        (("run", "--dataset", DATASET, "--population", "paid_crowd"), "answers classification tasks"),
        (("run", "--dataset", DATASET, "--population", str(misleading)), "misleading items"),
        (
            ("run", "--dataset", DATASET, "--population", "ratings_paid_crowd", "--aggregators", "mv"),
            "does not aggregate ratings",
        ),
        (("report", str(path), "--kind", "ratings", "--scale", "1-3"), "not on the scale 1-3"),
        (("validate", str(path), "--kind", "ratings", "--replays", "50"), "not --replays"),
    ):
        result = cli(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
