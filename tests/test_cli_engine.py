"""``--engine`` on the command line: the fast engine reproduces the published figures in seconds."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable

import pytest

Cli = Callable[..., subprocess.CompletedProcess[str]]


def test_evaluate_fast_engine_gives_published_figures(cli: Cli) -> None:
    result = cli(
        "evaluate", "--dataset", "zheng_product", "--aggregators", "ds,glad,mace", "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    accuracy = {row["aggregator"]: row["accuracy"] for row in json.loads(result.stdout)["results"]}
    # crowd-kit JOSS paper, via the shared crowd README: DS .940, GLAD .928, MACE .929.
    assert accuracy["ds"] == pytest.approx(0.940, abs=0.005)
    assert accuracy["glad"] == pytest.approx(0.928, abs=0.005)
    assert accuracy["mace"] == pytest.approx(0.929, abs=0.005)


def test_run_with_either_engine(cli: Cli) -> None:
    common = ("run", "--dataset", "snow_temp", "--population", "paid_crowd", "--format", "json")
    fast = json.loads(cli(*common, "--aggregators", "mv,ds", "--engine", "fast").stdout)
    reference = json.loads(cli(*common, "--aggregators", "mv,ds", "--engine", "crowdkit").stdout)
    for a, b in zip(fast["results"], reference["results"], strict=True):
        assert a["aggregator"] == b["aggregator"]
        assert a["accuracy"] == pytest.approx(b["accuracy"], abs=0.005)


def test_unknown_engine_is_a_user_error(cli: Cli) -> None:
    result = cli("evaluate", "--dataset", "snow_temp", "--engine", "turbo")
    assert result.returncode == 2 and result.stdout == ""
    assert "turbo" in result.stderr and "fast" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
