"""Structure between the crowd and the individual (issue 25): each annotator's own mistakes (where
their wrong answers go) and own susceptibility to lures, declared in the population file, simulated,
and estimated by `fit`."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from annotators.items import ItemStructure
from annotators.parameters import Distribution
from annotators.population import Population
from foundation.errors import SandboxError
from sandbox.kinds.classification.fit import fit_population, known_workers
from tests.conftest import balanced_binary, make_population, simulate, uniform_classes

CONFUSION = [[0.0, 0.6, 0.3, 0.1], [0.4, 0.0, 0.4, 0.2], [0.1, 0.3, 0.0, 0.6], [0.25, 0.25, 0.5, 0.0]]


def _own_mistakes(kappa: float | None, pool: int = 60) -> Population:
    honest: dict[str, object] = {"share": 1.0, "skill": 0.6, "mistakes": "confusion", "confusion": CONFUSION}
    if kappa is not None:
        honest["mistake_concentration"] = kappa
    return make_population({"honest": honest}, pool_size=pool)


def test_own_mistakes_are_drawn_around_the_shared_rows() -> None:
    """Dirichlet(κ p) rows: mean p, variance p (1 − p) / (κ + 1) per entry."""
    kappa = 4.0
    member = _own_mistakes(kappa, pool=4000).members[0].archetype
    traits = member.draw_workers(4000, 4, np.full(4, 0.25), np.random.default_rng(0))
    assert traits.mistakes is not None
    rows = traits.mistakes[:, 0, :]
    np.testing.assert_allclose(rows.sum(axis=1), 1.0)
    assert (rows[:, 0] == 0).all()
    p = np.array(CONFUSION[0])
    np.testing.assert_allclose(rows.mean(axis=0), p, atol=0.01)
    expected = p[1:] * (1 - p[1:]) / (kappa + 1)
    np.testing.assert_allclose(rows[:, 1:].var(axis=0), expected, rtol=0.1)


def test_without_a_concentration_nothing_changes() -> None:
    """A population file without the new keys draws and answers exactly as before (no extra draws)."""
    population = _own_mistakes(None)
    traits = population.members[0].archetype.draw_workers(10, 4, np.full(4, 0.25), np.random.default_rng(1))
    assert traits.mistakes is None
    a = simulate(uniform_classes(200, 4), population, 3, 5).answers
    b = simulate(uniform_classes(200, 4), population, 3, 5).answers
    assert a.equals(b)


def test_fit_recovers_a_planted_concentration_and_each_workers_mistakes() -> None:
    """Wrong answers of 60 workers × ~400 answers at skill 0.6: κ = 3 is recovered within a factor
    1.5 (the Dirichlet-multinomial estimate from ~160 wrong answers per worker), and a worker's own
    mistakes are closer to their drawn rows than the crowd's are."""
    population = _own_mistakes(3.0)
    dataset = uniform_classes(4000, 4)
    campaign = simulate(dataset, population, 6, 2)
    fitted = fit_population(campaign.answers, name="planted", gold=dataset.truth)
    kappa = fitted.population["archetypes"]["honest"]["mistake_concentration"]
    assert len(kappa) == 4
    assert all(2.0 <= k <= 4.5 for k in kappa), kappa
    assert fitted.item_fit is not None and fitted.item_fit.worker_mistakes is not None
    twins = known_workers(fitted)
    assert all(t.mistakes is not None for t in twins.values())
    # a homogeneous crowd is recognised as one: κ runs to the top of its range
    same = fit_population(
        simulate(dataset, _own_mistakes(None), 6, 2).answers, name="same", gold=dataset.truth
    )
    assert min(same.population["archetypes"]["honest"]["mistake_concentration"]) > 100


