"""The difficulty model's out-of-fold probabilities: scikit-learn's ``cross_val_predict`` below the
per-fold training cap, and close to it (same folds, sampled training rows) above the cap."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from sandbox.simulation import difficulty


def _reference(features: np.ndarray, truth: np.ndarray, seed: int) -> np.ndarray:
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    folds = StratifiedKFold(n_splits=difficulty.CV_FOLDS, shuffle=True, random_state=seed)
    return np.asarray(cross_val_predict(model, features, truth, cv=folds, method="predict_proba"))


def _data(n: int, classes: int) -> tuple[np.ndarray, np.ndarray]:
    features, truth = make_classification(
        n_samples=n, n_features=8, n_informative=5, n_classes=classes, random_state=4
    )
    return features, truth


def test_below_the_cap_it_is_cross_val_predict() -> None:
    features, truth = _data(600, 3)
    assert np.array_equal(
        difficulty.classifier_probabilities(features, truth, 7), _reference(features, truth, 7)
    )


@pytest.mark.parametrize("classes", [2, 4])
def test_above_the_cap_each_fold_trains_on_a_sample_and_predicts_its_whole_fold(
    monkeypatch: pytest.MonkeyPatch, classes: int
) -> None:
    features, truth = _data(5_000, classes)
    monkeypatch.setattr(difficulty, "MAX_FOLD_TRAIN_TASKS", 800)
    sampled = difficulty.classifier_probabilities(features, truth, 3)
    full = _reference(features, truth, 3)
    assert sampled.shape == full.shape and np.allclose(sampled.sum(axis=1), 1.0)
    assert not np.array_equal(sampled, full)  # the cap took effect
    # 800 of 4,000 training rows: as accurate, the same predicted class on most tasks, close probabilities
    accuracy = [(p.argmax(axis=1) == truth).mean() for p in (sampled, full)]
    assert abs(accuracy[0] - accuracy[1]) < 0.03, accuracy
    assert (sampled.argmax(axis=1) == full.argmax(axis=1)).mean() > 0.85
    rows = np.arange(len(truth))
    assert np.corrcoef(sampled[rows, truth], full[rows, truth])[0, 1] > 0.9
    assert np.array_equal(sampled, difficulty.classifier_probabilities(features, truth, 3))  # seeded


@pytest.mark.parametrize("cap", [800, None], ids=["sampled folds", "cross_val_predict"])
def test_the_callers_blas_threads_do_not_matter(monkeypatch: pytest.MonkeyPatch, cap: int | None) -> None:
    """The fits run with one BLAS thread whatever the caller set: the same probabilities."""
    features, truth = _data(5_000, 2)
    if cap is not None:
        monkeypatch.setattr(difficulty, "MAX_FOLD_TRAIN_TASKS", cap)
    with threadpool_limits(2, user_api="blas"):
        threaded = difficulty.classifier_probabilities(features, truth, 3)
    with threadpool_limits(1, user_api="blas"):
        single = difficulty.classifier_probabilities(features, truth, 3)
    assert np.array_equal(threaded, single)
