"""The ratings presets against the figures they state: HelpSteer2's agreement between annotators
(quadratic-weighted kappa 0.465 as collected, 0.706 with annotators filtered and ambiguous items
dropped; Wang et al. 2024), measured on a 0-4 synthetic set with 4 ratings per item."""

from __future__ import annotations

import pytest

from annotators.population import Population, load_population
from sandbox.kinds.ratings.answers import scale_of
from sandbox.kinds.ratings.metrics import pooled_qwk
from tests.ratings.helpers import campaign

DATASET = "synthetic-ratings:n_items=2000,scale=0-4"


def qwk(population: Population, difficulty: str) -> float:
    _, _, answers = campaign(DATASET, population, 4, 0, difficulty=difficulty)
    return pooled_qwk(answers, scale_of(answers))


def test_the_paid_crowd_agrees_as_helpsteer2s_annotators_did() -> None:
    assert qwk(load_population("ratings_paid_crowd"), "auto") == pytest.approx(0.465, abs=0.03)


def test_its_honest_raters_on_clear_items_agree_as_helpsteer2s_filtered_set() -> None:
    data = load_population("ratings_paid_crowd").to_dict()
    honest = {"honest": {**data["archetypes"]["honest"], "share": 1.0}}
    population = Population.from_dict({**data, "archetypes": honest}, "honest raters of ratings_paid_crowd")
    assert qwk(population, "none") == pytest.approx(0.706, abs=0.03)


def test_curation_agrees_most_and_volunteers_least() -> None:
    values = {
        n: qwk(load_population(n), "auto")
        for n in ("ratings_volunteers", "ratings_paid_crowd", "ratings_curation")
    }
    assert values["ratings_volunteers"] < values["ratings_paid_crowd"] < values["ratings_curation"]
