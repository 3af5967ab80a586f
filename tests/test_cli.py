"""The command line as a user runs it: documented JSON, readable tables, exit 2 on user errors."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

Cli = Callable[..., subprocess.CompletedProcess[str]]


def assert_user_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_run_prints_the_documented_json(cli: Cli) -> None:
    result = cli("run", "--dataset", "snow_rte", "--population", "volunteers", "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    for key in ("dataset", "population", "seed", "n_tasks", "n_workers", "n_labels", "cost", "results"):
        assert key in document
    assert document["dataset"] == "snow_rte" and document["population"] == "volunteers"
    assert document["n_tasks"] == 800 and document["n_labels"] == 800 * 5
    assert document["cost"] == pytest.approx(4000 * 0.01)
    for row in document["results"]:
        assert {"aggregator", "accuracy", "f1_macro", "cost_per_correct_label", "seconds"} <= set(row)
        assert 0.5 < row["accuracy"] <= 1
        assert row["cost_per_correct_label"] == pytest.approx(40.0 / (row["accuracy"] * 800))


def test_run_is_deterministic_for_a_seed(cli: Cli) -> None:
    args = ("run", "--dataset", "iris", "--population", "paid_crowd", "--seed", "9", "--format", "json")
    first, second = json.loads(cli(*args).stdout), json.loads(cli(*args).stdout)
    for a, b in zip(first["results"], second["results"], strict=True):
        assert a["accuracy"] == b["accuracy"]


def test_evaluate_reproduces_published_figures(cli: Cli) -> None:
    result = cli("evaluate", "--dataset", "zheng_product", "--aggregators", "mv,ds", "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert "population" not in document and "seed" not in document
    accuracy = {row["aggregator"]: row["accuracy"] for row in document["results"]}
    assert accuracy["mv"] == pytest.approx(0.897, abs=0.005)  # crowd-kit JOSS paper
    assert accuracy["ds"] == pytest.approx(0.940, abs=0.005)
    assert document["n_tasks"] == 8315 and document["n_labels"] == 24945


def test_evaluate_user_answers_and_gold_files(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "answers.csv").write_text(
        "task,worker,label\nq1,a,yes\nq1,b,yes\nq1,c,no\nq2,a,no\nq2,b,no\n"
    )
    (tmp_path / "gold.csv").write_text("task,label\nq1,yes\nq2,yes\n")
    result = cli(
        "evaluate",
        "--answers",
        "answers.csv",
        "--gold",
        "gold.csv",
        "--aggregators",
        "mv",
        "--cost-per-label",
        "0.1",
        "--format",
        "json",
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["results"][0]["accuracy"] == 0.5
    assert document["cost"] == pytest.approx(0.5)
    assert document["results"][0]["cost_per_correct_label"] == pytest.approx(0.5)


def test_evaluate_without_gold_says_no_gold(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "answers.csv").write_text("task,worker,label\nq1,a,yes\nq1,b,yes\nq2,a,no\nq2,b,yes\n")
    result = cli("evaluate", "--answers", "answers.csv", "--aggregators", "mv", "--cost-per-label", "0.1")
    assert result.returncode == 0, result.stderr
    title, _, _, header, _, row = result.stdout.splitlines()[:6]
    assert "no gold" in title and "scored on" not in title
    assert "inf" not in result.stdout
    # No accuracy, hence no cost per correct label: the cells are empty ("-"), not infinite.
    cells = dict(zip(header.split(), row.split(), strict=True))
    assert cells["accuracy"] == "-" and cells["cost/correct"] == "-"


@pytest.mark.parametrize(("budget", "warned"), [("100", True), ("400", False)])
def test_compare_budget_warns_about_partial_coverage(cli: Cli, budget: str, warned: bool) -> None:
    """100 money units buy paid curation 200 answers at 0.50: a quarter of snow_rte's 800 tasks;
    400 buy one per task."""
    argv = ("compare", "--dataset", "snow_rte", "--crowd", "paid_crowd", "--curation", "paid_curation")
    result = cli(*argv, "--budget", budget, "--aggregator", "mv")
    assert result.returncode == 0, result.stderr
    expected = "warning: the curation (paid_curation) labels only 200 of the 800 tasks (25%)"
    assert (expected in result.stderr) is warned
    assert "the crowd" not in result.stderr


def test_demo_shows_crowd_and_curation_side_by_side(cli: Cli) -> None:
    result = cli("demo")
    assert result.returncode == 0, result.stderr
    for word in ("volunteers", "paid_curation", "accuracy", "cost/correct"):
        assert word in result.stdout
    lines = result.stdout.splitlines()
    # One answer per task leaves nothing to aggregate: paid curation is shown once, not per method.
    assert sum(line.startswith("paid_curation ") for line in lines) == 1
    assert "mv = ds" in next(line for line in lines if line.startswith("paid_curation "))
    conclusions = [line for line in lines if line.startswith("Conclusion: best labels from ")]
    assert len(conclusions) == len([line for line in lines if line.startswith("population ")])
    assert "money units" in result.stdout and "Volunteers are unpaid" in result.stdout


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("datasets", "snow_rte"),
        ("populations", "paid_curation"),
        ("aggregators", "glad"),
    ],
)
def test_listings(cli: Cli, command: str, expected: str) -> None:
    result = cli(command)
    assert result.returncode == 0 and expected in result.stdout


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (
            ("run", "--dataset", "mnist", "--population", "volunteers"),
            ("unknown dataset 'mnist'", "snow_rte"),
        ),
        (
            ("run", "--dataset", "iris", "--population", "robots"),
            ("unknown population 'robots'", "volunteers"),
        ),
        (
            ("run", "--dataset", "iris", "--population", "volunteers", "--aggregators", "mv,best"),
            ("unknown aggregator 'best'", "allowed: mv"),
        ),
        (
            ("run", "--dataset", "iris", "--population", "paid_curation", "--redundancy", "20"),
            ("redundancy 20 is larger than the pool of 8 workers",),
        ),
        (
            ("run", "--dataset", "iris", "--population", "volunteers", "--redundancy", "x"),
            ("invalid int value",),
        ),
        (("run", "--dataset", "missing.csv", "--population", "volunteers"), ("missing.csv does not exist",)),
        (("evaluate", "--dataset", "iris"), ("has no real crowd answers",)),
        (("evaluate", "--answers", "empty.csv"), ("is empty",)),
        (("evaluate", "--answers", "nocols.csv"), ("missing column 'worker'",)),
        (("evaluate", "--answers", "garbage.parquet"), ("cannot be read",)),
        (("run", "--dataset", "iris", "--population", "bad.toml"), ("bad.toml", "shares must sum to 1")),
        (("evaluate", "--dataset", "zheng_dog", "--aggregators", "kos"), ("kos handles two classes only",)),
    ],
)
def test_user_errors_exit_2_with_one_line(
    cli: Cli, tmp_path: Path, args: tuple[str, ...], fragments: tuple[str, ...]
) -> None:
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "nocols.csv").write_text("task,label\n1,0\n")
    (tmp_path / "garbage.parquet").write_bytes(b"not a parquet file")
    (tmp_path / "bad.toml").write_text("pool_size = 5\n[archetypes.honest]\nshare = 0.5\n")
    before = sorted(p.name for p in tmp_path.iterdir())
    assert_user_error(cli(*args), *fragments)
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written


def test_compare_at_budget_prints_the_documented_json(cli: Cli) -> None:
    result = cli(
        "compare",
        "--dataset",
        "digits",
        "--crowd",
        "volunteers",
        "--curation",
        "paid_curation",
        "--budget",
        "500",
        "--format",
        "json",
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    for side in ("crowd", "curation"):
        assert {"accuracy", "cost", "n_labels", "redundancy", "downstream_accuracy", "coverage"} <= set(
            document[side]
        )
        assert document[side]["cost"] <= 500
    assert document["curation"]["n_labels"] == 1000  # 500 / 0.50 per label
    assert document["curation"]["coverage"] == pytest.approx(1000 / 1797)
    assert 0.9 < document["downstream_accuracy_clean"] <= 1


def test_compare_at_target_accuracy(cli: Cli) -> None:
    result = cli(
        "compare",
        "--dataset",
        "iris",
        "--crowd",
        "paid_crowd",
        "--curation",
        "paid_curation",
        "--target-accuracy",
        "0.95",
        "--aggregator",
        "mv",
        "--format",
        "json",
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["target_accuracy"] == 0.95
    assert {"reached", "accuracy", "cost"} <= set(document["crowd"])


def test_run_reports_downstream_and_quality_control(cli: Cli) -> None:
    result = cli(
        "run",
        "--dataset",
        "iris",
        "--population",
        "gold_aware_cheaters",
        "--gold-rate",
        "0.1",
        "--ban-threshold",
        "0.7",
        "--aggregators",
        "mv,ds",
        "--format",
        "json",
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["gold_answers"] > 0 and "banned_workers" in document
    assert document["policy"]["gold_rate"] == 0.1
    assert 0 < document["downstream_accuracy_clean"] <= 1
    for row in document["results"]:
        assert 0 <= row["downstream_accuracy"] <= 1 and "cheater_auc" in row


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("run", "--dataset", "iris", "--population", "volunteers", "--gold-rate", "2"), "gold_rate must be"),
        (
            (
                "compare",
                "--dataset",
                "iris",
                "--crowd",
                "volunteers",
                "--curation",
                "paid_curation",
                "--budget",
                "-5",
            ),
            "budget must be > 0",
        ),
        (
            ("compare", "--dataset", "iris", "--crowd", "volunteers", "--curation", "paid_curation"),
            "one of the arguments --budget --target-accuracy is required",
        ),
    ],
)
def test_policy_and_compare_errors(cli: Cli, args: tuple[str, ...], fragment: str) -> None:
    assert_user_error(cli(*args), fragment)
