"""Degenerate inputs, determinism, convergence reports, the array entry and input errors."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from foundation.errors import SandboxError
from sandbox.aggregation.fast.classification.base import FastAggregator
from sandbox.aggregation.registry import fast_class, fast_methods
from sandbox.randomness import make_rng
from tests.fast._crowds import load_answers

FAST_METHODS = fast_methods("classification")

METHODS = list(FAST_METHODS)


def _frame(rows: list[tuple[object, object, object]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["task", "worker", "label"])


DEGENERATE = {
    "worker_with_one_answer": _frame(
        [("a", "w1", 0), ("a", "w2", 0), ("b", "w1", 1), ("b", "w2", 1), ("b", "w3", 0)]
    ),
    "task_with_one_answer": _frame([("a", "w1", 0), ("a", "w2", 1), ("a", "w3", 1), ("b", "w1", 1)]),
    "unanimous": _frame([("a", "w1", "x"), ("a", "w2", "x"), ("b", "w1", "x")]),
    "single_worker": _frame([("a", "w1", 0), ("b", "w1", 1), ("c", "w1", 2)]),
    "single_answer": _frame([("a", "w1", 3)]),
    "duplicate_answers": _frame([("a", "w1", 0), ("a", "w1", 0), ("a", "w2", 1), ("b", "w2", 1)]),
}


def _check_outputs(model: FastAggregator, n_tasks: int, n_labels: int) -> None:
    probas = model.probas_.to_numpy()
    assert probas.shape == (n_tasks, n_labels)
    assert np.isfinite(probas).all()
    assert np.allclose(probas.sum(axis=1), 1.0)
    assert model.labels_.notna().all()
    assert model.labels_.isin(model.probas_.columns).all()
    assert model.n_iter_ >= 1
    assert isinstance(model.converged_, bool)
    if model.loglikelihood_ is not None:
        assert math.isfinite(model.loglikelihood_)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("case", list(DEGENERATE))
def test_degenerate_input_gives_finite_output(method: str, case: str) -> None:
    data = DEGENERATE[case]
    if method == "kos" and data["label"].nunique() > 2:
        pytest.skip("KOS is for binary labels only")
    model = fast_class(method)().fit(data)
    _check_outputs(model, data["task"].nunique(), data["label"].nunique())


@pytest.mark.parametrize("method", METHODS)
def test_class_nobody_chose(method: str) -> None:
    """Label code 2 exists (n_labels=3) but no answer uses it: it must get ~0, not NaN."""
    if method == "kos":
        pytest.skip("KOS is for binary labels only")
    model = fast_class(method)().fit_arrays([0, 0, 1, 1, 2], [0, 1, 0, 1, 1], [0, 0, 1, 1, 0], n_labels=3)
    _check_outputs(model, 3, 3)
    assert (model.labels_ != 2).all()
    assert model.probas_[2].max() < 0.5


@pytest.mark.parametrize("method", METHODS)
def test_unanimous_crowd_is_followed(method: str) -> None:
    n_labels = 2 if method == "kos" else 3
    rows = [(t, w, t % n_labels) for t in range(30) for w in range(4)]
    model = fast_class(method)().fit(_frame(rows))  # type: ignore[arg-type]
    assert (model.labels_.to_numpy() == np.arange(30) % n_labels).all()


@pytest.mark.parametrize("method", METHODS)
def test_deterministic(method: str) -> None:
    data = load_answers("zheng_duck")
    first = fast_class(method)().fit(data)
    second = fast_class(method)().fit(data)
    pd.testing.assert_frame_equal(first.probas_, second.probas_)
    assert first.n_iter_ == second.n_iter_


@pytest.mark.parametrize("method", METHODS)
def test_fit_arrays_equals_fit_on_frame(method: str) -> None:
    data = load_answers("snow_temp")
    on_frame = fast_class(method)().fit(data)
    task, tasks = pd.factorize(data["task"], sort=True)
    worker, _ = pd.factorize(data["worker"], sort=True)
    label, _ = pd.factorize(data["label"], sort=True)
    on_arrays = fast_class(method)().fit_arrays(task, worker, label)
    assert np.allclose(on_arrays.posteriors_, on_frame.probas_.to_numpy(), atol=1e-12)
    assert (on_frame.labels_.to_numpy() == on_arrays.labels_.to_numpy()).all()
    assert (on_frame.labels_.index == tasks).all()


def test_majority_vote_matches_binomial_tail() -> None:
    """Independent one-coin workers, p = 0.7, k = 5: P(at least 3 correct) = 0.83692."""
    rng = make_rng(20240601)
    n_tasks, k = 40_000, 5
    task = np.repeat(np.arange(n_tasks), k)
    correct = rng.random(task.size) < 0.7
    label = np.where(correct, 1, 0)  # truth is 1 for every task
    model = fast_class("mv")().fit_arrays(task, np.tile(np.arange(k), n_tasks), label)
    observed = float((model.labels_.to_numpy() == 1).mean())
    sigma = math.sqrt(0.83692 * (1 - 0.83692) / n_tasks)
    assert abs(observed - 0.83692) < 4 * sigma


def test_majority_vote_ties_break_to_smallest_label() -> None:
    data = _frame([("a", "w1", 2), ("a", "w2", 1), ("b", "w1", 0), ("b", "w2", 1)])
    assert fast_class("mv")().fit_predict(data).to_dict() == {"a": 1, "b": 0}


@pytest.mark.parametrize("method", ["ds", "onecoin_ds", "glad"])
def test_convergence_is_reported(method: str) -> None:
    model = fast_class(method)().fit(load_answers("zheng_sentiment"))
    assert model.converged_ and 1 <= model.n_iter_ < 100
    capped = fast_class(method)(n_iter=1).fit(load_answers("zheng_sentiment"))  # type: ignore[call-arg]
    assert capped.n_iter_ == 1 and not capped.converged_


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (pd.DataFrame({"task": [], "worker": [], "label": []}), "empty"),
        (pd.DataFrame({"task": [1], "worker": [1]}), "label"),
        (pd.DataFrame({"task": [1, 2], "worker": [1, None], "label": [0, 1]}), "worker"),
    ],
)
def test_bad_answers_raise_sandbox_error(data: pd.DataFrame, message: str) -> None:
    with pytest.raises(SandboxError, match=message):
        fast_class("ds")().fit(data)


def test_bad_codes_raise_sandbox_error() -> None:
    with pytest.raises(SandboxError, match="label code"):
        fast_class("ds")().fit_arrays([0, 1], [0, 0], [0, 5], n_labels=2)
    with pytest.raises(SandboxError, match=">= 0"):
        fast_class("ds")().fit_arrays([0, -1], [0, 0], [0, 1])


def test_kos_rejects_more_than_two_labels() -> None:
    with pytest.raises(SandboxError, match="binary"):
        fast_class("kos")().fit(load_answers("zheng_dog"))


@pytest.mark.parametrize("method", METHODS)
def test_codes_without_answers_are_harmless(method: str) -> None:
    """fit_arrays with task 2 and worker 5 unused: finite output, no numpy warnings."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = fast_class(method)().fit_arrays(
            [0, 0, 1, 1, 3], [0, 1, 0, 1, 4], [0, 0, 1, 1, 0], n_tasks=4, n_workers=6
        )
    _check_outputs(model, 4, 2)
    assert model.labels_.tolist()[:2] == [0, 1]
