"""Per-task difficulty and confusions: from a cross-validated classifier on features, or from a Beta.

A task's difficulty is how close a model comes to chance on it: with q the out-of-fold probability
of the true class, difficulty = clip((1 - q) / (1 - 1/K), 0, 1). The same out-of-fold probabilities
say which classes a task is mistaken for, so honest mistakes follow the classifier's confusions.

Above ``MAX_FOLD_TRAIN_TASKS`` training tasks per fold (datasets of more than 250,000 tasks) each
fold's model trains on a seeded sample of that many of its training tasks and still predicts every
task of its held-out fold; unbounded, the five fits took longer than Dawid–Skene on the same crowd
at 10M answers. Smaller datasets get ``cross_val_predict``'s result. The fits run with one BLAS
thread: threads on a few features only spin-wait (200,000 tasks: 3.0 s -> 0.7 s; 2M tasks: 4.5 s
-> 2 s), and a fixed thread count gives the same result on every machine (it moves by ~5e-14 from
a multi-threaded BLAS's).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from annotators.items import ItemStructure
from foundation.errors import SandboxError
from sandbox.datasets.dataset import Dataset
from sandbox.resources import one_blas_thread
from sandbox.simulation.policy import CampaignPolicy

CV_FOLDS = 5
#: At most this many training tasks (a seeded sample of the fold's) train each fold's model.
MAX_FOLD_TRAIN_TASKS = 200_000


@dataclass(frozen=True)
class TaskDifficulty:
    """``difficulty``: per task in [0, 1] (dataset order); ``confusion``: optional n_tasks × K
    probabilities of each class (the off-diagonal says what a task is mistaken for)."""

    difficulty: NDArray[Any]
    confusion: NDArray[Any] | None = None

    def subset(self, rows: NDArray[Any]) -> TaskDifficulty:
        """The difficulty of ``rows`` (positions) only."""
        return TaskDifficulty(self.difficulty[rows], None if self.confusion is None else self.confusion[rows])


def classifier_probabilities(features: NDArray[Any], truth: NDArray[Any], seed: int) -> NDArray[Any]:
    """Out-of-fold class probabilities of a standardised logistic regression (n_tasks × K)."""
    n_classes = int(truth.max()) + 1
    smallest_class = int(np.bincount(truth, minlength=n_classes).min())
    folds = min(CV_FOLDS, smallest_class)
    if folds < 2:
        raise SandboxError("difficulty = 'model' needs at least 2 tasks of every class")
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    with one_blas_thread():
        if len(truth) * (folds - 1) / folds <= MAX_FOLD_TRAIN_TASKS:
            probabilities = cross_val_predict(model, features, truth, cv=splitter, method="predict_proba")
            return np.asarray(probabilities, dtype=float)
        rng = np.random.default_rng(seed)
        out = np.zeros((len(truth), n_classes))
        for train, test in splitter.split(features, truth):
            sample = np.sort(rng.choice(train, MAX_FOLD_TRAIN_TASKS, replace=False))
            fitted = clone(model).fit(features[sample], truth[sample])
            out[np.ix_(test, fitted.classes_)] = fitted.predict_proba(features[test])
    return out


_MODEL_CACHE: dict[tuple[str, int, bytes], TaskDifficulty] = {}


def model_difficulty(dataset: Dataset, seed: int = 0) -> TaskDifficulty:
    """Difficulty and confusions from a cross-validated classifier on the dataset's features.

    A property of the dataset (fixed folds), so it is computed once per dataset and process.
    """
    key = (dataset.name, seed, dataset.truth.to_numpy().tobytes())
    if key not in _MODEL_CACHE:
        _MODEL_CACHE[key] = _fit_model_difficulty(dataset, seed)
    return _MODEL_CACHE[key]


def _fit_model_difficulty(dataset: Dataset, seed: int) -> TaskDifficulty:
    if dataset.features is None:
        raise SandboxError(f"difficulty = 'model' needs features; dataset {dataset.name} has none")
    truth = dataset.truth.to_numpy()
    probabilities = classifier_probabilities(dataset.features, truth, seed)
    true_class = probabilities[np.arange(len(truth)), truth]
    chance = 1.0 / dataset.n_classes
    difficulty = np.clip((1.0 - true_class) / (1.0 - chance), 0.0, 1.0)
    return TaskDifficulty(difficulty=difficulty, confusion=probabilities)


def task_difficulty(
    dataset: Dataset,
    policy: CampaignPolicy,
    rng: np.random.Generator,
    items: ItemStructure | None = None,
    items_rng: np.random.Generator | None = None,
) -> TaskDifficulty:
    """Resolve the policy's difficulty mode for ``dataset``. In ``auto`` mode a dataset without
    features takes the population's measured item difficulty (``items.difficulty``, drawn from
    ``items_rng`` so that every population meets the same items) when it has one, else a Beta."""
    mode = policy.difficulty
    if mode == "auto":
        if dataset.features is not None:
            mode = "model"
        elif items is not None and items.difficulty is not None:
            return TaskDifficulty(items.draw_difficulty(dataset.n_tasks, items_rng or rng))
        else:
            mode = "beta"
    if mode == "none":
        return TaskDifficulty(np.zeros(dataset.n_tasks))
    if mode == "model":
        return model_difficulty(dataset)
    return TaskDifficulty(rng.beta(policy.difficulty_alpha, policy.difficulty_beta, size=dataset.n_tasks))
