"""The verdict's rules on hand-made results: who wins at a budget (beyond two standard errors), who
reaches a target for less, and what curation is assumed to be."""

from __future__ import annotations

import math

import pytest

from annotators.population import load_population
from foundation.errors import SandboxError
from sandbox.experiment.compare import Comparison, SideResult
from sandbox.experiment.verdict import Prices, SideProfile, curation_population, verdict_text
from sandbox.kinds.base import task_kind

CROWD = SideProfile("your crowd", 0.02, 0.0, 0.1, 0.05, 0.7)
CURATION = SideProfile("paid_curation", 0.5, 0.0, 0.0, 0.05, 0.36)


def side(accuracy: float, cost: float, *, coverage: float = 1.0, reached: bool = True) -> SideResult:
    return SideResult("x", accuracy, cost, 100, 1, 0.0, coverage, None, reached)


def test_a_clear_difference_at_the_budget_and_a_cheaper_target_make_a_winner() -> None:
    # 1000 tasks: two standard errors of 0.95 vs 0.90 are about 2 sqrt(.95*.05/1000 + .9*.1/1000) = 0.023.
    at_budget = Comparison(side(0.95, 100), side(0.90, 100), None)
    at_target = Comparison(side(0.95, 100), side(0.95, 1500), None)
    winner, text = verdict_text(at_budget, at_target, 100, 0.95, CROWD, CURATION, n_tasks=1000)
    assert winner == "crowd" and text.startswith("Your crowd wins on these 1000 tasks.")
    assert "curation's answer buys 25 crowd answers" in text  # 0.5 / 0.02
    assert "10% of your annotators" in text


def test_a_difference_within_noise_is_no_win() -> None:
    # 100 tasks: two standard errors of 0.92 vs 0.90 are about 0.08 > 0.02.
    at_budget = Comparison(side(0.92, 100), side(0.90, 100), None)
    at_target = Comparison(side(0.90, 50, reached=True), side(0.90, 50, reached=True), None)
    winner, text = verdict_text(at_budget, at_target, 100, 0.9, CROWD, CURATION, n_tasks=100)
    assert winner == "neither" and "(within noise)" in text


def test_a_side_that_covers_fewer_tasks_loses_the_budget() -> None:
    at_budget = Comparison(side(0.99, 100, coverage=0.5), side(0.90, 100), None)
    at_target = Comparison(side(0.99, 100, reached=False), side(0.90, 100, reached=False), None)
    winner, text = verdict_text(at_budget, at_target, 100, 1.0, CROWD, CURATION, n_tasks=1000)
    assert winner == "curation"
    assert "on 50% of the tasks" in text and "never reaches it" in text


def test_disagreeing_questions_give_no_winner() -> None:
    at_budget = Comparison(side(0.99, 100), side(0.80, 100), None)
    at_target = Comparison(side(0.99, 900), side(0.99, 300), None)
    winner, _ = verdict_text(at_budget, at_target, 100, 0.99, CROWD, CURATION, n_tasks=1000)
    assert winner == "neither"


def test_curation_accuracy_keeps_the_presets_concentration() -> None:
    """paid_curation's skill is Beta(40, 2): an accuracy of 0.9 is Beta(0.9 · 42, 0.1 · 42)."""
    kind = task_kind("classification")
    curation, assumptions = curation_population(kind, Prices(0.02, 0.3, 0.9))
    skill = curation.members[0].archetype.to_toml()["skill"]
    assert skill["alpha"] == pytest.approx(37.8) and skill["beta"] == pytest.approx(4.2)
    assert curation.cost_per_label == 0.3
    assert any("0.3 per answer (given)" in line for line in assumptions)
    preset = load_population("paid_curation")
    assert curation.pool_size == preset.pool_size and curation.items == preset.items


@pytest.mark.parametrize("bad", [math.nan, math.inf, -0.01])
def test_prices_are_finite_and_not_negative(bad: float) -> None:
    with pytest.raises(SandboxError, match="--cost-per-label must be a finite number >= 0"):
        Prices(bad).checked()
    with pytest.raises(SandboxError, match="--curation-cost"):
        Prices(0.1, bad).checked()
