"""The project's scenario cell in sweeps: real dataset, real populations, crowd-kit aggregators."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from foundation.errors import SandboxError
from sandbox.cli.main import main
from sandbox.sweep.grid import expand
from sandbox.sweep.scenario_cell import SCENARIO_CELL
from sandbox.sweep.spec import load_spec_file, spec_from_dict
from sandbox.sweep.store import read_results
from tests.sweep.conftest import REPO

pytest.importorskip("sandbox.experiment.experiment")
EXAMPLES = REPO / "examples"


def test_issue_command_writes_the_table_and_resume_computes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = str(tmp_path / "rte")
    args = ["sweep", "--set", "dataset=snow_rte", "--set", "population=volunteers"]
    args += ["--set", 'aggregators=["mv","wawa"]', "--grid", "redundancy=1,3,5"]
    args += ["--seeds", "2", "--out", out, "--workers", "2"]
    assert main(args) == 0
    assert "6 cells: 0 already stored, 6 computed, 0 failed" in capsys.readouterr().err
    frame = read_results(out)
    assert len(frame) == 3 * 2 * 2
    assert frame["error"].isna().all()
    assert (frame["n_tasks"] == 800).all()  # snow_rte has 800 tasks
    assert (frame["n_labels"] == 800 * frame["redundancy"]).all()
    # volunteers cost 0.01 per answer (their preset)
    assert (frame["cost"] - 0.01 * frame["n_labels"]).abs().max() < 1e-9
    means = frame.groupby(["redundancy", "aggregator"])["accuracy"].mean()
    assert means[(5, "mv")] > means[(1, "mv")]
    assert main([*args, "--resume"]) == 0
    assert "6 cells: 6 already stored, 0 computed" in capsys.readouterr().err


def test_share_edit_rescales_the_preset_population() -> None:
    spec = spec_from_dict({"grid": {"population.archetypes.fixed_spammer.share": [0.0, 0.4]}, "seeds": 1})
    cells = expand(spec, SCENARIO_CELL)  # validated by Population.from_dict
    for cell in cells:
        shares = {n: t["share"] for n, t in cell.scenario["population"]["archetypes"].items()}
        assert math.isclose(sum(shares.values()), 1.0)
        spam = cell.params["population.archetypes.fixed_spammer.share"]
        assert shares["fixed_spammer"] == spam
        # volunteers: honest 0.65 of the 0.90 that is not fixed spam
        assert math.isclose(shares["honest"], 0.65 * (1 - spam) / 0.90)


def test_unknown_keys_and_names_fail_before_any_work(tmp_path: Path) -> None:
    cases = {
        "policy.gold": "policy: unknown key 'gold'; allowed: redundancy, gold_rate",
        "population.archetypes.honest.skil": "unknown key 'skil'",
        "dataset": "unknown dataset 'snow_rtx'",
    }
    values = {"policy.gold": 3, "population.archetypes.honest.skil": 0.5, "dataset": "snow_rtx"}
    for key, message in cases.items():
        with pytest.raises(SandboxError, match=message):
            expand(spec_from_dict({"set": {key: values[key]}}), SCENARIO_CELL)


def test_examples_are_valid_specs() -> None:
    from annotators.archetypes.classification import ARCHETYPES

    spec_path = EXAMPLES / "cheating_x_redundancy.toml"
    spec = spec_from_dict(load_spec_file(spec_path), source=str(spec_path))
    assert len(expand(spec, SCENARIO_CELL)) == (5 * 4 + 1) * 5
    gold_path = EXAMPLES / "gold_questions.toml"
    gold = spec_from_dict(load_spec_file(gold_path), source=str(gold_path))
    assert {c.scenario["policy"]["gold_rate"] for c in expand(gold, SCENARIO_CELL)} == {0.0, 0.1, 0.2}
    ring_path = EXAMPLES / "colluding_ring.toml"
    ring = spec_from_dict(load_spec_file(ring_path), source=str(ring_path))
    if "colluding_ring" in ARCHETYPES:
        assert len(expand(ring, SCENARIO_CELL)) == (6 + 1) * 5
    else:
        with pytest.raises(SandboxError, match="unknown archetype 'colluding_ring'"):
            expand(ring, SCENARIO_CELL)


def test_an_aggregator_that_raises_gets_its_own_error_row(tmp_path: Path) -> None:
    # kos handles two classes only; zheng_dog has four (sandbox.aggregation.aggregate refuses it)
    spec = spec_from_dict(
        {"set": {"dataset": "zheng_dog", "aggregators": ["mv", "kos"], "redundancy": 3}, "seeds": 1}
    )
    from sandbox.sweep.runner import run_sweep

    report = run_sweep(spec, tmp_path, workers=1)
    assert report.failed == 1
    frame = read_results(tmp_path).set_index("aggregator")
    assert pd.isna(frame.loc["mv", "error"]) and 0 < frame.loc["mv", "accuracy"] <= 1
    assert "SandboxError" in frame.loc["kos", "error"] and "kos" in frame.loc["kos", "error"]
    assert pd.isna(frame.loc["kos", "accuracy"])


PASTERS = """
[scenario]
dataset = "snow_rte"
aggregators = ["mv"]

[scenario.population]
name = "pasters"
pool_size = 20
cost_per_label = 0.05

[scenario.population.archetypes.llm_assisted]
share = 1.0
reliance = 1.0
"""


def test_the_reference_model_is_a_sweep_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``reference_model.accuracy`` sweeps the campaign's stand-in model: a crowd that always pastes one
    deterministic model has majority-vote accuracy equal to the model's, a confusion profile right
    ``accuracy`` of the time on snow_rte's 800 tasks (within 4 binomial standard errors, widened by
    the profile's per-class spread)."""
    spec = tmp_path / "pasters.toml"
    spec.write_text(PASTERS)
    out = str(tmp_path / "out")
    args = ["sweep", str(spec), "--set", "redundancy=3", "--grid", "reference_model.accuracy=0.6,0.9"]
    assert main([*args, "--seeds", "1", "--out", out, "--workers", "1"]) == 0, capsys.readouterr().err
    frame = read_results(out).set_index("reference_model.accuracy")
    for accuracy in (0.6, 0.9):
        spread = 4 * math.sqrt(accuracy * (1 - accuracy) / 800) + 0.05
        assert abs(frame.loc[accuracy, "accuracy"] - accuracy) <= spread
    assert frame.loc[0.9, "accuracy"] - frame.loc[0.6, "accuracy"] > 0.15
    bad = ["sweep", str(spec), "--set", "reference_model.accuracy=2", "--out", str(tmp_path / "bad")]
    capsys.readouterr()
    assert main(bad) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "reference_model" in err and "accuracy" in err
    assert not (tmp_path / "bad").exists()
