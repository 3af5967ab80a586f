"""Quality control during a campaign: gold questions and bans, costs, adaptive redundancy."""

from __future__ import annotations

import math

import numpy as np
import pytest

from annotators.population import load_population
from foundation.errors import SandboxError
from sandbox.datasets import load_dataset
from sandbox.kinds.classification.aggregation import aggregate
from sandbox.metrics.labels import accuracy
from sandbox.metrics.workers import ban_precision_recall
from sandbox.simulation.campaign import run_campaign
from sandbox.simulation.policy import CampaignPolicy
from tests.conftest import balanced_binary, make_population

GOLD_QC = {"gold_rate": 0.1, "ban_threshold": 0.7, "min_gold": 5, "difficulty": "none"}


@pytest.fixture(scope="module")
def gold_campaign():  # type: ignore[no-untyped-def]
    population = make_population(
        {
            "honest": {"share": 0.5, "skill": {"alpha": 8.38, "beta": 0.88}},
            "uniform_spammer": {"share": 0.25},
            "gold_aware_cheater": {"share": 0.25},
        },
        pool_size=200,
        cost=0.05,
    )
    policy = CampaignPolicy.from_dict({"redundancy": 5, **GOLD_QC})
    return run_campaign(balanced_binary(4000), population, policy, seed=12), population


def test_gold_bans_catch_spammers_but_not_gold_aware_cheaters(gold_campaign) -> None:  # type: ignore[no-untyped-def]
    campaign, _ = gold_campaign
    workers = campaign.workers
    banned_share = workers.groupby("archetype")["banned"].mean()
    assert banned_share["uniform_spammer"] >= 0.90
    assert banned_share["gold_aware_cheater"] < 0.10
    precision, recall = ban_precision_recall(workers)
    banned = workers[workers["banned"]]
    assert precision == pytest.approx((~banned["honest"]).mean())
    dishonest = workers[~workers["honest"]]
    assert recall == pytest.approx(dishonest["banned"].mean())  # every dishonest worker saw gold here
    assert 0.4 < recall < 0.55  # it catches the spammers, not the gold-aware half of the cheaters


def test_banned_workers_answers_are_dropped_and_reissued(gold_campaign) -> None:  # type: ignore[no-untyped-def]
    campaign, _ = gold_campaign
    banned = campaign.workers.index[campaign.workers["banned"]]
    assert not campaign.answers["worker"].isin(banned).any()
    per_task = campaign.answers.groupby("task").size()
    assert (per_task == 5).mean() > 0.99  # re-issued to others until each task has its 5 answers
    assert campaign.stats.labels_bought > len(campaign.answers)  # dropped answers were still paid for


def test_gold_answers_cost_money_and_yield_no_data(gold_campaign) -> None:  # type: ignore[no-untyped-def]
    campaign, population = gold_campaign
    stats = campaign.stats
    assert stats.gold_answers > 0
    assert campaign.cost == pytest.approx(
        (stats.labels_bought + stats.gold_answers) * population.cost_per_label
    )
    # A Geometric(0.9) number of gold questions precedes each task: gold is ~10 % of the items done.
    share = stats.gold_answers / (stats.gold_answers + stats.labels_bought)
    assert abs(share - 0.1) < 0.01


def test_adaptive_redundancy_matches_fixed_kmax_with_fewer_answers() -> None:
    dataset = balanced_binary(4000)
    population = load_population("paid_crowd")
    fixed = run_campaign(dataset, population, CampaignPolicy(redundancy=7, difficulty="none"), seed=5)
    adaptive_policy = CampaignPolicy(redundancy=3, max_redundancy=7, confidence=0.8, difficulty="none")
    adaptive = run_campaign(dataset, population, adaptive_policy, seed=5)
    fixed_accuracy = accuracy(aggregate("mv", fixed.answers).labels, dataset.truth)
    adaptive_accuracy = accuracy(aggregate("mv", adaptive.answers).labels, dataset.truth)
    standard_error = math.sqrt(2 * fixed_accuracy * (1 - fixed_accuracy) / dataset.n_tasks)
    assert adaptive_accuracy >= fixed_accuracy - 3 * standard_error
    assert adaptive.stats.labels_bought < 0.7 * fixed.stats.labels_bought
    assert adaptive.answers.groupby("task").size().between(3, 7).all()


def test_same_seed_same_campaign_with_quality_control() -> None:
    dataset, population = load_dataset("snow_temp"), load_population("gold_aware_cheaters")
    policy = CampaignPolicy.from_dict({"redundancy": 5, "max_redundancy": 7, **GOLD_QC})
    first, second = (run_campaign(dataset, population, policy, seed=3) for _ in range(2))
    assert first.answers.equals(second.answers) and first.workers.equals(second.workers)
    assert first.stats == second.stats


def test_difficulty_lowers_honest_accuracy_as_its_formula_says() -> None:
    dataset = balanced_binary(6000)
    population = make_population({"honest": {"share": 1.0, "skill": 0.9}}, 30)
    policy = CampaignPolicy(redundancy=1, difficulty="beta", difficulty_alpha=2.0, difficulty_beta=2.0)
    answers = run_campaign(dataset, population, policy, seed=2).answers
    observed = float(np.mean(answers["label"].to_numpy() == dataset.truth.loc[answers["task"]].to_numpy()))
    expected = 0.5 + (0.9 - 0.5) * (1 - 0.5)  # chance + (skill - chance)(1 - E[difficulty]), E = 1/2
    assert abs(observed - expected) <= 3 * math.sqrt(expected * (1 - expected) / len(answers)) + 0.01


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"gold_rate": 1.0}, "gold_rate must be below 1"),
        ({"ban_threshold": 1.5}, "ban_threshold must be a number in [0, 1]"),
        ({"redundancy": 3, "max_redundancy": 2}, "max_redundancy must be an integer >= 3"),
        ({"difficulty": "hard"}, "difficulty must be one of auto, none, model, beta"),
        ({"budget": 3}, "unknown key 'budget'; allowed: redundancy"),
    ],
)
def test_bad_policies(values: dict[str, object], expected: str) -> None:
    with pytest.raises(SandboxError, match=expected.replace("[", r"\[").replace("]", r"\]")):
        CampaignPolicy.from_dict(values)
