"""Archetype behaviours, checked against their definitions with binomial tolerances (3 standard errors)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from annotators.archetypes.classification import ARCHETYPES
from tests.conftest import make_population, simulate, uniform_classes

N_TASKS = 6000


def within_3se(observed: float, expected: float, n: int) -> bool:
    return abs(observed - expected) <= 3 * math.sqrt(expected * (1 - expected) / n) + 1e-12


def accuracy_of(archetype: str, params: dict[str, object], n_classes: int = 3) -> tuple[float, int]:
    dataset = uniform_classes(N_TASKS, n_classes)
    campaign = simulate(dataset, make_population({archetype: {"share": 1.0, **params}}), 1, seed=11)
    truth = dataset.truth.loc[campaign.answers["task"]].to_numpy()
    return float(np.mean(campaign.answers["label"].to_numpy() == truth)), len(truth)


@pytest.mark.parametrize("name", list(ARCHETYPES))
def test_every_archetype_answers_valid_classes_deterministically(name: str) -> None:
    dataset = uniform_classes(300, 4)
    population = make_population({name: {"share": 1.0}}, pool_size=20)
    first = simulate(dataset, population, 3, seed=5)
    second = simulate(dataset, population, 3, seed=5)
    pd.testing.assert_frame_equal(first.answers, second.answers)
    assert first.answers["label"].between(0, 3).all()
    skill = first.workers["skill"]
    # a copier's skill is undefined; a model's is its variant's accuracy on the campaign's data
    assert (skill.between(0, 1) | (skill.isna() & (name in {"copier", "language_model"}))).all()


def test_honest_fixed_skill_is_its_accuracy() -> None:
    observed, n = accuracy_of("honest", {"skill": 0.7})
    assert within_3se(observed, 0.7, n)


def test_honest_beta_skill_mean_is_alpha_over_alpha_plus_beta() -> None:
    # Accuracy varies by answer (binomial) and by which skills the pool drew (Beta variance / pool).
    alpha, beta, pool = 6.0, 2.0, 1000
    dataset = uniform_classes(N_TASKS, 3)
    population = make_population({"honest": {"share": 1.0, "skill": {"alpha": alpha, "beta": beta}}}, pool)
    answers = simulate(dataset, population, 1, seed=11).answers
    observed = float(np.mean(answers["label"].to_numpy() == dataset.truth.loc[answers["task"]].to_numpy()))
    mean = alpha / (alpha + beta)
    beta_variance = alpha * beta / ((alpha + beta) ** 2 * (alpha + beta + 1))
    standard_error = math.sqrt(mean * (1 - mean) / N_TASKS + beta_variance / pool)
    assert abs(observed - mean) <= 3 * standard_error


def test_honest_uniform_mistakes_spread_over_other_classes() -> None:
    dataset = uniform_classes(N_TASKS, 3)
    population = make_population({"honest": {"share": 1.0, "skill": 0.4}})
    answers = simulate(dataset, population, 1, seed=3).answers
    wrong = answers[answers["label"] != dataset.truth.loc[answers["task"]].to_numpy()]
    true_zero = wrong[dataset.truth.loc[wrong["task"]].to_numpy() == 0]
    share_of_one = float(np.mean(true_zero["label"] == 1))
    assert within_3se(share_of_one, 0.5, len(true_zero))


def test_honest_confusion_matrix_shapes_mistakes() -> None:
    confusion = [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    dataset = uniform_classes(3000, 3)
    population = make_population(
        {"honest": {"share": 1.0, "skill": 0.5, "mistakes": "confusion", "confusion": confusion}}
    )
    answers = simulate(dataset, population, 1, seed=3).answers
    truth = dataset.truth.loc[answers["task"]].to_numpy()
    wrong = answers["label"].to_numpy() != truth
    assert (answers["label"].to_numpy()[wrong] == (truth[wrong] + 1) % 3).all()


def test_uniform_spammer_is_at_chance() -> None:
    observed, n = accuracy_of("uniform_spammer", {}, n_classes=4)
    assert within_3se(observed, 0.25, n)


def test_fixed_spammer_always_gives_its_own_class() -> None:
    dataset = uniform_classes(2000, 3)
    answers = simulate(dataset, make_population({"fixed_spammer": {"share": 1.0}}), 2, seed=1).answers
    assert (answers.groupby("worker")["label"].nunique() == 1).all()
    assert answers.groupby("worker")["label"].first().nunique() > 1  # each picks its own


def test_fixed_spammer_label_parameter() -> None:
    dataset = uniform_classes(500, 3)
    population = make_population({"fixed_spammer": {"share": 1.0, "label": 2}})
    assert (simulate(dataset, population, 2, seed=1).answers["label"] == 2).all()


def test_adversary_is_always_wrong_by_default() -> None:
    observed, _ = accuracy_of("adversary", {})
    assert observed == 0.0


def test_adversary_malice_sets_its_accuracy() -> None:
    observed, n = accuracy_of("adversary", {"malice": 0.8})
    assert within_3se(observed, 0.2, n)
