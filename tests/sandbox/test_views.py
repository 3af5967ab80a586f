"""Dashboard tables of one run: hand-checked confusion and class accuracy, population editing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from annotators.population import load_population
from foundation.errors import SandboxError
from sandbox.datasets.dataset import truth_series
from sandbox.experiment.experiment import Experiment
from sandbox.reporting.views import (
    beta_from_mean,
    confusion_table,
    edit_population,
    honest_skill,
    per_class_accuracy,
    population_toml,
    score_table,
    skill_points,
)
from sandbox.simulation.policy import CampaignPolicy
from tests.conftest import balanced_binary, make_population

# Five tasks: truth 0,0,1,1,1; consensus 0,1,1,1,0 → (0→0) 1, (0→1) 1, (1→0) 1, (1→1) 2.
TRUTH = truth_series(["a", "b", "c", "d", "e"], np.array([0, 0, 1, 1, 1]))
LABELS = pd.Series([0, 1, 1, 1, 0], index=pd.Index(["a", "b", "c", "d", "e"], name="task"))


def test_confusion_table_counts_and_row_shares() -> None:
    table = confusion_table(LABELS, TRUTH, ("no", "yes")).set_index(["true", "consensus"])
    assert table.loc[("no", "no"), "tasks"] == 1
    assert table.loc[("no", "yes"), "tasks"] == 1
    assert table.loc[("yes", "no"), "tasks"] == 1
    assert table.loc[("yes", "yes"), "tasks"] == 2
    assert table.loc[("yes", "yes"), "share"] == pytest.approx(2 / 3)
    assert table.loc[("no", "yes"), "share"] == pytest.approx(1 / 2)


def test_per_class_accuracy_on_hand_example() -> None:
    table = per_class_accuracy(LABELS, TRUTH, ("no", "yes", "maybe")).set_index("class")
    assert table.loc["no", "accuracy"] == pytest.approx(0.5)
    assert table.loc["yes", "accuracy"] == pytest.approx(2 / 3)
    assert table.loc["maybe", "tasks"] == 0 and np.isnan(table.loc["maybe", "accuracy"])


def test_edit_population_normalises_shares_and_sets_beta() -> None:
    base = load_population("volunteers")
    edited = edit_population(
        base,
        shares={"honest": 2.0, "uniform_spammer": 1.0, "fixed_spammer": 1.0, "adversary": 0.0},
        honest_skill=beta_from_mean(0.8, 10.0),
        pool_size=40,
        cost_per_label=0.5,
    )
    shares = {m.archetype.name: m.share for m in edited.members}
    assert shares == pytest.approx({"honest": 0.5, "uniform_spammer": 0.25, "fixed_spammer": 0.25})
    assert honest_skill(edited) == pytest.approx((8.0, 2.0))
    assert (edited.pool_size, edited.cost_per_label) == (40, 0.5)


def test_edit_population_refuses_all_zero_shares() -> None:
    with pytest.raises(SandboxError, match="all 0"):
        edit_population(load_population("volunteers"), shares={"honest": 0.0})


def test_population_toml_loads_back(tmp_path: Path) -> None:
    population = edit_population(load_population("paid_crowd"), shares={"honest": 0.9, "adversary": 0.1})
    path = tmp_path / "edited.toml"
    path.write_text(population_toml(population), encoding="utf-8")
    assert load_population(path).to_dict() == population.to_dict()


def test_skill_points_and_scores_of_a_simulated_run() -> None:
    # Uniform spammers' true skill is 1/K; honest workers have skill 0.9 (fixed).
    population = make_population(
        {"honest": {"share": 0.5, "skill": 0.9}, "uniform_spammer": {"share": 0.5}}, pool_size=20
    )
    outcome = Experiment(
        balanced_binary(400), population, CampaignPolicy(redundancy=5), ("mv", "ds"), seed=3
    ).run()
    points = skill_points(outcome, "ds")
    assert set(points["archetype"]) == {"honest", "uniform_spammer"}
    spam = points[points["archetype"] == "uniform_spammer"]
    assert spam["true_skill"].to_numpy() == pytest.approx(0.5)
    assert points["answers"].sum() == 400 * 5
    # DS ranks honest workers above spammers: their mean estimated skill is higher.
    means = points.groupby("archetype")["estimated_skill"].mean()
    assert means["honest"] > means["uniform_spammer"]
    table = score_table({"crowd": outcome})
    assert list(table["aggregator"]) == ["mv", "ds"]
    assert (table["cost"] == 400 * 5 * 1.0).all()


def test_skill_points_rejects_an_aggregator_not_run() -> None:
    population = make_population({"honest": {"share": 1.0, "skill": 0.8}}, pool_size=10)
    outcome = Experiment(balanced_binary(50), population, CampaignPolicy(redundancy=3), ("mv",), seed=0).run()
    with pytest.raises(SandboxError, match="'ds' was not run"):
        skill_points(outcome, "ds")
