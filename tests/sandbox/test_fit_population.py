"""Fitting a crowd to real answers, validated by replicas against the real crowd on held-out tasks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from foundation.errors import SandboxError
from sandbox.fitting.population import zipf_exponent
from sandbox.kinds.classification.fit import fit_population, fitted_population, known_workers
from sandbox.kinds.classification.validation import validate
from sandbox.simulation.replay import replay

DATASETS = Path(__file__).resolve().parents[2] / "datasets"


def load(name: str) -> tuple[pd.DataFrame, pd.Series]:
    answers = pd.read_csv(DATASETS / name / "labels.csv")
    gold = pd.read_csv(DATASETS / name / "gold.csv").set_index("task")["label"]
    return answers, gold


# The held-out protocol of `validate`: fit on half of the tasks, replay the other half's structure
# many times; the real crowd's MV and DS accuracy there lie inside the replicas' 90 % intervals.
@pytest.mark.parametrize("name", ["snow_rte", "snow_temp", "labelme"])
def test_real_mv_and_ds_accuracy_lie_inside_the_replicas_intervals_on_held_out_tasks(name: str) -> None:
    answers, gold = load(name)
    result = validate(answers, gold, name, seeds=1, replays=100)
    assert result.check.calibrated["mv"] and result.check.calibrated["ds"], result.check.interval


def test_population_follows_the_toml_schema() -> None:
    answers, gold = load("snow_rte")
    fitted = fit_population(answers, name="rte_team", gold=gold)
    population = fitted.population
    assert population["pool_size"] == answers["worker"].nunique() == 164
    shares = [a["share"] for a in population["archetypes"].values()]
    assert abs(sum(shares) - 1.0) <= 1e-6
    honest = population["archetypes"]["honest"]
    assert len(honest["skill"]["values"]) == round(honest["share"] * 164)
    assert all(0.0 <= v <= 1.0 for v in honest["skill"]["values"])
    matrix = np.array(honest["confusion"])
    assert matrix.shape == (2, 2)
    np.testing.assert_allclose(matrix.sum(axis=1), 1.0, atol=1e-9)
    items = population["items"]
    assert len(items["misleading_share"]) == 2 and 0 < items["pull"] < 1
    assert fitted.activity.sum() == len(answers)
    # snow_rte's activity is long-tailed (median 20 answers, the busiest worker 800)
    assert population["activity"]["zipf"] > 0.5
    assert fitted.truth_from_gold == 1.0


def test_zipf_exponent_recovers_a_planted_one() -> None:
    ranks = np.arange(1, 201)
    planted = pd.Series(np.round(5000 * ranks**-1.3))
    assert zipf_exponent(planted) == pytest.approx(1.3, abs=0.05)
    assert zipf_exponent(pd.Series([7, 7, 7])) == 0.0


def test_replay_is_seeded_and_keeps_the_structure() -> None:
    answers, gold = load("snow_temp")
    fitted = fit_population(answers, name="t", gold=gold)
    truth = pd.Series(pd.Index(fitted.labels).get_indexer(gold), index=gold.index)
    population, twins = fitted_population(fitted), known_workers(fitted)
    a = replay(population, answers[["task", "worker"]], truth, 7, twins)
    b = replay(population, answers[["task", "worker"]], truth, 7, twins)
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(a[["task", "worker"]], answers[["task", "worker"]])
    assert set(a["label"]) <= {0, 1}


def test_one_label_cannot_be_fitted() -> None:
    answers = pd.DataFrame({"task": [1, 2], "worker": ["a", "b"], "label": ["x", "x"]})
    with pytest.raises(SandboxError, match="one label"):
        fit_population(answers, name="x")
