"""The pairwise kind through ``crowd-sandbox``: run, evaluate, aggregate, fit and their errors."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

Cli = Callable[..., subprocess.CompletedProcess[str]]
DATASET = "synthetic-pairs:n_items=40,n_pairs=300,heldout=200"


def votes(tmp_path: Path) -> Path:
    """A long table: items 0..3 of known order 0 > 1 > 2 > 3, every rater right, one tie."""
    rows = [
        ("w1", 0, 1, 0),
        ("w2", 1, 0, 0),
        ("w1", 1, 2, 1),
        ("w2", 2, 3, 2),
        ("w3", 0, 3, 0),
        ("w3", 1, 3, "tie"),
    ]
    path = tmp_path / "votes.csv"
    pd.DataFrame(rows, columns=["worker", "left", "right", "label"]).to_csv(path, index=False)
    return path


def test_run_json_keeps_the_classification_shape_with_ranking_scores(cli: Cli) -> None:
    result = cli(
        "run",
        "--dataset",
        DATASET,
        "--population",
        "pairwise_paid_crowd",
        "--redundancy",
        "3",
        "--format",
        "json",
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert [r["aggregator"] for r in document["results"]] == ["bt", "noisy_bt", "win_rate", "elo"]
    for row in document["results"]:
        assert {"accuracy", "f1_macro", "coverage", "kendall_tau", "spearman", "top_k_precision"} <= set(row)
        assert 0.5 < row["accuracy"] <= 1 and -1 <= row["kendall_tau"] <= 1
    assert document["downstream_accuracy_clean"] is not None


def test_evaluate_with_item_scores_and_with_gold_pairs(cli: Cli, tmp_path: Path) -> None:
    answers = votes(tmp_path)
    scores = tmp_path / "scores.csv"
    pd.DataFrame({"item": [0, 1, 2, 3], "score": [4.0, 3.0, 2.0, 1.0]}).to_csv(scores, index=False)
    result = cli(
        "evaluate",
        "--answers",
        str(answers),
        "--gold",
        str(scores),
        "--aggregators",
        "win_rate",
        "--format",
        "json",
    )
    assert result.returncode == 0, result.stderr
    row = json.loads(result.stdout)["results"][0]
    # win rates (ties half a win): 0 → 3/3, 1 → 1.5/4, 2 → 1/2, 3 → 0.5/3: order 0, 2, 1, 3
    assert row["kendall_tau"] == pytest.approx(4 / 6)  # one discordant pair of six (1 and 2)
    assert row["accuracy"] == pytest.approx(4 / 5)  # the five answered pairs; (1, 2) wrong
    pairs = tmp_path / "gold_pairs.csv"
    pd.DataFrame({"left": [0, 2, 1], "right": [3, 1, 3], "label": [0, 1, "tie"]}).to_csv(pairs, index=False)
    result = cli(
        "evaluate",
        "--answers",
        str(answers),
        "--gold",
        str(pairs),
        "--aggregators",
        "win_rate",
        "--format",
        "json",
    )
    row = json.loads(result.stdout)["results"][0]
    assert row["accuracy"] == 0.5 and row["gold_ties"] == 1 and row["kendall_tau"] is None


def test_aggregate_writes_a_ranking_and_fit_a_pairwise_population(cli: Cli, tmp_path: Path) -> None:
    answers = votes(tmp_path)
    result = cli(
        "aggregate", str(answers), "--aggregator", "win_rate", "--out", str(tmp_path / "ranking.csv")
    )
    assert result.returncode == 0, result.stderr
    ranking = pd.read_csv(tmp_path / "ranking.csv")
    assert ranking["item"].tolist() == [0, 2, 1, 3] and ranking["rank"].tolist() == [1, 2, 3, 4]
    fitted = cli("fit", str(answers), "--out", str(tmp_path / "crowd.toml"))
    assert fitted.returncode == 0, fitted.stderr
    rerun = cli(
        "run", "--dataset", DATASET, "--population", str(tmp_path / "crowd.toml"), "--redundancy", "2"
    )
    assert rerun.returncode == 0, rerun.stderr


def test_kind_mismatches_are_one_line(cli: Cli, tmp_path: Path) -> None:
    wrong_crowd = cli("run", "--dataset", DATASET, "--population", "volunteers")
    assert wrong_crowd.returncode == 2 and wrong_crowd.stderr.count("\n") == 1
    assert "answers classification tasks" in wrong_crowd.stderr
    wrong_method = cli(
        "aggregate", str(votes(tmp_path)), "--aggregator", "ds", "--out", str(tmp_path / "x.csv")
    )
    assert wrong_method.returncode == 2 and not (tmp_path / "x.csv").exists()
    assert "allowed: bt, noisy_bt, bt_mle, davidson, win_rate, elo" in wrong_method.stderr
