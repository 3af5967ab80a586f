"""`crowd-sandbox validate`: the documented JSON and table, and one-line errors (issue 11)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.test_cli import assert_user_error

Cli = Callable[..., subprocess.CompletedProcess[str]]
SHARED = Path(__file__).resolve().parents[1] / "datasets"


def test_validate_prints_the_documented_json(cli: Cli) -> None:
    result = cli("validate", "--dataset", "snow_rte", "--seeds", "2", "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert {
        "dataset",
        "n_tasks_fit",
        "n_tasks_test",
        "real",
        "replica",
        "tvd_majority_share",
        "ks_worker_accuracy",
        "within_tolerance",
    } <= set(document)
    assert document["n_tasks_fit"] == document["n_tasks_test"] == 400  # snow_rte's 800 tasks, halved
    for side in ("real", "replica"):
        stats = document[side]
        assert {"mv", "ds", "majority_share_hist", "wrong_majority_share"} <= set(stats)
        assert sum(stats["majority_share_hist"]) == pytest.approx(1.0)
        # a majority vote is wrong exactly where it is not right
        assert stats["mv"] + stats["wrong_majority_share"] == pytest.approx(1.0)
    assert 0.0 <= document["tvd_majority_share"] <= 1.0
    assert set(document["within_tolerance"]) == {"mv", "ds", "majority_share", "wrong_majority", "all"}


def test_validate_an_export_with_a_gold_file(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "answers.csv").write_text((SHARED / "snow_temp" / "labels.csv").read_text())
    (tmp_path / "gold.csv").write_text((SHARED / "snow_temp" / "gold.csv").read_text())
    result = cli("validate", "answers.csv", "--gold", "gold.csv")
    assert result.returncode == 0, result.stderr
    assert "majority-vote accuracy" in result.stdout and "held-out" in result.stdout


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("validate",), "either an EXPORT file or --dataset"),
        (("validate", "answers.csv", "--dataset", "snow_rte"), "not both"),
        (("validate", "answers.csv"), "has no gold"),
        (("validate", "--dataset", "snow_rte", "--seeds", "0"), "--seeds must be between 1 and 100"),
        (("validate", "--dataset", "iris"), "has no real crowd answers"),
        (("validate", "answers.csv", "--gold", "other_gold.csv"), "gold shares no task with the answers"),
    ],
)
def test_bad_requests_are_one_line(cli: Cli, tmp_path: Path, args: tuple[str, ...], fragment: str) -> None:
    (tmp_path / "answers.csv").write_text("task,worker,label\n1,a,0\n1,b,1\n2,a,1\n2,b,1\n")
    (tmp_path / "other_gold.csv").write_text("task,label\n7,0\n8,1\n")
    assert_user_error(cli(*args), fragment)
