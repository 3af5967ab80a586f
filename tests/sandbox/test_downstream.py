"""Downstream model quality and difficulty derived from data (digits, with its features)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from annotators.population import load_population
from sandbox.datasets import load_dataset
from sandbox.experiment.experiment import Experiment
from sandbox.kinds.classification import downstream
from sandbox.simulation.difficulty import model_difficulty
from sandbox.simulation.policy import CampaignPolicy
from tests.conftest import make_population


def test_true_labels_train_a_model_at_least_as_good_as_noisy_ones() -> None:
    digits = load_dataset("digits")
    outcome = Experiment(
        digits, load_population("volunteers"), CampaignPolicy(redundancy=3), ("mv",), seed=1
    ).run()
    clean = outcome.downstream_accuracy_clean
    noisy = outcome.score("mv").downstream_accuracy
    assert clean is not None and noisy is not None
    n_test = round(0.3 * digits.n_tasks)
    noise = 2 * math.sqrt(clean * (1 - clean) / n_test)
    assert clean >= noisy - noise
    assert outcome.score("mv").accuracy < 0.95  # the labels really were noisy


def test_difficulty_driven_confusions_follow_the_classifier() -> None:
    digits = load_dataset("digits")
    truth = digits.truth.to_numpy()
    model = model_difficulty(digits)
    assert model.confusion is not None
    # The classifier's confusion matrix (out-of-fold predictions), diagonal removed.
    classifier = np.zeros((10, 10))
    np.add.at(classifier, (truth, model.confusion.argmax(axis=1)), 1)
    np.fill_diagonal(classifier, 0)
    confused_pairs = classifier > 0
    population = make_population({"honest": {"share": 1.0, "skill": 0.3}}, pool_size=50)
    policy = CampaignPolicy(redundancy=10, difficulty="model")
    answers = Experiment(digits, population, policy, ("mv",), seed=3).simulate().answers
    true_of_answer = digits.truth.loc[answers["task"]].to_numpy()
    wrong = answers["label"].to_numpy() != true_of_answer
    simulated = np.zeros((10, 10))
    np.add.at(simulated, (true_of_answer[wrong], answers["label"].to_numpy()[wrong]), 1)
    # Uniform mistakes would put confused_pairs.sum() / 90 of the mistakes on the classifier's confused
    # pairs; mistakes that follow the classifier concentrate there.
    uniform_share = confused_pairs.sum() / 90
    simulated_share = simulated[confused_pairs].sum() / simulated.sum()
    n_mistakes = simulated.sum()
    assert simulated_share > 1.3 * uniform_share
    assert simulated_share > uniform_share + 5 * math.sqrt(uniform_share * (1 - uniform_share) / n_mistakes)
    # The single most confused pair of the classifier is among the three most frequent mistakes of its class.
    i, j = np.unravel_index(classifier.argmax(), classifier.shape)
    assert simulated[i, j] >= np.sort(simulated[i])[-3]


def test_model_difficulty_is_high_where_the_classifier_fails() -> None:
    digits = load_dataset("digits")
    model = model_difficulty(digits)
    assert model.confusion is not None
    predicted = model.confusion.argmax(axis=1)
    missed = predicted != digits.truth.to_numpy()
    assert model.difficulty[missed].mean() > 0.5 > model.difficulty[~missed].mean()


def test_large_datasets_train_on_a_bounded_seeded_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    digits = load_dataset("digits")
    full = downstream.split_tasks(digits)
    monkeypatch.setattr(downstream, "MAX_TRAIN_TASKS", 500)
    bounded = downstream.split_tasks(digits)
    assert len(bounded.train) == 500 and set(bounded.train) <= set(full.train)
    assert np.array_equal(bounded.test, full.test)  # tested on the whole held-out share
    assert np.array_equal(bounded.train, downstream.split_tasks(digits).train)  # the same sample each run
