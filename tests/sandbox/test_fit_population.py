"""Fitting a crowd to real answers, validated by replicas against the real accuracies."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from crowdkit.aggregation import DawidSkene, MajorityVote
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from annotators.errors import SandboxError
from sandbox.fitting.fit_population import fit_population, pair_logistic, simulate_replica, zipf_exponent

DATASETS = Path(__file__).resolve().parents[2] / "datasets"


def load(name: str) -> tuple[pd.DataFrame, pd.Series]:
    answers = pd.read_csv(DATASETS / name / "labels.csv")
    gold = pd.read_csv(DATASETS / name / "gold.csv").set_index("task")["label"]
    return answers, gold


def accuracies(answers: pd.DataFrame, gold: pd.Series) -> np.ndarray:
    mv = MajorityVote().fit_predict(answers).reindex(gold.index)
    ds = DawidSkene(n_iter=100).fit_predict(answers).reindex(gold.index)
    return np.array([(mv == gold).mean(), (ds == gold).mean()])


# The real MV figures are those of the shared data README (snow_rte .9187, snow_temp .9394,
# labelme .7690); the replica answers the same (task, worker) pairs from the fitted model.
@pytest.mark.parametrize("name", ["snow_rte", "snow_temp", "labelme"])
def test_replica_reproduces_real_mv_and_ds_accuracy(name: str) -> None:
    answers, gold = load(name)
    real = accuracies(answers, gold)
    fitted = fit_population(answers, name=name, gold=gold)
    replicas = np.mean(
        [accuracies(simulate_replica(fitted, answers, gold, seed=s), gold) for s in range(3)],
        axis=0,
    )
    assert np.abs(replicas - real).max() <= 0.03, (name, real, replicas)


def test_population_follows_the_toml_schema() -> None:
    answers, gold = load("snow_rte")
    fitted = fit_population(answers, name="rte_team", gold=gold)
    population = fitted.population
    assert population["pool_size"] == answers["worker"].nunique() == 164
    shares = [a["share"] for a in population["archetypes"].values()]
    assert abs(sum(shares) - 1.0) <= 1e-6
    honest = population["archetypes"]["honest"]
    assert len(honest["skill"]["values"]) == round(honest["share"] * 164)
    assert all(0.0 <= v <= 1.0 for v in honest["skill"]["values"])
    matrix = np.array(honest["confusion"])
    assert matrix.shape == (2, 2)
    np.testing.assert_allclose(matrix.sum(axis=1), 1.0, atol=1e-9)
    assert fitted.activity.sum() == len(answers)
    # snow_rte's activity is long-tailed (median 20 answers, the busiest worker 800)
    assert population["activity"]["zipf"] > 0.5
    assert fitted.truth_from_gold == 1.0


def test_zipf_exponent_recovers_a_planted_one() -> None:
    ranks = np.arange(1, 201)
    planted = pd.Series(np.round(5000 * ranks**-1.3))
    assert zipf_exponent(planted) == pytest.approx(1.3, abs=0.05)
    assert zipf_exponent(pd.Series([7, 7, 7])) == 0.0


def test_replica_is_seeded_and_keeps_the_structure() -> None:
    answers, gold = load("snow_temp")
    fitted = fit_population(answers, name="t", gold=gold)
    a = simulate_replica(fitted, answers, gold, seed=7)
    b = simulate_replica(fitted, answers, gold, seed=7)
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(a[["task", "worker"]], answers[["task", "worker"]])
    assert set(a["label"]) <= set(answers["label"])


def test_one_label_cannot_be_fitted() -> None:
    answers = pd.DataFrame({"task": [1, 2], "worker": ["a", "b"], "label": ["x", "x"]})
    with pytest.raises(SandboxError, match="one label"):
        fit_population(answers, name="x")


def test_pair_logistic_is_scikit_learns_logistic_regression() -> None:
    """One-hot features (one per worker × class pair): the closed Newton solve equals scikit-learn's
    LogisticRegression(C=1) fitted on every row."""
    rng = np.random.default_rng(3)
    groups, rows = 400, 20_000
    pair = rng.integers(0, groups + 20, rows) % groups  # some groups heavier than others
    right = rng.random(rows) < rng.beta(5, 2, groups)[pair]
    features = sparse.csr_matrix((np.ones(rows), (np.arange(rows), pair)), shape=(rows, groups))
    reference = LogisticRegression(C=1.0, tol=1e-12, max_iter=10_000).fit(features, right.astype(int))
    trials = np.bincount(pair, minlength=groups).astype(float)
    successes = np.bincount(pair, weights=right.astype(float), minlength=groups)
    coefficients, intercept = pair_logistic(successes, trials, c=1.0)
    assert np.abs(coefficients - reference.coef_[0]).max() < 1e-4
    assert abs(intercept - reference.intercept_[0]) < 1e-5
