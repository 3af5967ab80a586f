"""The scenario's ``engine`` key: sweeps run the fast engine by default and can compare engines."""

from __future__ import annotations

import pytest

from foundation.errors import SandboxError
from sandbox.sweep.grid import expand
from sandbox.sweep.scenario_cell import SCENARIO_CELL, default_scenario, run_scenario_cell
from sandbox.sweep.spec import spec_from_dict

pytest.importorskip("sandbox.experiment.experiment")


def test_default_engine_is_fast() -> None:
    assert default_scenario()["engine"] == "fast"


def test_engines_give_the_same_scores() -> None:
    scenario = default_scenario() | {"aggregators": ["mv", "ds"], "dataset": "snow_temp"}
    fast = run_scenario_cell(scenario | {"engine": "fast"}, seed=3)
    reference = run_scenario_cell(scenario | {"engine": "crowdkit"}, seed=3)
    for a, b in zip(fast, reference, strict=True):
        assert a["aggregator"] == b["aggregator"]
        assert a["accuracy"] == pytest.approx(b["accuracy"], abs=1e-9)


def test_engine_can_be_a_grid_axis_and_is_validated() -> None:
    cells = expand(spec_from_dict({"grid": {"engine": ["fast", "crowdkit"]}, "seeds": 1}), SCENARIO_CELL)
    assert sorted(cell.scenario["engine"] for cell in cells) == ["crowdkit", "fast"]
    with pytest.raises(SandboxError, match="unknown engine 'turbo'"):
        expand(spec_from_dict({"set": {"engine": "turbo"}}), SCENARIO_CELL)
