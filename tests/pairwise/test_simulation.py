"""Pairwise raters and aggregation on simulated comparisons, checked against formulas."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit, logit

from annotators.population import Population
from sandbox.datasets import load_dataset
from sandbox.experiment.experiment import Experiment
from sandbox.kinds.pairwise.dataset import PairwiseDataset
from sandbox.simulation.campaign import run_campaign
from sandbox.simulation.policy import CampaignPolicy


def crowd(archetypes: dict[str, dict[str, Any]], pool_size: int = 60) -> Population:
    data = {"kind": "pairwise", "pool_size": pool_size, "cost_per_label": 0.01, "archetypes": archetypes}
    return Population.from_dict(data, "inline pairwise population")


def answers_with_gap(
    dataset: PairwiseDataset, population: Population, redundancy: int, seed: int
) -> pd.DataFrame:
    campaign = run_campaign(
        dataset, population, CampaignPolicy(redundancy=redundancy, difficulty="none"), seed
    )
    context = dataset.task_context()
    rows = campaign.answers["task"].to_numpy()
    return campaign.answers.assign(
        gap=context.right_quality[rows] - context.left_quality[rows], truth=dataset.truth.to_numpy()[rows]
    )


def within(observed: float, expected: float, n: int, sigmas: float = 4.0) -> bool:
    return abs(observed - expected) <= sigmas * math.sqrt(expected * (1 - expected) / n)


def test_honest_rater_follows_the_bradley_terry_link() -> None:
    """P(right chosen) = σ(logit(p) · d) for a pair d standard deviations apart (skill p fixed)."""
    dataset = load_dataset("synthetic-pairs:n_items=300,n_pairs=20000,heldout=0,seed=1")
    assert isinstance(dataset, PairwiseDataset)
    answers = answers_with_gap(dataset, crowd({"honest": {"share": 1.0, "skill": 0.75}}), 3, seed=2)
    for low, high in [(0.2, 0.4), (0.9, 1.1), (1.8, 2.2)]:
        chosen = answers[(answers["gap"] > low) & (answers["gap"] < high)]
        expected = float(np.mean(expit(logit(0.75) * chosen["gap"].to_numpy())))
        assert within(float(np.mean(chosen["label"] == 1)), expected, len(chosen))


def test_thurstone_rater_follows_the_normal_link() -> None:
    from scipy.stats import norm

    dataset = load_dataset("synthetic-pairs:n_items=300,n_pairs=20000,heldout=0,seed=1")
    assert isinstance(dataset, PairwiseDataset)
    population = crowd({"honest": {"share": 1.0, "skill": 0.8, "link": "thurstone"}})
    answers = answers_with_gap(dataset, population, 3, seed=2)
    chosen = answers[(answers["gap"] > 0.9) & (answers["gap"] < 1.1)]
    expected = float(np.mean(norm.cdf(norm.ppf(0.8) * chosen["gap"].to_numpy())))
    assert within(float(np.mean(chosen["label"] == 1)), expected, len(chosen))


def test_position_bias_is_the_share_of_left_clicks_beyond_honest_ones() -> None:
    """With bias b, P(left) = b + (1 − b) · P(an honest rater says left)."""
    dataset = load_dataset("synthetic-pairs:n_items=300,n_pairs=20000,heldout=0,seed=4")
    assert isinstance(dataset, PairwiseDataset)
    answers = answers_with_gap(
        dataset, crowd({"position_biased": {"share": 1.0, "bias": 0.6, "skill": 0.75}}), 2, 5
    )
    honest_left = float(np.mean(1 - expit(logit(0.75) * answers["gap"].to_numpy())))
    assert within(float(np.mean(answers["label"] == 0)), 0.6 + 0.4 * honest_left, len(answers))


def test_length_bias_adds_its_weight_to_the_length_difference() -> None:
    """A length-biased rater with weight w chooses right with P = σ(a d + w Δlength) (standardised)."""
    dataset = load_dataset("synthetic-pairs:n_items=300,n_pairs=20000,heldout=0,length_corr=0,seed=6")
    assert isinstance(dataset, PairwiseDataset)
    context = dataset.task_context()
    assert context.left_nuisance is not None and context.right_nuisance is not None
    answers = answers_with_gap(
        dataset, crowd({"length_biased": {"share": 1.0, "weight": 1.5, "skill": 0.7}}), 2, 7
    )
    rows = answers["task"].to_numpy()
    shift = 1.5 * (context.right_nuisance[rows] - context.left_nuisance[rows])
    expected = float(np.mean(expit(logit(0.7) * answers["gap"].to_numpy() + shift)))
    assert within(float(np.mean(answers["label"] == 1)), expected, len(answers))


def test_ring_votes_for_its_item_and_is_honest_elsewhere() -> None:
    dataset = load_dataset("synthetic-pairs:n_items=40,n_pairs=700,heldout=0,seed=8")
    assert isinstance(dataset, PairwiseDataset)
    answers = answers_with_gap(
        dataset, crowd({"promoting_ring": {"share": 1.0, "target_rank": 30, "skill": 0.8}}), 3, 9
    )
    target = dataset.items["score"].sort_values(ascending=False).index[29]
    pairs = dataset.pairs.loc[answers["task"]]
    on_left = (pairs["left"] == target).to_numpy()
    on_right = (pairs["right"] == target).to_numpy()
    assert on_left.any() and on_right.any()
    assert (answers["label"].to_numpy()[on_left] == 0).all() and (
        answers["label"].to_numpy()[on_right] == 1
    ).all()
    others = answers[~(on_left | on_right)]
    expected = float(np.mean(expit(logit(0.8) * np.abs(others["gap"].to_numpy()))))
    assert within(float(np.mean(others["label"] == others["truth"])), expected, len(others))


def test_ties_clicked_by_tie_clickers_and_refused_without_a_tie_button() -> None:
    from foundation.errors import SandboxError

    with_ties = load_dataset("synthetic-pairs:n_items=30,n_pairs=200,ties=0.2")
    answers = answers_with_gap(with_ties, crowd({"tie_clicker": {"share": 1.0}}), 2, 1)  # type: ignore[arg-type]
    assert (answers["label"] == 2).all()
    without = load_dataset("synthetic-pairs:n_items=30,n_pairs=200")
    with pytest.raises(SandboxError, match="tie_clicker needs a dataset whose pairs may be ties"):
        run_campaign(without, crowd({"tie_clicker": {"share": 1.0}}), CampaignPolicy(redundancy=1), 0)


@pytest.mark.parametrize("method", ["bt", "bt_mle", "noisy_bt"])
def test_bradley_terry_recovers_known_scores_from_honest_raters(method: str) -> None:
    """Kendall tau ≥ 0.9 between recovered and true quality with 20 answers per item on average."""
    dataset = load_dataset("synthetic-pairs:n_items=50,n_pairs=1000,seed=3")
    population = crowd({"honest": {"share": 1.0, "skill": 0.9}})
    outcome = Experiment(dataset, population, CampaignPolicy(redundancy=5), (method,), "fast", 0).run()
    assert outcome.score(method).extra["kendall_tau"] >= 0.9


def test_always_left_crowd_gives_win_rate_a_coin_on_held_out_pairs() -> None:
    """Raters who always click left (bias 1) on pairs shown in random order leave each item a win
    rate that is its share of left placements, independent of quality, so held-out accuracy is
    (1 + τ) / 2 with τ ~ 0 ± 0.015 (Kendall's null variance at 2000 items) and 5000 pairs: 0.5 ± 0.04."""
    dataset = load_dataset("synthetic-pairs:n_items=2000,n_pairs=10000,heldout=5000,seed=11")
    population = crowd({"position_biased": {"share": 1.0, "bias": 1.0}})
    outcome = Experiment(dataset, population, CampaignPolicy(redundancy=3), ("win_rate",), "fast", 0).run()
    assert abs(outcome.score("win_rate").accuracy - 0.5) < 0.04
