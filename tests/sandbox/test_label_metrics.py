"""Label metrics against scikit-learn on generated labels (the reference for macro-F1 and accuracy)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import accuracy_score, f1_score

from sandbox.metrics.labels import accuracy, f1_macro, macro_f1, n_correct, scored_pairs

label_lists = st.integers(1, 60).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 6), min_size=n, max_size=n),
        st.lists(st.integers(0, 6), min_size=n, max_size=n),
    )
)


@settings(max_examples=300, deadline=None)
@given(label_lists)
def test_macro_f1_is_scikit_learns(pair: tuple[list[int], list[int]]) -> None:
    true, predicted = (np.asarray(values) for values in pair)
    expected = f1_score(true, predicted, average="macro", zero_division=0)
    assert macro_f1(true, predicted) == pytest.approx(expected, abs=1e-12)


@settings(max_examples=100, deadline=None)
@given(label_lists)
def test_macro_f1_of_text_labels(pair: tuple[list[int], list[int]]) -> None:
    true = np.asarray([f"c{v}" for v in pair[0]], dtype=object)
    predicted = np.asarray([f"c{v}" for v in pair[1]], dtype=object)
    expected = f1_score(true, predicted, average="macro", zero_division=0)
    assert macro_f1(true, predicted) == pytest.approx(expected, abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 40), unique=True, max_size=30),
    st.lists(st.integers(0, 40), unique=True, max_size=30),
    st.randoms(use_true_random=False),
)
def test_scores_over_the_tasks_in_both(label_tasks: list[int], truth_tasks: list[int], rng) -> None:  # type: ignore[no-untyped-def]
    labels = pd.Series([rng.randrange(3) for _ in label_tasks], index=label_tasks, dtype=np.int64)
    truth = pd.Series([rng.randrange(3) for _ in truth_tasks], index=truth_tasks, dtype=np.int64)
    common = sorted(set(label_tasks) & set(truth_tasks))
    predicted, true = scored_pairs(labels, truth)
    assert sorted(zip(predicted.tolist(), true.tolist(), strict=True)) == sorted(
        (int(labels[t]), int(truth[t])) for t in common
    )
    if not common:
        assert np.isnan(accuracy(labels, truth)) and np.isnan(f1_macro(labels, truth))
        return
    reference_true, reference_predicted = truth[common].to_numpy(), labels[common].to_numpy()
    assert accuracy(labels, truth) == pytest.approx(accuracy_score(reference_true, reference_predicted))
    assert n_correct(labels, truth) == int((reference_true == reference_predicted).sum())
    assert f1_macro(labels, truth) == pytest.approx(
        f1_score(reference_true, reference_predicted, average="macro", zero_division=0), abs=1e-12
    )
