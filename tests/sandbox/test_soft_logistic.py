"""The soft-label logistic regression against scikit-learn's on every row repeated once per class.

Both minimise the same objective (mean weighted cross-entropy + ||coef||² / (2 C · total weight)) by
L-BFGS from zero with the same settings, so they take the same steps: the coefficients agree to round-off
(measured ~1e-13 relative; a penalty 1.3 times too strong moves them by ~3e-3).
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from sandbox.kinds.classification.soft_logistic import FloatArray as Array
from sandbox.kinds.classification.soft_logistic import SoftLogisticRegression


def reference(features: Array, soft: Array) -> LogisticRegression:
    """scikit-learn on repeated rows: row i once per class k with weight soft[i, k] > 0."""
    rows, classes = np.nonzero(soft > 0)
    model = LogisticRegression(max_iter=2000)
    return model.fit(features[rows], classes, sample_weight=soft[rows, classes])


def crowd_posteriors(
    truth: NDArray[np.int64], n_classes: int, rng: np.random.Generator, sharpness: float
) -> Array:
    """Posteriors of a noisy crowd: mostly on the true class, sometimes confidently wrong."""
    logits = rng.normal(0.0, 1.0, (truth.size, n_classes))
    logits[np.arange(truth.size), truth] += sharpness
    wrong = rng.random(truth.size) < 0.15
    logits[wrong, rng.integers(0, n_classes, wrong.sum())] += 2 * sharpness
    soft = np.exp(logits - logits.max(axis=1, keepdims=True))
    return soft / soft.sum(axis=1, keepdims=True)


def check_same_model(features: Array, soft: Array, test: Array) -> None:
    ours = SoftLogisticRegression().fit(features, soft)
    theirs = reference(features, soft)
    theirs_coef = np.hstack([theirs.coef_, theirs.intercept_[:, None]])
    assert np.abs(ours.coef_ - theirs_coef).max() <= 1e-6 * np.abs(theirs_coef).max()
    assert np.array_equal(ours.predict(test), theirs.predict(test))


@settings(max_examples=12, deadline=None)
@given(st.integers(0, 2**31), st.sampled_from([2, 3, 5]), st.floats(0.5, 4.0))
def test_same_optimum_as_scikit_learn_on_repeated_rows(seed: int, n_classes: int, sharpness: float) -> None:
    rng = np.random.default_rng(seed)
    centres = rng.normal(0.0, 1.5, (n_classes, 6))
    truth = rng.integers(0, n_classes, 300)
    features = centres[truth] + rng.normal(0.0, 1.0, (300, 6))
    check_same_model(features, crowd_posteriors(truth, n_classes, rng, sharpness), features[:100] * 1.1)


def test_same_optimum_on_digits() -> None:
    digits = load_digits()
    features = StandardScaler().fit_transform(digits.data)
    rng = np.random.default_rng(7)
    train = rng.permutation(len(features))[:1000]
    soft = crowd_posteriors(digits.target[train], 10, rng, 2.0)
    check_same_model(features[train], soft, features)


def test_hard_labels_give_scikit_learns_model() -> None:
    rng = np.random.default_rng(3)
    truth = rng.integers(0, 3, 200)
    features = rng.normal(0.0, 1.0, (200, 4)) + truth[:, None]
    soft = np.eye(3)[truth]
    ours = SoftLogisticRegression().fit(features, soft)
    theirs = LogisticRegression(max_iter=2000).fit(features, truth)
    assert np.array_equal(ours.predict(features), theirs.predict(features))
    assert np.allclose(ours.coef_[:, :-1], theirs.coef_, rtol=1e-6, atol=1e-9)


def test_classes_without_weight_are_left_out() -> None:
    rng = np.random.default_rng(5)
    truth = rng.choice([0, 2], 120)
    features = rng.normal(0.0, 1.0, (120, 3)) + truth[:, None]
    soft = np.eye(4)[truth] * 0.9 + np.eye(4)[2 - truth] * 0.1  # classes 1 and 3 never weighted
    model = SoftLogisticRegression().fit(features, soft)
    assert model.classes_.tolist() == [0, 2]
    assert set(model.predict(features).tolist()) <= {0, 2}
    one_class = SoftLogisticRegression().fit(features, np.eye(4)[np.full(120, 3)])
    assert one_class.predict(features[:5]).tolist() == [3] * 5
