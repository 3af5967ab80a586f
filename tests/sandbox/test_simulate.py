"""Campaign simulation: assignment, determinism, and the binomial majority-vote fact."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binom

from annotators.population import load_population
from foundation.errors import SandboxError
from sandbox.datasets import load_dataset
from sandbox.kinds.classification.aggregation import aggregate
from sandbox.metrics.labels import accuracy
from tests.conftest import balanced_binary, make_population, simulate


def test_each_task_gets_redundancy_distinct_workers() -> None:
    dataset = balanced_binary(1000)
    answers = simulate(dataset, make_population({"honest": {"share": 1.0}}, pool_size=7), 7, seed=0).answers
    assert len(answers) == 7000
    per_task = answers.groupby("task")["worker"].agg(["size", "nunique"])
    assert (per_task["size"] == 7).all() and (per_task["nunique"] == 7).all()


def test_assignment_is_uniform_over_the_pool() -> None:
    answers = simulate(balanced_binary(20000), make_population({"honest": {"share": 1.0}}, 20), 2, 0).answers
    load = answers["worker"].value_counts()
    expected = 40000 / 20  # each worker: Binomial(20000, 2/20) answers
    assert (abs(load - expected) <= 4 * math.sqrt(expected * 0.9)).all()


def test_same_seed_same_answers_other_seed_other_answers() -> None:
    dataset, population = load_dataset("snow_rte"), load_population("volunteers")
    first = simulate(dataset, population, 5, seed=42)
    pd.testing.assert_frame_equal(first.answers, simulate(dataset, population, 5, seed=42).answers)
    pd.testing.assert_frame_equal(first.workers, simulate(dataset, population, 5, seed=42).workers)
    assert not first.answers.equals(simulate(dataset, population, 5, seed=43).answers)


def test_global_numpy_random_state_is_never_touched() -> None:
    np.random.seed(123)  # noqa: NPY002 (guarding the global state)
    before = np.random.get_state()[1].copy()  # noqa: NPY002 (guarding the global state)
    simulate(load_dataset("iris"), load_population("paid_crowd"), 3, seed=1)
    assert (np.random.get_state()[1] == before).all()  # noqa: NPY002 (guarding the global state)


def test_answers_use_dataset_task_ids_and_hidden_traits_are_reported() -> None:
    dataset = load_dataset("snow_temp")
    campaign = simulate(dataset, load_population("paid_crowd"), 3, seed=0)
    assert set(campaign.answers["task"]) == set(dataset.truth.index)
    assert {"archetype", "honest", "skill", "banned", "gold_answers"} <= set(campaign.workers.columns)
    assert campaign.workers.index.name == "worker"
    assert campaign.cost == pytest.approx(len(campaign.answers) * 0.05)


def test_redundancy_larger_than_pool_is_refused() -> None:
    with pytest.raises(SandboxError, match=r"larger than the pool of 8 workers; allowed: 1\.\.8"):
        simulate(load_dataset("iris"), load_population("paid_curation"), 9, seed=0)


def test_majority_vote_accuracy_matches_the_binomial_tail() -> None:
    """Independent one-coin workers of accuracy p = 0.7, k = 5: P(Bin(5, 0.7) >= 3) = 0.83692."""
    expected = float(binom.sf(2, 5, 0.7))
    assert expected == pytest.approx(0.83692, abs=5e-6)
    n_tasks = 20000
    dataset = balanced_binary(n_tasks)
    population = make_population({"honest": {"share": 1.0, "skill": 0.7}}, pool_size=100)
    campaign = simulate(dataset, population, 5, seed=2024)
    observed = accuracy(aggregate("mv", campaign.answers).labels, dataset.truth)
    standard_error = math.sqrt(expected * (1 - expected) / n_tasks)
    assert abs(observed - expected) <= 3 * standard_error
