"""Worker skill from a Dawid–Skene confusion: a label never given counts as never right (issue 15)."""

from __future__ import annotations

import numpy as np
import pytest

from annotators.population import Population, load_population
from sandbox.aggregation.registry import ENGINES
from sandbox.aggregation.skills import confusion_skills
from sandbox.datasets import load_dataset
from sandbox.experiment.experiment import Experiment
from sandbox.kinds.classification.aggregation import aggregate
from sandbox.kinds.classification.report import build_report
from sandbox.simulation.policy import CampaignPolicy
from tests.conftest import balanced_binary, make_population


def test_a_label_never_given_is_never_right_and_a_class_never_met_is_left_out() -> None:
    # Rows (worker, answered label) of P(answered | true class 0, 1). Worker 0 only ever answers 0;
    # worker 1 answers both, right 90 % / 80 %; worker 2 only met tasks of class 0 (its class-1
    # column carries no information).
    worker = np.array([0, 1, 1, 2])
    answered = np.array([0, 0, 1, 0])
    errors = np.array([[1.0, 1.0], [0.9, 0.2], [0.1, 0.8], [0.95, 1.0]])
    priors = np.array([0.6, 0.4])
    mass = np.array([[10.0, 10.0], [10.0, 10.0], [12.0, 0.1]])
    skills = confusion_skills(worker=worker, answered=answered, errors=errors, priors=priors, mass=mass)
    assert skills[0] == pytest.approx(0.6 * 1.0 + 0.4 * 0.0)
    assert skills[1] == pytest.approx(0.6 * 0.9 + 0.4 * 0.8)
    assert skills[2] == pytest.approx(0.95)


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
    outcome = Experiment(
        dataset, _spammer_crowd(), CampaignPolicy(redundancy=5, difficulty="none"), ("ds",), engine, 0
    ).run()
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
    outcome = Experiment(
        dataset, _spammer_crowd(), CampaignPolicy(redundancy=5, difficulty="none"), ("ds",), seed=1
    ).run()
    assert outcome.campaign is not None
    answers = outcome.campaign.answers
    ds = outcome.aggregations["ds"]
    report = build_report(answers, consensus=ds, dawid_skene=ds)
    spammers = report.annotators["ds_accuracy"][outcome.campaign.workers["archetype"] == "fixed_spammer"]
    assert np.abs(spammers - 0.5).max() < 0.03


@pytest.mark.parametrize("engine", ENGINES)
def test_ds_tells_cheaters_apart_as_well_as_one_coin_ds(engine: str) -> None:
    """The issue's case: paid_crowd (uniform and fixed-answer spammers) on 20,000 binary tasks."""
    dataset = load_dataset("synthetic:n_tasks=20000,n_classes=2")
    outcome = Experiment(
        dataset, load_population("paid_crowd"), CampaignPolicy(), ("ds", "onecoin_ds"), engine, 0
    ).run()
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
