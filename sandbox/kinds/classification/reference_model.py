"""The classification kind's reference model: a stand-in language model that labels every task.

Nothing is downloaded and no language model runs. Two stand-ins, by what the dataset has:

- **A classifier** (datasets with features): a scikit-learn model (``logistic``: standardised
  logistic regression; ``forest``; ``naive_bayes``; ``tree``) trained on ``train_share`` of the
  dataset. Its answers are out of fold: the tasks are cut into :data:`FOLDS` folds, and each fold is
  answered by a model trained on a seeded sample of ``train_share`` of the other folds' tasks with
  their true labels, so no task is answered by a model that saw it. Its mistakes are the data's
  own confusions (a "4" read as a "9"), the same for every worker who pastes them.
- **A confusion profile** (datasets without features, or ``model = "profile"``): drawn once per
  campaign: per true class an accuracy around ``accuracy`` (log-odds ± :data:`CLASS_SPREAD`) and a
  row of where its mistakes go (Dirichlet(1) over the other classes); each task's answer is drawn
  from its class's row once, and is then fixed.

Variant 0 is the model assisted workers paste. Further variants (an ``llm_annotator`` pool's other
prompts or models) are classifiers trained on other seeded samples, or profiles that share variant
0's answer on :data:`VARIANT_OVERLAP` of the tasks and draw the rest afresh from the same profile.
Probabilities: a classifier's ``predict_proba``; a profile's 1/2 on its answer plus 1/2 its class row.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.base import ClassifierMixin, clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

from foundation.errors import SandboxError
from sandbox.datasets.dataset import Dataset
from sandbox.randomness import SeedLike, substream
from sandbox.resources import check_memory, check_work, one_blas_thread
from sandbox.simulation.reference import REFERENCE_STREAM, ReferenceModel, ReferenceSettings

#: Folds of the out-of-fold answers (a fold's model trains on a sample of the other four fifths).
FOLDS = 5
#: At most this many tasks train one fold's classifier.
MAX_TRAIN_TASKS = 200_000
#: Training rows × features one reference model may fit over its folds and variants (a few minutes).
WORK_LIMIT = 2e9
#: sd of a profile's per-class accuracy on the log-odds scale around ``accuracy``.
CLASS_SPREAD = 0.5
#: Share of tasks on which a further profile variant gives variant 0's answer.
VARIANT_OVERLAP = 0.5


def classifier(name: str, seed: int) -> ClassifierMixin:
    """The scikit-learn classifier called ``name`` (seeded where it draws)."""
    if name == "logistic":
        model: Any = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    elif name == "forest":
        model = RandomForestClassifier(n_estimators=100, random_state=seed, n_jobs=1)
    elif name == "naive_bayes":
        model = GaussianNB()
    else:
        model = DecisionTreeClassifier(random_state=seed)
    return model


def reference_model(
    dataset: Dataset, settings: ReferenceSettings, variants: int, seed: SeedLike
) -> ReferenceModel:
    """The campaign's stand-in model on every row of ``dataset`` (see the module docstring)."""
    n, k = dataset.n_tasks, dataset.n_classes
    check_memory(8.0 * n * k * (variants + 1), f"a reference model of {variants} variants on {n} tasks")
    rng = substream(seed, REFERENCE_STREAM)
    truth = np.asarray(dataset.truth.to_numpy(), dtype=np.int64)
    name = settings.model
    if name == "auto":
        name = "profile" if dataset.features is None else "logistic"
    if name == "profile":
        return _profile(truth, k, settings.accuracy, variants, rng)
    if dataset.features is None:
        raise SandboxError(
            f"reference model {name!r} is trained on the dataset's features, but {dataset.name!r} has none; "
            "use model = 'profile' (or 'auto')"
        )
    features = np.asarray(dataset.features, dtype=float)
    size = min(max(round(settings.train_share * n), 2), MAX_TRAIN_TASKS)
    check_work(
        float(FOLDS) * variants * size * features.shape[1],
        WORK_LIMIT,
        f"a reference {name} model of {variants} variants on {n} tasks × {features.shape[1]} features",
        "training rows × features over the folds",
        "a smaller --reference-train-share or fewer variants",
    )
    probabilities = np.stack(
        [_out_of_fold(features, truth, k, name, settings.train_share, rng) for _ in range(variants)]
    )
    return ReferenceModel(
        answers=probabilities.argmax(axis=2).astype(np.int64),
        probabilities=probabilities,
        description=(
            f"stand-in model: {name} classifier on {settings.train_share:.0%} of the data, out of fold"
        ),
    )


def _out_of_fold(
    features: NDArray[Any], truth: NDArray[Any], k: int, name: str, share: float, rng: np.random.Generator
) -> NDArray[np.float64]:
    """n × K out-of-fold probabilities of one classifier variant."""
    n = len(truth)
    fold = rng.permutation(np.arange(n) % FOLDS)
    size = min(max(round(share * n), 2), MAX_TRAIN_TASKS)
    out = np.zeros((n, k))
    template = classifier(name, int(rng.integers(2**31)))
    for f in range(FOLDS):
        answer_rows = np.flatnonzero(fold == f)
        others = np.flatnonzero(fold != f)
        train = rng.choice(others, min(size, len(others)), replace=False)
        labels = truth[train]
        if len(np.unique(labels)) < 2:  # one class seen: it answers that class
            out[answer_rows, labels[0]] = 1.0
            continue
        model = clone(template)
        with one_blas_thread():
            model.fit(features[train], labels)
            proba = model.predict_proba(features[answer_rows])
        out[np.ix_(answer_rows, np.asarray(model.classes_, dtype=np.int64))] = proba
    return out


def _profile(
    truth: NDArray[Any], k: int, accuracy: float, variants: int, rng: np.random.Generator
) -> ReferenceModel:
    """A confusion profile drawn once, and each variant's fixed answers drawn from it."""
    centre = np.log(accuracy / (1.0 - accuracy))
    per_class = 1.0 / (1.0 + np.exp(-(centre + CLASS_SPREAD * rng.standard_normal(k))))
    confusion = np.zeros((k, k))
    for c in range(k):
        others = [j for j in range(k) if j != c]
        if others:
            confusion[c, others] = (1.0 - per_class[c]) * rng.dirichlet(np.ones(len(others)))
        confusion[c, c] = per_class[c] if others else 1.0
    rows = confusion[truth]
    first = _draw_rows(rows, rng)
    answers = [first]
    for _ in range(1, variants):
        fresh = _draw_rows(rows, rng)
        answers.append(np.where(rng.random(len(truth)) < VARIANT_OVERLAP, first, fresh))
    codes = np.stack(answers)
    probabilities = 0.5 * np.eye(k)[codes] + 0.5 * rows[None, :, :]
    return ReferenceModel(
        answers=codes,
        probabilities=probabilities,
        description=(
            f"stand-in model: confusion profile of accuracy about {accuracy:.0%}, drawn once per campaign"
        ),
    )


def _draw_rows(rows: NDArray[Any], rng: np.random.Generator) -> NDArray[np.int64]:
    """One class per row of ``rows`` (n × K, rows summing to 1)."""
    cumulative = np.cumsum(rows, axis=1)
    draws = rng.random(len(rows))[:, None]
    return np.minimum((cumulative < draws).sum(axis=1), rows.shape[1] - 1).astype(np.int64)
