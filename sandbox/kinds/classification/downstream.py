"""Downstream impact of labels: a model trained on aggregated labels, tested on clean held-out truth.

Tasks are split once per dataset (stratified, 70 % train / 30 % test, fixed seed). The model is a
standardised logistic regression. Hard labels train scikit-learn's ``LogisticRegression``; posteriors
(when an aggregator gives them) train the same model against the posterior as soft labels
(:mod:`sandbox.kinds.classification.soft_logistic`: the objective of each task repeated once per class,
weighted by its posterior, without repeating the rows), standardised over the labelled training tasks.

Above ``MAX_TRAIN_TASKS`` training tasks (datasets of more than ~285,000 tasks) the models train on a
fixed random sample of that many training tasks (seed ``SPLIT_SEED``: the same sample for every run on
the dataset) and are still tested on the whole 30 %; unbounded, the three models took longer than
Dawid–Skene itself at 10M answers. Smaller datasets are unaffected. The models train with one BLAS
thread (a few thousand rows: threads only add spin-waiting, several times slower on a busy machine).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sandbox.datasets.dataset import Dataset
from sandbox.kinds.classification.soft_logistic import SoftLogisticRegression
from sandbox.resources import one_blas_thread

TEST_SHARE = 0.3
SPLIT_SEED = 0
#: At most this many training tasks (a seeded sample of the 70 %) train a downstream model.
MAX_TRAIN_TASKS = 200_000


@dataclass(frozen=True)
class Split:
    """Row positions of the training and held-out test tasks."""

    train: NDArray[Any]
    test: NDArray[Any]


def split_tasks(dataset: Dataset) -> Split:
    """Stratified 70/30 split of the dataset's rows (the same for every run on the dataset); the
    training rows are a seeded sample of ``MAX_TRAIN_TASKS`` when there are more."""
    rows = np.arange(dataset.n_tasks)
    truth = dataset.truth.to_numpy()
    stratify = truth if np.bincount(truth).min() >= 2 else None
    train, test = train_test_split(rows, test_size=TEST_SHARE, random_state=SPLIT_SEED, stratify=stratify)
    if len(train) > MAX_TRAIN_TASKS:
        train = np.random.default_rng(SPLIT_SEED).choice(train, MAX_TRAIN_TASKS, replace=False)
    return Split(train=np.sort(train), test=np.sort(test))


def train_and_test(dataset: Dataset, rows: NDArray[Any], targets: NDArray[Any], split: Split) -> float:
    """Accuracy on the clean test rows of a model fitted on ``features[rows]`` → ``targets``."""
    predicted = train_and_predict(dataset, rows, targets, split)
    if predicted is None:
        return math.nan
    return float(np.mean(predicted == dataset.truth.to_numpy()[split.test]))


def train_and_predict(
    dataset: Dataset, rows: NDArray[Any], targets: NDArray[Any], split: Split
) -> NDArray[Any] | None:
    """The test rows' classes predicted by a model fitted on ``features[rows]`` → ``targets`` (None
    without targets)."""
    assert dataset.features is not None
    if len(targets) == 0:
        return None
    if len(np.unique(targets)) < 2:  # a single class: the model can only ever predict it
        return np.full(len(split.test), targets[0])
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    with one_blas_thread():
        model.fit(dataset.features[rows], targets)
        predicted: NDArray[Any] = model.predict(dataset.features[split.test])
    return predicted


def clean_accuracy(dataset: Dataset, split: Split) -> float:
    """The same model trained on the true labels of the training rows (the ceiling)."""
    return train_and_test(dataset, split.train, dataset.truth.to_numpy()[split.train], split)


def label_accuracy(dataset: Dataset, labels: pd.Series, split: Split) -> float:
    """The model trained on aggregated hard labels of the training rows that received one."""
    rows, targets = _labelled_rows(dataset, labels, split)
    return train_and_test(dataset, rows, targets, split)


def label_predictions(dataset: Dataset, labels: pd.Series, split: Split) -> NDArray[Any] | None:
    """The test rows' classes predicted by the model trained on aggregated hard labels (None when no
    training row received one)."""
    rows, targets = _labelled_rows(dataset, labels, split)
    return train_and_predict(dataset, rows, targets, split)


def posterior_accuracy(dataset: Dataset, probas: pd.DataFrame, split: Split) -> float:
    """The model trained on posteriors: each labelled training row once per class, weighted."""
    train_tasks = dataset.truth.index[split.train]
    posterior = probas.reindex(train_tasks).dropna(how="all").fillna(0.0)
    if posterior.empty:
        return math.nan
    assert dataset.features is not None
    rows = dataset.truth.index.get_indexer(posterior.index)
    classes = posterior.columns.to_numpy()
    scaler = StandardScaler().fit(dataset.features[rows])
    with one_blas_thread():
        model = SoftLogisticRegression().fit(scaler.transform(dataset.features[rows]), posterior.to_numpy())
        predicted = classes[model.predict(scaler.transform(dataset.features[split.test]))]
    return float(np.mean(predicted == dataset.truth.to_numpy()[split.test]))


def _labelled_rows(dataset: Dataset, labels: pd.Series, split: Split) -> tuple[NDArray[Any], NDArray[Any]]:
    train_tasks = dataset.truth.index[split.train]
    labelled = labels.reindex(train_tasks).dropna()
    rows = dataset.truth.index.get_indexer(labelled.index)
    return rows, labelled.to_numpy().astype(np.int64)
