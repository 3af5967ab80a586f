"""Worker metrics against scipy's Spearman and scikit-learn's ROC AUC on generated scores."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import rankdata, spearmanr
from sklearn.metrics import roc_auc_score

from sandbox.metrics.workers import (
    average_ranks,
    cheater_detection_auc,
    roc_auc,
    skill_rank_correlation,
    spearman,
)

# few distinct values, so that ties are common
scores = st.lists(st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.9, 1.0, -3.0]), min_size=2, max_size=40)


@settings(max_examples=300, deadline=None)
@given(scores, st.data())
def test_roc_auc_is_scikit_learns(values: list[float], data: st.DataObject) -> None:
    flags = np.asarray(data.draw(st.lists(st.booleans(), min_size=len(values), max_size=len(values))))
    if flags.all() or not flags.any():
        flags[0] = not flags[0]
    expected = roc_auc_score(flags, values)
    assert roc_auc(flags, np.asarray(values)) == pytest.approx(expected, abs=1e-12)


@settings(max_examples=300, deadline=None)
@given(scores, st.data())
def test_spearman_is_scipys(x: list[float], data: st.DataObject) -> None:
    y = data.draw(st.lists(st.sampled_from([0.0, 0.3, 0.7, 2.0]), min_size=len(x), max_size=len(x)))
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return
    expected = spearmanr(x, y).statistic
    assert spearman(np.asarray(x), np.asarray(y)) == pytest.approx(expected, abs=1e-12)


def test_series_are_aligned_by_worker() -> None:
    estimated = pd.Series([0.9, 0.2, 0.5, 0.7], index=["d", "a", "c", "b"])
    true = pd.Series([0.1, 0.8, 0.6, 0.5, 0.3], index=["a", "b", "c", "d", "e"])
    assert skill_rank_correlation(estimated, true) == pytest.approx(
        spearmanr([0.2, 0.7, 0.5, 0.9], [0.1, 0.8, 0.6, 0.5]).statistic
    )
    honest = pd.Series([False, True, True, True], index=["a", "b", "c", "d"])
    assert cheater_detection_auc(estimated, honest) == pytest.approx(1.0)


@settings(max_examples=300, deadline=None)
@given(scores)
def test_average_ranks_are_scipys(values: list[float]) -> None:
    assert np.array_equal(average_ranks(np.asarray(values)), rankdata(values))
