"""Davidson's Bradley–Terry with ties against a reference implementation (leaderbot's Davidson model
on the Chatbot Arena counts it ships), against a direct scipy.optimize maximum of the likelihood on
small data, and on data drawn from the model itself."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import minimize

from sandbox.aggregation.fast.pairwise import BradleyTerryMLE, Davidson, pairs_from_codes
from sandbox.aggregation.fast.pairwise.davidson import davidson_probabilities, tie_counts
from sandbox.kinds.pairwise.aggregation import aggregate_pairs


def expanded(pairs: np.ndarray, counts: np.ndarray, n_items: int):  # type: ignore[no-untyped-def]
    """One coded answer per counted outcome: ``pairs`` (i, j) rows, ``counts`` (wins of i, wins of j,
    ties) rows."""
    repeats = counts.T.ravel()
    left = np.repeat(np.tile(pairs[:, 0], 3), repeats)
    right = np.repeat(np.tile(pairs[:, 1], 3), repeats)
    side = np.repeat(np.repeat([0, 1, 2], len(pairs)), repeats)
    return pairs_from_codes(left, right, side, n_items=n_items)


def test_matches_leaderbot_on_chatbot_arena() -> None:
    """leaderbot (PyPI) fits the original Davidson model (k_cov=None, k_tie=0) by BFGS on 1.37 million
    Chatbot Arena votes between 129 models, 20 % of them ties."""
    leaderbot = pytest.importorskip("leaderbot")
    data = leaderbot.data.load()
    pairs, counts = np.asarray(data["X"]), np.asarray(data["Y"])
    model = Davidson(prior=0.0, tol=1e-12).fit_coded(expanded(pairs, counts, len(data["models"])))
    reference = leaderbot.models.Davidson(data, k_cov=None, k_tie=0)
    reference.train(tol=1e-12)
    expected = np.asarray(reference.infer())  # P(i wins), P(j wins), P(tie) per pair
    ours = np.column_stack(model.outcome_probabilities(pairs[:, 0], pairs[:, 1]))
    assert model.converged_
    assert np.abs(ours - expected).max() < 1e-5
    assert model.tie_ == pytest.approx(np.exp(reference.param[-1]), rel=1e-6)


def negative_log_likelihood(
    theta: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    t: np.ndarray,
    prior: float,
) -> float:
    """Davidson's negative log-likelihood (+ the pseudo-comparisons with a reference of strength 1),
    written directly: ``theta`` = log strengths, then log ν."""
    s, log_nu = theta[:-1], theta[-1]
    middle = log_nu + (s[low] + s[high]) / 2
    log_total = np.logaddexp(np.logaddexp(s[low], s[high]), middle)
    value = np.sum(a * s[low] + b * s[high] + t * middle - (a + b + t) * log_total)
    value += prior * np.sum(s - 2 * np.logaddexp(s, 0.0))  # one win and one loss against strength 1
    return float(-value)


@pytest.mark.parametrize(("seed", "prior"), [(0, 1.0), (1, 0.5), (2, 1.0)])
def test_reaches_the_maximum_scipy_finds_on_small_data(seed: int, prior: float) -> None:
    rng = np.random.default_rng(seed)
    n_items, n = 12, 400
    left, right = rng.integers(0, n_items, n), rng.integers(0, n_items, n)
    keep = left != right
    coded = pairs_from_codes(left[keep], right[keep], rng.integers(0, 3, int(keep.sum())), n_items=n_items)
    model = Davidson(prior=prior, tol=1e-12).fit_coded(coded)
    low, high, a, b, t = tie_counts(coded)
    direct = minimize(
        negative_log_likelihood,
        np.zeros(n_items + 1),
        args=(low, high, a, b, t, prior),
        method="BFGS",
        options={"gtol": 1e-9},
    )
    ours = np.append(np.log(model.strengths_), np.log(model.tie_))
    assert model.converged_
    # the same maximum (finite-difference BFGS stops a little short of it: never above ours)
    assert negative_log_likelihood(ours, low, high, a, b, t, prior) <= direct.fun + 1e-9
    assert np.abs(ours - direct.x).max() < 1e-4


def test_recovers_planted_strengths_and_tie_parameter() -> None:
    rng = np.random.default_rng(4)
    n_items, n, nu = 50, 60_000, 0.8
    strength = np.exp(rng.normal(size=n_items))
    left, right = rng.integers(0, n_items, n), rng.integers(0, n_items, n)
    keep = left != right
    left, right = left[keep], right[keep]
    p_left, p_right, _ = davidson_probabilities(strength[left], strength[right], nu)
    draw = rng.random(len(left))
    side = np.where(draw < p_left, 0, np.where(draw < p_left + p_right, 1, 2))
    model = Davidson().fit_coded(pairs_from_codes(left, right, side, n_items=n_items))
    assert model.tie_ == pytest.approx(nu, rel=0.03)
    true_logs = np.log(strength) - np.log(strength).mean()
    assert np.corrcoef(model.scores_, true_logs)[0, 1] > 0.99


def test_without_ties_it_is_the_converged_bradley_terry() -> None:
    rng = np.random.default_rng(5)
    left, right = rng.integers(0, 20, 800), rng.integers(0, 20, 800)
    keep = left != right
    coded = pairs_from_codes(left[keep], right[keep], rng.integers(0, 2, int(keep.sum())), n_items=20)
    davidson, bt = Davidson(tol=1e-12).fit_coded(coded), BradleyTerryMLE(tol=1e-12).fit_coded(coded)
    assert davidson.tie_ == 0.0
    assert np.abs(davidson.scores_ - bt.scores_).max() < 1e-8


def test_the_aggregation_reports_the_tie_probability_of_every_answered_pair() -> None:
    answers = pd.DataFrame(
        {
            "task": [1, 1, 2, 2, 3, 3],
            "worker": ["a", "b", "a", "b", "a", "b"],
            "left": ["x", "x", "y", "y", "x", "x"],
            "right": ["y", "y", "z", "z", "z", "z"],
            "label": ["tie", "tie", "left", "left", "left", "tie"],
        }
    )
    result = aggregate_pairs("davidson", answers)
    assert result.probas is not None and list(result.probas.columns) == ["left", "right", "tie"]
    assert np.allclose(result.probas.sum(axis=1), 1.0)
    assert result.probas.loc[1, "tie"] > result.probas.loc[2, "tie"]  # x, y tied twice; y beat z twice
    assert result.tie_parameter is not None and result.tie_parameter > 0
    assert result.ties_left_out == 0
