"""The fast pairwise engine against references other than crowd-kit's own output: evalica's Elo
(exact), the noisy Bradley–Terry likelihood (its gradient by finite differences, and a maximum at
least as high as crowd-kit's fit reaches), and the converged Bradley–Terry on data with repeats."""

from __future__ import annotations

import evalica
import numpy as np
import pandas as pd
import pytest
from crowdkit.aggregation import NoisyBradleyTerry as CrowdkitNoisyBT
from scipy.optimize import check_grad
from scipy.stats import kendalltau

from foundation.errors import SandboxError
from sandbox.aggregation.crowdkit_adapter import quiet_crowdkit
from sandbox.aggregation.fast.pairwise import BradleyTerryMLE, Elo, NoisyBradleyTerry, encode_pairs
from sandbox.aggregation.fast.pairwise.noisy_bt import objective_and_gradient
from tests.fast.test_pairwise_against_crowdkit import comparisons

EVALICA_WINNER = {"left": evalica.Winner.X, "right": evalica.Winner.Y, "tie": evalica.Winner.Draw}


def _answers(n_items: int, n: int, seed: int, ties: float) -> pd.DataFrame:
    """A pairwise answers table with string item ids, ``ties`` of the answers ties."""
    rng = np.random.default_rng(seed)
    quality = rng.normal(size=n_items)
    left = rng.integers(0, n_items, n)
    right = (left + rng.integers(1, n_items, n)) % n_items
    right_wins = rng.random(n) < 1 / (1 + np.exp(-2 * (quality[right] - quality[left])))
    label = np.where(rng.random(n) < ties, "tie", np.where(right_wins, "right", "left"))
    return pd.DataFrame(
        {
            "task": np.arange(n),
            "worker": rng.integers(0, 20, n),
            "left": [f"m{i}" for i in left],
            "right": [f"m{i}" for i in right],
            "label": label,
        }
    )


@pytest.mark.parametrize(("k", "seed", "ties"), [(4.0, 0, 0.0), (32.0, 1, 0.2), (16.0, 2, 0.5)])
def test_elo_equals_evalica(k: float, seed: int, ties: float) -> None:
    """Same K, initial rating and order of comparisons: the same ratings to 1e-9."""
    answers = _answers(60, 5000, seed, ties)
    reference = evalica.elo(
        answers["left"].tolist(),
        answers["right"].tolist(),
        [EVALICA_WINNER[label] for label in answers["label"]],
        k=k,
        initial=1000.0,
    ).scores
    model = Elo(k=k).fit_coded(encode_pairs(answers))
    ours = pd.Series(model.scores_, index=model.item_names_)
    assert sorted(ours.index) == sorted(reference.index)
    np.testing.assert_allclose(ours.loc[reference.index].to_numpy(), reference.to_numpy(), rtol=0, atol=1e-9)


def test_elo_defaults_are_evalicas() -> None:
    answers = _answers(30, 2000, 3, 0.1)
    reference = evalica.elo(
        answers["left"].tolist(),
        answers["right"].tolist(),
        [EVALICA_WINNER[label] for label in answers["label"]],
    ).scores
    model = Elo().fit_coded(encode_pairs(answers))
    ours = pd.Series(model.scores_, index=model.item_names_)
    np.testing.assert_allclose(ours.loc[reference.index].to_numpy(), reference.to_numpy(), rtol=0, atol=1e-9)


def _noisy_arguments(seed: int) -> tuple[np.ndarray, tuple[object, ...]]:
    rng = np.random.default_rng(seed)
    n_items, n_workers, n = 12, 5, 300
    left = rng.integers(1, n_items + 1, n)
    right = rng.integers(1, n_items + 1, n)
    y = np.where(rng.random(n) < 0.5, 1.0, -1.0)
    workers = rng.integers(0, n_workers, n)
    x = rng.normal(size=1 + n_items + 2 * n_workers)
    return x, (left, right, y, workers, n_items, n_workers, 0.3)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_noisy_bt_gradient_is_the_objectives(seed: int) -> None:
    x, arguments = _noisy_arguments(seed)

    def value(point: np.ndarray) -> float:
        return objective_and_gradient(point, *arguments)[0]  # type: ignore[arg-type]

    def gradient(point: np.ndarray) -> np.ndarray:
        return objective_and_gradient(point, *arguments)[1]  # type: ignore[arg-type]

    assert check_grad(value, gradient, x, epsilon=1e-6) < 1e-5 * np.linalg.norm(gradient(x))


@pytest.mark.parametrize("seed", [3, 4])
def test_noisy_bt_converges_higher_than_crowdkit(seed: int) -> None:
    """The fast mode reports convergence, reaches an objective at least as low as crowd-kit's fit
    (both scored by the model's likelihood), and ranks the items as well against the truth."""
    data, quality = comparisons(40, 1500, seed)
    fast = NoisyBradleyTerry().fit(data)
    assert fast.converged_ and fast.n_iter_ < 100
    with quiet_crowdkit():
        reference = CrowdkitNoisyBT().fit(data)
    parity = NoisyBradleyTerry(mode="parity").fit(data)
    np.testing.assert_allclose(parity.skills_, reference.skills_.sort_index().to_numpy(), atol=1e-9)
    tau_fast = kendalltau(fast.scores_, quality).statistic
    tau_reference = kendalltau(reference.scores_.sort_index().to_numpy(), quality).statistic
    assert tau_fast >= tau_reference - 0.01
    assert fast.objective_ <= parity.objective_


def test_noisy_bt_refuses_an_unknown_mode() -> None:
    with pytest.raises(SandboxError, match="fast, parity"):
        NoisyBradleyTerry(mode="exact")  # type: ignore[arg-type]


def test_converged_bradley_terry_with_repeated_pairs_matches_the_counts() -> None:
    """Many repeats of few pairs (as on a leaderboard of models): every answer given twice, with the
    pseudo-comparisons doubled too, doubles the log-likelihood, so its maximum must not move."""
    data, _ = comparisons(8, 4000, 6)
    once = BradleyTerryMLE(tol=1e-12, prior=1.0).fit(data)
    twice = BradleyTerryMLE(tol=1e-12, prior=2.0).fit(pd.concat([data, data], ignore_index=True))
    np.testing.assert_allclose(once.scores_, twice.scores_, atol=1e-9)
