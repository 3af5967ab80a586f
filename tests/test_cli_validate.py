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
    result = cli(
        "validate",
        "--dataset",
        "snow_rte",
        "--seeds",
        "2",
        "--replays",
        "40",
        "--aggregators",
        "mv,ds,wawa",
        "--format",
        "json",
    )
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
        "replica_interval",
        "calibrated",
        "sharpness",
        "replays",
        "refits",
    } <= set(document)
    assert document["n_tasks_fit"] == document["n_tasks_test"] == 400  # snow_rte's 800 tasks, halved
    assert (document["replays"], document["refits"]) == (40, 10)  # a quarter of the replays by default
    for side in ("real", "replica"):
        stats = document[side]
        assert {"mv", "ds", "wawa", "majority_share_hist", "wrong_majority_share"} <= set(stats)
        assert sum(stats["majority_share_hist"]) == pytest.approx(1.0)
        # a majority vote is wrong exactly where it is not right
        assert stats["mv"] + stats["wrong_majority_share"] == pytest.approx(1.0)
    assert 0.0 <= document["tvd_majority_share"] <= 1.0
    metrics = set(document["replica_interval"])
    assert {"mv", "ds", "wawa", "wrong_majority_share", "worker_accuracy_p50"} <= metrics
    assert sum(name.startswith("majority_share[") for name in metrics) == 10
    assert set(document["calibrated"]) == set(document["sharpness"]) == metrics
    for name, (lo, hi) in document["replica_interval"].items():
        assert lo <= hi
        # an interval holds the real value exactly when it says so
        real = document["real"].get(name)
        if real is not None:
            assert document["calibrated"][name] == (lo <= real <= hi)
    groups = {"mv", "ds", "wawa", "majority_share", "wrong_majority", "worker_accuracy"}
    assert set(document["within_tolerance"]) == groups | {"all"}
    verdict = document["within_tolerance"]
    assert verdict["all"] == all(verdict[g] for g in groups)
    assert verdict["mv"] == (document["calibrated"]["mv"] and document["sharpness"]["mv"] <= 1.5)


def test_validate_is_reproducible(cli: Cli) -> None:
    args = ("validate", "--dataset", "snow_temp", "--replays", "20", "--format", "json")
    assert cli(*args).stdout == cli(*args).stdout


def test_validate_an_export_with_a_gold_file(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "answers.csv").write_text((SHARED / "snow_temp" / "labels.csv").read_text())
    (tmp_path / "gold.csv").write_text((SHARED / "snow_temp" / "gold.csv").read_text())
    result = cli("validate", "answers.csv", "--gold", "gold.csv", "--replays", "20")
    assert result.returncode == 0, result.stderr
    assert "majority-vote accuracy" in result.stdout and "held-out" in result.stdout
    assert "90% interval" in result.stdout


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("validate",), "either an EXPORT file or --dataset"),
        (("validate", "answers.csv", "--dataset", "snow_rte"), "not both"),
        (("validate", "answers.csv"), "has no gold"),
        (("validate", "--dataset", "snow_rte", "--seeds", "0"), "--seeds must be between 1 and 100"),
        (("validate", "--dataset", "snow_rte", "--replays", "18"), "--replays must be between 19"),
        (("validate", "--dataset", "snow_rte", "--replays", "10001"), "and 10000, got 10001"),
        (("validate", "--dataset", "snow_rte", "--replays", "40", "--refits", "41"), "--refits must be"),
        (("validate", "--dataset", "snow_rte", "--aggregators", "bt"), "does not aggregate classification"),
        (
            ("validate", "--dataset", "zheng_relevance", "--seeds", "100", "--replays", "10000"),
            "more than the limit",
        ),
        (("validate", "--dataset", "iris"), "has no real crowd answers"),
        (("validate", "answers.csv", "--gold", "other_gold.csv"), "gold shares no task with the answers"),
    ],
)
def test_bad_requests_are_one_line(cli: Cli, tmp_path: Path, args: tuple[str, ...], fragment: str) -> None:
    (tmp_path / "answers.csv").write_text("task,worker,label\n1,a,0\n1,b,1\n2,a,1\n2,b,1\n")
    (tmp_path / "other_gold.csv").write_text("task,label\n7,0\n8,1\n")
    assert_user_error(cli(*args), fragment)


def test_validate_takes_the_tie_rule(cli: Cli) -> None:
    """``--ties`` reaches validate's real statistics: snow_rte's held-out half (the same split for
    both rules) holds tied tasks, so its real MV accuracy differs between the rules (issue 22)."""
    documents = {}
    for rule in ("smallest", "random"):
        argv = ("validate", "--dataset", "snow_rte", "--replays", "19", "--ties", rule, "--format", "json")
        result = cli(*argv)
        assert result.returncode == 0, result.stderr
        documents[rule] = json.loads(result.stdout)
    assert documents["smallest"]["n_tasks_test"] == documents["random"]["n_tasks_test"] == 400
    smallest, default = documents["smallest"]["real"]["mv"], documents["random"]["real"]["mv"]
    assert smallest != default  # the held-out half holds tied tasks, so the rule shows
    wrong = cli("validate", "--dataset", "snow_rte", "--ties", "largest")
    assert_user_error(wrong, "--ties")
