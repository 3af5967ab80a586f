"""Agreement among ratings against the libraries: Krippendorff's alpha (interval and ordinal) against
the ``krippendorff`` package, ICC(1) and ICC(1,k) against pingouin, the pooled quadratic-weighted
kappa against scikit-learn's ``cohen_kappa_score``."""

from __future__ import annotations

import math

import krippendorff
import numpy as np
import pandas as pd
import pingouin
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from annotators.archetypes.ratings import Scale
from sandbox.kinds.ratings.agreement import alpha_interval, alpha_ordinal, icc
from sandbox.kinds.ratings.metrics import pooled_qwk


def _matrix(answers: pd.DataFrame) -> np.ndarray:
    """The package's reliability data: raters × units, NaN where a rater did not rate a unit."""
    return answers.pivot(index="worker", columns="task", values="label").to_numpy(dtype=float)


@st.composite
def crowds(draw: st.DrawFn) -> pd.DataFrame:
    n_tasks = draw(st.integers(2, 12))
    n_workers = draw(st.integers(2, 6))
    values = draw(st.sampled_from([[1, 2, 3, 4, 5], [0, 10, 50, 90, 100], [0.5, 1.25, 7.0]]))
    cells = draw(
        st.lists(
            st.tuples(st.integers(0, n_tasks - 1), st.integers(0, n_workers - 1), st.sampled_from(values)),
            min_size=4,
            max_size=60,
        )
    )
    return pd.DataFrame(cells, columns=["task", "worker", "label"]).drop_duplicates(["task", "worker"])


@settings(max_examples=150)
@given(crowds())
def test_alpha_is_the_krippendorff_packages(answers: pd.DataFrame) -> None:
    data = _matrix(answers)
    pairable = (np.sum(~np.isnan(data), axis=0) >= 2).sum()
    values = answers.groupby("task").filter(lambda g: len(g) >= 2)["label"]
    if pairable == 0 or values.nunique() < 2:
        assert math.isnan(alpha_interval(answers))
        return
    for level, ours in (("interval", alpha_interval), ("ordinal", alpha_ordinal)):
        expected = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
        assert ours(answers) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_icc_is_pingouins_one_way_random_effects(seed: int) -> None:
    rng = np.random.default_rng(seed)
    truth = rng.normal(0, 1, 40)
    rows = [(t, r, truth[t] + rng.normal(0, 0.8)) for t in range(40) for r in range(5)]
    answers = pd.DataFrame(rows, columns=["task", "worker", "label"])
    table = pingouin.intraclass_corr(
        data=answers, targets="task", raters="worker", ratings="label"
    ).set_index("Type")
    ours = icc(answers)
    assert ours["icc1"] == pytest.approx(table.loc["ICC(1,1)", "ICC"], abs=1e-10)
    assert ours["icc1k"] == pytest.approx(table.loc["ICC(1,k)", "ICC"], abs=1e-10)


def test_icc_of_an_unbalanced_design_uses_the_mean_ratings_per_item() -> None:
    """n₀ = (N − Σ n_i² / N) / (g − 1) (McGraw & Wong 1996, unbalanced one-way design), by hand."""
    answers = pd.DataFrame(
        {
            "task": [0, 0, 1, 1, 1, 2, 2],
            "worker": [0, 1, 0, 1, 2, 1, 2],
            "label": [1.0, 2.0, 4.0, 5.0, 4.0, 2.0, 3.0],
        }
    )
    means = {0: 1.5, 1: 13 / 3, 2: 2.5}
    grand = answers["label"].mean()
    msb = sum(n * (means[t] - grand) ** 2 for t, n in ((0, 2), (1, 3), (2, 2))) / 2
    msw = sum((v - means[t]) ** 2 for t, v in zip(answers["task"], answers["label"], strict=True)) / (7 - 3)
    n0 = (7 - (4 + 9 + 4) / 7) / 2
    assert icc(answers)["icc1"] == pytest.approx((msb - msw) / (msb + (n0 - 1) * msw), abs=1e-12)


@pytest.mark.parametrize("seed", [0, 1])
def test_pooled_qwk_of_two_ratings_per_item_is_scikit_learns_kappa_both_ways_round(seed: int) -> None:
    rng = np.random.default_rng(seed)
    first = rng.integers(0, 5, 300)
    second = np.clip(first + rng.integers(-1, 2, 300), 0, 4)
    answers = pd.DataFrame(
        {
            "task": np.r_[np.arange(300), np.arange(300)],
            "worker": np.r_[np.zeros(300), np.ones(300)],
            "label": np.r_[first, second].astype(float),
        }
    )
    expected = cohen_kappa_score(np.r_[first, second], np.r_[second, first], weights="quadratic")
    assert pooled_qwk(answers, Scale.parse("0-4")) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_quadratic_kappa_against_the_truth_is_scikit_learns(seed: int) -> None:
    from sandbox.kinds.ratings.metrics import quadratic_kappa

    rng = np.random.default_rng(seed)
    true = rng.uniform(1, 5, 200)
    estimated = np.clip(true + rng.normal(0, 0.7, 200), 1, 5)
    scale = Scale.parse("1-5")
    expected = cohen_kappa_score(
        scale.grid_code(estimated), scale.grid_code(true), labels=range(5), weights="quadratic"
    )
    assert quadratic_kappa(estimated, true, scale) == pytest.approx(expected, abs=1e-12)
