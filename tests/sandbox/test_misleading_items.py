"""Correlated errors: misleading items pull the crowd to one wrong label (issue 11)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

from annotators.items import ItemStructure
from annotators.population import Population, load_population
from sandbox.experiment.experiment import Experiment
from sandbox.kinds.classification.fit import fit_population, fitted_population
from sandbox.simulation.policy import CampaignPolicy
from tests.conftest import balanced_binary, make_population, simulate


def _honest(skill: float, pool: int, items: ItemStructure) -> Population:
    population = make_population({"honest": {"share": 1.0, "skill": skill}}, pool_size=pool)
    return dataclasses.replace(population, items=items)


def test_majority_vote_tends_to_one_minus_the_misleading_share() -> None:
    """With share m of misleading items and a pull above one half, the lure wins every misleading
    item as answers grow, and the truth every other one: MV accuracy → 1 − m (binary, k = 101)."""
    share, n = 0.2, 20_000
    population = _honest(0.8, 151, ItemStructure(misleading_share=(share,), pull=0.7))
    outcome = Experiment(
        balanced_binary(n), population, CampaignPolicy(redundancy=101, difficulty="none"), ("mv",), seed=3
    ).run()
    expected = 1 - share
    # Every item is decided (P(majority of 101 wrong) < 1e-8 on either kind), so only the number of
    # misleading items varies: a Binomial(n, m) count.
    standard_error = math.sqrt(share * (1 - share) / n)
    assert abs(outcome.score("mv").accuracy - expected) < 3 * standard_error


def test_one_answer_per_item_is_right_with_the_mixture_probability() -> None:
    """k = 1: P(right) = (1 − m) s + m (1 − pull) s (binary, lure = the other class)."""
    share, pull, skill, n = 0.3, 0.6, 0.9, 40_000
    population = _honest(skill, 10, ItemStructure(misleading_share=(share,), pull=pull))
    campaign = simulate(balanced_binary(n), population, 1, 5)
    right = (
        campaign.answers["label"].to_numpy() == np.arange(n)[campaign.answers["task"].to_numpy()] % 2
    ).mean()
    expected = (1 - share) * skill + share * (1 - pull) * skill
    assert abs(right - expected) < 3 * math.sqrt(expected * (1 - expected) / n)


def test_populations_without_items_mislead_nobody() -> None:
    """Existing population files keep their meaning: independent errors, no lures drawn."""
    campaign = simulate(balanced_binary(200), load_population("sybil_attack"), 3, 0)
    assert campaign.lure is None
    assert "items" not in load_population("sybil_attack").to_dict()


def test_fit_recovers_planted_misleading_shares_and_pull() -> None:
    """Round trip: simulate a crowd with known misleading shares per class, fit it with gold."""
    planted = ItemStructure(misleading_share=(0.06, 0.18), pull=0.75)
    population = _honest(0.85, 80, planted)
    dataset = balanced_binary(6000)
    campaign = simulate(dataset, population, 7, 11)
    fitted = fit_population(campaign.answers, name="planted", gold=dataset.truth)
    assert fitted.misleading_share.to_numpy() == pytest.approx([0.06, 0.18], abs=0.03)
    assert fitted.pull == pytest.approx(0.75, abs=0.08)
    honest = fitted.workers["skill"].mean()
    assert honest == pytest.approx(0.85, abs=0.03)


def test_a_large_crowd_is_fitted_on_a_sample_of_its_items_and_all_of_its_workers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Above the EM cap, shares, lures and pull come from a sampled EM (here a quarter of the
    answers) and still recover the planted values; every worker and every item is still fitted."""
    from sandbox.kinds.classification import item_model

    planted = ItemStructure(misleading_share=(0.06, 0.18), pull=0.75)
    population = _honest(0.85, 80, planted)
    dataset = balanced_binary(6000)
    campaign = simulate(dataset, population, 7, 11)
    monkeypatch.setattr(item_model, "MAX_EM_ANSWERS", len(campaign.answers) // 4)
    fitted = fit_population(campaign.answers, name="planted", gold=dataset.truth)
    assert fitted.misleading_share.to_numpy() == pytest.approx([0.06, 0.18], abs=0.04)
    assert fitted.pull == pytest.approx(0.75, abs=0.1)
    assert fitted.workers["skill"].mean() == pytest.approx(0.85, abs=0.03)
    assert len(fitted.skills) == campaign.answers["worker"].nunique()
    assert fitted.skills.std().min() > 0  # workers outside the sample are refined, not left at a mean


def test_a_fitted_population_reproduces_its_crowd_with_run() -> None:
    """fit → TOML dict → Population → a campaign on the same dataset: MV and DS within 3 points of
    the real crowd's (snow_rte: MV .9187, shared data README)."""
    from sandbox.datasets import load_dataset

    dataset = load_dataset("snow_rte")
    assert dataset.answers is not None
    fitted = fit_population(dataset.answers, name="rte", gold=dataset.truth)
    population = fitted_population(fitted)
    assert population.items.misleading  # the fit found misleading items
    accuracies = [
        Experiment(dataset, population, CampaignPolicy(redundancy=10), ("mv",), seed=s)
        .run()
        .score("mv")
        .accuracy
        for s in range(3)
    ]
    assert abs(float(np.mean(accuracies)) - 0.9187) <= 0.03


def test_misleading_items_are_never_gold_questions() -> None:
    population = _honest(1.0, 40, ItemStructure(misleading_share=(0.5,), pull=1.0))
    policy = CampaignPolicy(redundancy=3, gold_rate=0.3, ban_threshold=0.6, min_gold=3, difficulty="none")
    outcome = Experiment(balanced_binary(400), population, policy, ("mv",), seed=2).run()
    assert outcome.campaign is not None
    # Perfect workers answer every ordinary item right and, with a pull of 1, every misleading one
    # wrong: were misleading items gold, half of their gold answers would be wrong and they'd be banned.
    assert outcome.campaign.stats.banned_workers == 0
    assert outcome.score("mv").extra["accuracy_misleading"] == 0.0


def test_accuracy_is_reported_on_misleading_and_ordinary_items() -> None:
    population = _honest(0.95, 60, ItemStructure(misleading_share=(0.25,), pull=0.9))
    outcome = Experiment(
        balanced_binary(2000), population, CampaignPolicy(redundancy=9, difficulty="none"), ("mv",), seed=1
    ).run()
    extra = outcome.score("mv").extra
    assert extra["accuracy_misleading"] < 0.05 < 0.95 < extra["accuracy_ordinary"]
    share = (
        pd.Series(outcome.campaign.lure >= 0).mean()
        if outcome.campaign and outcome.campaign.lure is not None
        else 0
    )
    assert outcome.score("mv").accuracy == pytest.approx(
        share * extra["accuracy_misleading"] + (1 - share) * extra["accuracy_ordinary"]
    )


def test_on_datasets_with_features_the_classifier_picks_the_misleading_items_and_their_lures() -> None:
    """digits: the misleading items of each class are the ones the cross-validated classifier confuses
    most, and each pulls to the class it is confused with."""
    from sandbox.datasets import load_dataset
    from sandbox.simulation.difficulty import model_difficulty

    digits = load_dataset("digits")
    population = _honest(0.9, 20, ItemStructure(misleading_share=(0.1,), pull=0.8))
    confusion = model_difficulty(digits).confusion
    assert confusion is not None
    outcome = Experiment(
        digits, population, CampaignPolicy(redundancy=3, difficulty="model"), ("mv",), seed=0
    )
    lure = outcome.simulate().lure
    assert lure is not None
    truth = digits.truth.to_numpy()
    misleading = np.flatnonzero(lure >= 0)
    wrong = confusion.copy()
    wrong[np.arange(len(truth)), truth] = -1
    assert (lure[misleading] == wrong[misleading].argmax(axis=1)).all()
    for c in range(10):  # round(10 % of each class)
        assert (truth[misleading] == c).sum() == round(0.1 * (truth == c).sum())
    # the chosen items are the most confused of their class
    top_wrong = wrong.max(axis=1)
    for c in range(10):
        members = np.flatnonzero(truth == c)
        chosen = np.intersect1d(members, misleading)
        others = np.setdiff1d(members, misleading)
        assert top_wrong[chosen].min() >= top_wrong[others].max()
