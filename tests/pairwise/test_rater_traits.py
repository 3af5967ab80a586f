"""Per-rater traits of comparing raters: tie propensity, position lean to either side, a feature
weight of either sign; and the cheaters' shares. Checked against the formulas of
``annotators/archetypes/pairwise/honest.py`` on many answers."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scipy.special import expit

from annotators.archetypes.base import AnswerBatch
from annotators.archetypes.pairwise import ARCHETYPES, LEFT, RIGHT, TIE, PairContext
from annotators.population import Population

N = 40_000


def batch(
    difference: float, traits: dict[str, float], feature_gap: float = 0.0, n_classes: int = 3
) -> tuple[AnswerBatch, PairContext]:
    """``N`` answers by one rater on pairs ``difference`` SD apart (right minus left), whose
    ``length`` differs by ``feature_gap`` standardised units."""
    context = PairContext(
        left_quality=np.zeros(N),
        right_quality=np.full(N, difference),
        left_nuisance=None,
        right_nuisance=None,
        left_item=np.zeros(N, dtype=np.int64),
        right_item=np.ones(N, dtype=np.int64),
        items_by_rank=np.array([1, 0]),
        features={"length": (np.zeros(N), np.full(N, feature_gap))},
    )
    task = np.arange(N)
    answers = AnswerBatch(
        task=task,
        worker=np.zeros(N, dtype=np.int64),
        truth=np.zeros(N, dtype=np.int64),
        ability=np.full(N, 0.8),
        target=np.full(N, -1),
        group=np.full(N, -1),
        is_gold=np.zeros(N, dtype=bool),
        position=task,
        difficulty=np.zeros(N),
        n_classes=n_classes,
        n_tasks=N,
        class_prior=np.full(n_classes, 1 / n_classes),
        context=context,
        traits={name: np.full(N, value) for name, value in traits.items()},
    )
    return answers, context


def answer(archetype: str, params: dict[str, Any], answers: AnswerBatch) -> np.ndarray:
    population = Population.from_dict(
        {"kind": "pairwise", "pool_size": 1, "archetypes": {archetype: {"share": 1.0, **params}}}, "test"
    )
    return population.members[0].archetype.answer(answers, np.random.default_rng(0))


def test_tie_propensity_is_the_tie_rate_on_equal_items() -> None:
    answers, _ = batch(0.0, {"tie": 0.4, "left": 0.5, "weight": 0.0})
    ties = np.mean(answer("honest", {}, answers) == TIE)
    assert ties == pytest.approx(0.4, abs=0.01)
    far, _ = batch(3.0, {"tie": 0.4, "left": 0.5, "weight": 0.0})
    a = np.log(0.8 / 0.2)  # skill 0.8 one SD apart
    tau = np.log((1 + 0.4) / (1 - 0.4))  # logistic: P(|e| < tau) = 0.4
    expected = expit(tau - 3 * a) - expit(-tau - 3 * a)
    assert np.mean(answer("honest", {}, far) == TIE) == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize("lean", [0.3, 0.7])
def test_position_lean_goes_either_way(lean: float) -> None:
    answers, _ = batch(0.0, {"tie": np.nan, "left": lean, "weight": 0.0}, n_classes=2)
    assert np.mean(answer("honest", {}, answers) == LEFT) == pytest.approx(lean, abs=0.01)


@pytest.mark.parametrize("weight", [-1.5, 1.5])
def test_a_feature_weight_prefers_the_longer_or_the_shorter_item(weight: float) -> None:
    answers, _ = batch(0.0, {"tie": np.nan, "left": 0.5, "weight": weight}, feature_gap=1.0, n_classes=2)
    # equal quality, the right item one SD longer: P(right) = sigma(weight)
    assert np.mean(answer("honest", {}, answers) == RIGHT) == pytest.approx(expit(weight), abs=0.01)


def test_position_bias_towards_the_right() -> None:
    answers, _ = batch(0.0, {"tie": np.nan, "left": 0.5, "weight": 0.0}, n_classes=2)
    right = np.mean(answer("position_biased", {"bias": 0.6, "side": "right"}, answers) == RIGHT)
    assert right == pytest.approx(0.6 + 0.4 * 0.5, abs=0.01)


def test_tie_clicker_rate_and_random_clicker_preference() -> None:
    answers, _ = batch(1.0, {})
    clicks = answer("tie_clicker", {"rate": 0.8}, answers)
    assert np.mean(clicks == TIE) == pytest.approx(0.8, abs=0.01)
    assert np.mean(clicks == LEFT) == pytest.approx(0.1, abs=0.01)
    shares = np.array([[0.2, 0.5, 0.3]])
    preferring = AnswerBatch(**{**answers.__dict__, "worker_preference": shares})
    clicks = answer("random_clicker", {"preference": [0.2, 0.5, 0.3]}, preferring)
    assert np.bincount(clicks, minlength=3) / N == pytest.approx(shares[0], abs=0.01)


def test_every_comparing_archetype_draws_the_three_traits() -> None:
    rng = np.random.default_rng(0)
    for name in ("honest", "position_biased", "length_biased", "adversary", "promoting_ring"):
        archetype = ARCHETYPES[name]({**_defaults(name), "ties": None})
        traits = archetype.draw_workers(5, 3, np.full(3, 1 / 3), rng).traits
        assert set(traits) == {"tie", "left", "weight"}, name


def _defaults(name: str) -> dict[str, Any]:
    population = Population.from_dict(
        {"kind": "pairwise", "pool_size": 1, "archetypes": {name: {"share": 1.0}}}, "test"
    )
    return dict(population.members[0].archetype.params)
