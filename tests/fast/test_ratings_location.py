"""The fast mean, median and trimmed mean of ratings equal pandas' group mean and median and scipy's
``trim_mean`` on random ratings; Dawid–Skene on the scale points gives crowd-kit's labels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import trim_mean

from annotators.archetypes.ratings import Scale
from sandbox.aggregation.fast.ratings import Mean, Median, TrimmedMean, encode_ratings
from sandbox.kinds.ratings.aggregation import aggregate_ratings
from sandbox.kinds.ratings.answers import with_scale


def _ratings(seed: int, n: int = 3000) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "task": rng.integers(0, 300, n),
            "worker": rng.integers(0, 40, n),
            "label": rng.integers(0, 11, n).astype(float) * rng.choice([1.0, 0.5], n),
        }
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mean_and_median_are_pandas_group_statistics(seed: int) -> None:
    answers = _ratings(seed)
    coded = encode_ratings(answers)
    groups = answers.groupby("task")["label"]
    np.testing.assert_allclose(Mean().fit_coded(coded).scores_, groups.mean().to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(Median().fit_coded(coded).scores_, groups.median().to_numpy(), rtol=1e-12)


@pytest.mark.parametrize("cut", [0.0, 0.1, 0.25, 0.4])
def test_trimmed_mean_is_scipys(cut: float) -> None:
    answers = _ratings(3)
    expected = answers.groupby("task")["label"].agg(lambda s: trim_mean(s.to_numpy(), cut)).to_numpy()
    np.testing.assert_allclose(
        TrimmedMean(cut).fit_coded(encode_ratings(answers)).scores_, expected, rtol=1e-12
    )


@pytest.mark.parametrize("seed", [0, 1])
def test_dawid_skene_on_the_scale_points_agrees_between_engines(seed: int) -> None:
    rng = np.random.default_rng(seed)
    truth = rng.integers(1, 6, 200)
    rows = []
    for task in range(200):
        for worker in rng.choice(30, 5, replace=False):
            rows.append((task, int(worker), float(np.clip(truth[task] + rng.integers(-1, 2), 1, 5))))
    answers = with_scale(pd.DataFrame(rows, columns=["task", "worker", "label"]), Scale.parse("1-5"))
    fast = aggregate_ratings("ds", answers, "fast")
    reference = aggregate_ratings("ds", answers, "crowdkit")
    assert (fast.scores == reference.scores).mean() >= 0.995
    assert set(fast.scores.unique()) <= {1.0, 2.0, 3.0, 4.0, 5.0}
    assert fast.probas is not None and list(fast.probas.columns) == sorted(set(answers["label"]))