def test_a_concentration_must_fit_the_classes() -> None:
    population = make_population(
        {"honest": {"share": 1.0, "skill": 0.8, "mistakes": "uniform", "mistake_concentration": [1.0, 2.0]}}
    )
    with pytest.raises(
        SandboxError, match="mistake_concentration has 2 values but the dataset has 4 classes"
    ):
        simulate(uniform_classes(50, 4), population, 3, 0)
    with pytest.raises(SandboxError, match="mistake_concentration needs mistakes"):
        simulate(
            uniform_classes(50, 4),
            make_population({"honest": {"share": 1.0, "mistake_concentration": 2.0}}),
            3,
            0,
        )
    with pytest.raises(SandboxError, match="mistake_concentration"):
        make_population({"honest": {"share": 1.0, "mistake_concentration": -1.0}})


def test_pulls_drawn_per_worker_spread_the_lured_answers() -> None:
    """On misleading items (all of them here) a worker who tries answers the lure with their own
    pull: with pull ~ Beta(1, 1) workers' lured shares spread over [0, 1] (variance ≈ 1/12 plus
    the binomial noise of their answers); with a fixed pull of 0.5, only the binomial noise."""
    spread = dataclasses.replace(
        make_population({"honest": {"share": 1.0, "skill": 1.0}}, pool_size=200),
        items=ItemStructure(misleading_share=(1.0,), pull=0.5, worker_pull=Distribution(alpha=1.0, beta=1.0)),
    )
    fixed = dataclasses.replace(spread, items=ItemStructure(misleading_share=(1.0,), pull=0.5))
    dataset = balanced_binary(2000)
    variances = []
    for population in (spread, fixed):
        answers = simulate(dataset, population, 20, 3).answers
        wrong = answers["label"].to_numpy() != dataset.truth.reindex(answers["task"]).to_numpy()
        variances.append(
            float(np.var(np.bincount(answers["worker"], weights=wrong) / np.bincount(answers["worker"])))
        )
    answers_per_worker = 2000 * 20 / 200
    assert variances[0] == pytest.approx(1 / 12 + 1 / 6 / answers_per_worker, rel=0.25)
    assert variances[1] == pytest.approx(0.25 / answers_per_worker, rel=0.3)


def test_the_pull_may_be_a_distribution_in_the_population_file() -> None:
    data = {
        "pool_size": 10,
        "archetypes": {"honest": {"share": 1.0}},
        "items": {"misleading_share": 0.1, "pull": {"alpha": 2.0, "beta": 3.0}},
    }
    population = Population.from_dict(data, "inline")
    assert population.items.pull == pytest.approx(0.4)
    assert population.items.worker_pull == Distribution(alpha=2.0, beta=3.0)
    assert population.to_dict()["items"]["pull"] == {"alpha": 2.0, "beta": 3.0}
    assert Population.from_dict(population.to_dict(), "again").items == population.items
    with pytest.raises(SandboxError, match="pull"):
        Population.from_dict({**data, "items": {"misleading_share": 0.1, "pull": {"alpha": 2.0}}}, "inline")


def test_fit_with_worker_pulls_tells_resistant_from_susceptible_workers() -> None:
    """Half the workers follow lures with pull 0.9, half with 0.1; fitted per worker, the two halves
    come apart (the crowd's single pull would give both 0.5)."""
    pulls = np.repeat([0.9, 0.1], 30)
    population = dataclasses.replace(
        make_population({"honest": {"share": 1.0, "skill": 0.9}}, pool_size=60),
        items=ItemStructure(misleading_share=(0.3,), pull=0.5, worker_pull=Distribution(values=tuple(pulls))),
    )
    dataset = balanced_binary(3000)
    campaign = simulate(dataset, population, 10, 4)
    fitted = fit_population(campaign.answers, name="pulls", gold=dataset.truth, worker_pull=True)
    assert fitted.pulls is not None
    fitted_pulls = fitted.pulls.to_numpy()
    assert np.sort(fitted_pulls)[-15:].mean() > 0.7 and np.sort(fitted_pulls)[:15].mean() < 0.3
    assert isinstance(fitted.population["items"]["pull"], dict)
    assert math.isclose(fitted.pull, float(np.mean(fitted_pulls)), abs_tol=0.15)
