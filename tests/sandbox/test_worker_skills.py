"""Worker skill from a Dawid–Skene confusion: a label never given counts as never right (issue 15)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from annotators.population import Population, load_population
from sandbox.aggregation.aggregate import ENGINES, aggregate
from sandbox.aggregation.crowdkit_adapter import confusion_skills
from sandbox.datasets import load_dataset
from sandbox.experiment.experiment import run_simulation
from sandbox.fitting.annotator_report import PrecomputedAggregator, build_report
from sandbox.simulation.policy import CampaignPolicy
from tests.conftest import balanced_binary, make_population


def _errors(rows: dict[tuple[str, int], list[float]]) -> pd.DataFrame:
    index = pd.MultiIndex.from_tuples(list(rows), names=["worker", "label"])
    return pd.DataFrame(list(rows.values()), index=index, columns=[0, 1])


def test_a_label_never_given_is_never_right_and_a_class_never_met_is_left_out() -> None:
    # P(answered | true): "fixed" only ever answers 0; "honest" answers both, right 90 % / 80 %;
    # "narrow" only met tasks of class 0 (its class-1 column carries no information).
    errors = _errors(
        {
            ("fixed", 0): [1.0, 1.0],
            ("honest", 0): [0.9, 0.2],
            ("honest", 1): [0.1, 0.8],
            ("narrow", 0): [0.95, 1.0],
        }
    )
    priors = pd.Series([0.6, 0.4], index=[0, 1])
    mass = pd.DataFrame([[10.0, 10.0], [10.0, 10.0], [12.0, 0.1]], index=["fixed", "honest", "narrow"])
    skills = confusion_skills(errors, priors, mass)
    assert skills["fixed"] == pytest.approx(0.6 * 1.0 + 0.4 * 0.0)
    assert skills["honest"] == pytest.approx(0.6 * 0.9 + 0.4 * 0.8)
    assert skills["narrow"] == pytest.approx(0.95)


def _spammer_crowd() -> Population:
    return make_population(
        {
            "honest": {"share": 0.7, "skill": 0.85},
            "fixed_spammer": {"share": 0.3},
        },
        pool_size=60,
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_fixed_answer_spammers_score_at_chance_on_a_balanced_binary_crowd(engine: str) -> None:
    dataset = balanced_binary(4000)
    outcome = run_simulation(
        dataset, _spammer_crowd(), CampaignPolicy(redundancy=5, difficulty="none"), ["ds"], 0, engine
    )
    assert outcome.campaign is not None
    workers = outcome.campaign.workers
    skills = outcome.aggregations["ds"].skills
    assert skills is not None
    spammers = skills[workers["archetype"] == "fixed_spammer"]
    honest = skills[workers["archetype"] == "honest"]
    # Prior-weighted P(answer = c | c) of a worker who always answers one class is that class's prior: 1/2.
    assert np.abs(spammers - 0.5).max() < 0.03
    assert honest.min() > spammers.max()
    assert honest.mean() == pytest.approx(0.85, abs=0.02)


def test_the_annotator_report_rates_fixed_answer_spammers_at_chance() -> None:
    dataset = balanced_binary(2000)
    outcome = run_simulation(
        dataset, _spammer_crowd(), CampaignPolicy(redundancy=5, difficulty="none"), ["ds"], 1
    )
    assert outcome.campaign is not None
    answers = outcome.campaign.answers
    report = build_report(answers, aggregator=PrecomputedAggregator(outcome.aggregations["ds"]))
    spammers = report.annotators["ds_accuracy"][outcome.campaign.workers["archetype"] == "fixed_spammer"]
    assert np.abs(spammers - 0.5).max() < 0.03


@pytest.mark.parametrize("engine", ENGINES)
def test_ds_tells_cheaters_apart_as_well_as_one_coin_ds(engine: str) -> None:
    """The issue's case: paid_crowd (uniform and fixed-answer spammers) on 20,000 binary tasks."""
    dataset = load_dataset("synthetic:n_tasks=20000,n_classes=2")
    outcome = run_simulation(
        dataset, load_population("paid_crowd"), CampaignPolicy(), ["ds", "onecoin_ds"], 0, engine
    )
    ds, onecoin = outcome.score("ds"), outcome.score("onecoin_ds")
    assert ds.cheater_auc is not None and onecoin.cheater_auc is not None
    assert abs(ds.cheater_auc - onecoin.cheater_auc) <= 0.02
    assert ds.skill_correlation is not None and ds.skill_correlation >= 0.9


def test_skills_agree_between_engines_on_real_answers() -> None:
    dataset = load_dataset("zheng_product")
    assert dataset.answers is not None
    fast = aggregate("ds", dataset.answers, "fast").skills
    reference = aggregate("ds", dataset.answers, "crowdkit").skills
    assert fast is not None and reference is not None
    assert np.abs(fast - reference.reindex(fast.index)).max() < 1e-6
