"""The fast pairwise engine against crowd-kit 1.4.2 on the same comparisons: same ranking, scores
within tolerance; and the converged Bradley–Terry against the likelihood's own optimality condition."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from crowdkit.aggregation import BradleyTerry as CrowdkitBT
from crowdkit.aggregation import NoisyBradleyTerry as CrowdkitNoisyBT
from scipy.stats import kendalltau

from sandbox.aggregation.crowdkit_adapter import quiet_crowdkit
from sandbox.aggregation.fast.pairwise import BradleyTerry, BradleyTerryMLE, NoisyBradleyTerry, WinRate


def comparisons(n_items: int, n: int, seed: int, ids: str = "int") -> tuple[pd.DataFrame, np.ndarray]:
    """Bradley–Terry answers (slope 2 per standard deviation) by 30 workers, plus the true quality."""
    rng = np.random.default_rng(seed)
    quality = rng.normal(size=n_items)
    left, right = rng.integers(0, n_items, n), rng.integers(0, n_items, n)
    keep = left != right
    left, right = left[keep], right[keep]
    p_left = 1 / (1 + np.exp(-2 * (quality[left] - quality[right])))
    winner = np.where(rng.random(len(left)) < p_left, left, right)
    names = (lambda a: np.char.add("item-", a.astype(str))) if ids == "str" else (lambda a: a)
    frame = pd.DataFrame(
        {
            "worker": rng.integers(0, 30, len(left)),
            "left": names(left),
            "right": names(right),
            "label": names(winner),
        }
    )
    return frame, quality


@pytest.mark.parametrize(("seed", "ids"), [(0, "int"), (1, "str"), (2, "int")])
def test_bradley_terry_matches_crowdkit(seed: int, ids: str) -> None:
    data, _ = comparisons(80, 4000, seed, ids)
    reference = CrowdkitBT(n_iter=100).fit(data).scores_.sort_index()
    fast = BradleyTerry().fit_predict(data).sort_index()
    assert list(fast.index) == list(reference.index)
    np.testing.assert_allclose(fast.to_numpy(), reference.to_numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(("seed", "ids"), [(3, "int"), (4, "str")])
def test_noisy_bradley_terry_matches_crowdkit(seed: int, ids: str) -> None:
    data, _ = comparisons(40, 1500, seed, ids)
    with quiet_crowdkit():
        reference = CrowdkitNoisyBT().fit(data)
    fast = NoisyBradleyTerry(mode="parity").fit(data)
    scores = pd.Series(fast.scores_, index=fast.item_names_)
    expected = reference.scores_.sort_index()
    assert list(expected.sort_values().index) == list(scores.loc[expected.index].sort_values().index)
    np.testing.assert_allclose(scores.loc[expected.index].to_numpy(), expected.to_numpy(), atol=1e-9)
    np.testing.assert_allclose(fast.skills_, reference.skills_.sort_index().to_numpy(), atol=1e-9)
    np.testing.assert_allclose(fast.biases_, reference.biases_.sort_index().to_numpy(), atol=1e-9)


def test_converged_bradley_terry_satisfies_the_likelihood_equations() -> None:
    """At the maximum, every item's expected wins equal its observed ones (Hunter 2004, eq. 3), the
    pseudo-win and pseudo-loss against the reference item (strength 1) included:
    Σ_j n_ij p_i / (p_i + p_j) + 2 p_i / (p_i + 1) = w_i + 1."""
    data, quality = comparisons(60, 3000, 5)
    model = BradleyTerryMLE(tol=1e-12).fit(data)
    assert model.converged_
    p = model.strengths_
    left, right, winner = (data[c].to_numpy() for c in ("left", "right", "label"))
    wins = np.bincount(winner, minlength=60).astype(float)
    share = 1 / (p[left] + p[right])
    expected = np.bincount(left, p[left] * share, 60) + np.bincount(right, p[right] * share, 60)
    np.testing.assert_allclose(expected + 2 * p / (p + 1), wins + 1, atol=1e-6)
    assert kendalltau(model.scores_, quality).statistic > 0.85


def test_win_rate_counts_ties_as_half_a_win() -> None:
    from sandbox.aggregation.fast.pairwise.coding import pairs_from_codes

    coded = pairs_from_codes([0, 0, 1], [1, 2, 2], [0, 2, 1])  # 0 beats 1, 0 ties 2, 2 beats 1
    scores = WinRate().fit_coded(coded).scores_
    np.testing.assert_allclose(scores, [(1 + 0.5) / 2, 0 / 2, (0.5 + 1) / 2])
