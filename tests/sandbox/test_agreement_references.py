"""The agreement statistics of :mod:`sandbox.metrics` equal the reference implementations on the
bundled real crowds: ``krippendorff`` (alpha, overall and per class, and every bootstrap resample),
statsmodels' ``fleiss_kappa`` and scikit-learn's ``cohen_kappa_score``."""

from __future__ import annotations

import math
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa as statsmodels_fleiss

from sandbox.metrics.alpha_bootstrap import ALL, LEVEL, alpha_table, distinct_rows, resample_weights
from sandbox.metrics.fleiss import fleiss_kappa
from sandbox.metrics.label_counts import label_counts
from sandbox.metrics.pair_kappa import MAX_ANNOTATORS, MIN_SHARED, most_active, pair_kappas
from sandbox.metrics.task_agreement import least_agreed, task_agreement

DATA = Path(__file__).resolve().parents[2] / "datasets"
#: Real crowds of 2 to 8 classes, 3 to 20 answers per task; act_ZC_all has repeated answers.
SETS = ("snow_rte", "snow_temp", "zheng_dog", "labelme", "zheng_sentiment", "act_ZC_all", "zheng_face")


def bundled(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / name / "labels.csv")


def dense(answers: pd.DataFrame) -> np.ndarray:
    """Units × values counts, in the project's task order (the reference's ``value_counts``)."""
    return label_counts(answers).counts.toarray()


@pytest.mark.parametrize("name", SETS)
def test_alpha_overall_and_per_class_equal_krippendorff(name: str) -> None:
    answers = bundled(name)
    table = alpha_table(label_counts(answers), np.random.default_rng(0), resamples=0)
    counts = dense(answers)
    expected = krippendorff.alpha(value_counts=counts, level_of_measurement="nominal")
    assert table.loc[ALL, "alpha"] == pytest.approx(expected, abs=1e-12)
    for column, label in enumerate(table.index[1:]):
        one_vs_rest = np.column_stack([counts[:, column], counts.sum(axis=1) - counts[:, column]])
        reference = krippendorff.alpha(value_counts=one_vs_rest, level_of_measurement="nominal")
        assert table.loc[label, "alpha"] == pytest.approx(reference, abs=1e-12), label


@pytest.mark.parametrize("name", ["labelme", "zheng_dog", "act_ZC_all"])
def test_every_bootstrap_resample_is_krippendorffs_alpha_of_that_resample(name: str) -> None:
    """The interval is the percentile interval of krippendorff's alpha on the resampled tasks: the
    same generator's draws (how many tasks of each distinct answer row), applied by repeating the
    rows; and the rows with their multiplicities are the tasks."""
    answers = bundled(name)
    resamples = 40
    counts = label_counts(answers)
    table = alpha_table(counts, np.random.default_rng(7), resamples=resamples)
    rows, multiplicity = distinct_rows(counts)
    pairable = counts.pairable().counts.toarray()
    tasks = np.repeat(rows.toarray(), multiplicity.astype(int), axis=0)
    assert sorted(map(tuple, tasks)) == sorted(map(tuple, pairable))  # the same tasks, grouped
    weights = resample_weights(np.random.default_rng(7), resamples, multiplicity)
    assert (weights.sum(axis=1) == len(pairable)).all()
    overall, first_class = [], []
    for weight in weights:
        resampled = np.repeat(rows.toarray(), weight.astype(int), axis=0)
        overall.append(krippendorff.alpha(value_counts=resampled, level_of_measurement="nominal"))
        binary = np.column_stack([resampled[:, 0], resampled.sum(axis=1) - resampled[:, 0]])
        first_class.append(krippendorff.alpha(value_counts=binary, level_of_measurement="nominal"))
    tail = (1 - LEVEL) / 2
    assert table.loc[ALL, ["low", "high"]].tolist() == pytest.approx(
        np.quantile(overall, [tail, 1 - tail]).tolist(), abs=1e-12
    )
    label = table.index[1]
    assert table.loc[label, ["low", "high"]].tolist() == pytest.approx(
        np.quantile(first_class, [tail, 1 - tail]).tolist(), abs=1e-12
    )


def test_resampling_draws_each_task_with_equal_chance() -> None:
    """Both ways of drawing (a multinomial over few distinct rows, task indices over many) give
    each row on average its multiplicity, with the binomial spread of drawing tasks."""
    multiplicity = np.array([1.0, 3.0, 6.0, 90.0])
    few = resample_weights(np.random.default_rng(0), 4000, multiplicity)
    many = resample_weights(np.random.default_rng(0), 4000, np.ones(50))
    for weights, sizes in ((few, multiplicity), (many, np.ones(50))):
        total = sizes.sum()
        assert np.allclose(weights.mean(axis=0), sizes, atol=4 * np.sqrt(sizes / 4000) + 0.05)
        expected_var = total * (sizes / total) * (1 - sizes / total)
        assert np.allclose(weights.var(axis=0), expected_var, rtol=0.15)


@pytest.mark.parametrize("name", SETS)
def test_fleiss_kappa_equals_statsmodels(name: str) -> None:
    """statsmodels needs the same number of answers on every task: compared on the tasks with the
    most common number (all tasks of most sets)."""
    answers = bundled(name)
    sizes = answers.groupby("task").size()
    common = sizes.mode().iloc[0]
    assert common >= 2
    kept = answers[answers["task"].isin(sizes.index[sizes == common])]
    expected = statsmodels_fleiss(dense(kept), method="fleiss")
    assert fleiss_kappa(label_counts(kept)) == pytest.approx(expected, abs=1e-12)


def test_fleiss_kappa_of_varying_numbers_averages_each_tasks_own_agreement() -> None:
    """labelme has 1 to 3 answers per task: the mean of P_t over tasks with two or more (Fleiss'
    P_t, each task with its own n_t), against chance from those tasks' class shares."""
    answers = bundled("labelme")
    counts = dense(answers)
    n = counts.sum(axis=1)
    kept, m = counts[n >= 2], n[n >= 2]
    observed = np.mean(((kept**2).sum(axis=1) - m) / (m * (m - 1)))
    shares = kept.sum(axis=0) / kept.sum()
    chance = float((shares**2).sum())
    assert fleiss_kappa(label_counts(answers)) == pytest.approx((observed - chance) / (1 - chance), abs=1e-12)


@pytest.mark.parametrize("name", SETS)
def test_pair_kappas_equal_scikit_learn(name: str) -> None:
    answers = bundled(name)
    pairs = pair_kappas(answers)
    workers = most_active(answers)
    assert len(workers) <= MAX_ANNOTATORS
    assert set(pairs["worker_a"]) | set(pairs["worker_b"]) <= set(workers)
    first = answers.drop_duplicates(["task", "worker"], keep="first").set_index(["worker", "task"])["label"]
    checked = 0
    for row in pairs.itertuples(index=False):
        a, b = first.loc[row.worker_a], first.loc[row.worker_b]
        shared = a.index.intersection(b.index)
        assert row.shared == len(shared)
        x, y = a.loc[shared].to_numpy(), b.loc[shared].to_numpy()
        assert row.agreement == pytest.approx(float(np.mean(x == y)), abs=1e-12)
        if len(shared) < MIN_SHARED or len(set(x) | set(y)) < 2:
            assert math.isnan(row.kappa)
            continue
        expected = cohen_kappa_score(x, y)
        if math.isnan(expected):
            assert math.isnan(row.kappa)
        else:
            assert row.kappa == pytest.approx(expected, abs=1e-12)
            checked += 1
    assert checked > 0


def test_most_active_annotators_stop_before_a_tie_at_the_cut_off() -> None:
    answers = pd.DataFrame(
        {"task": range(10), "worker": ["a"] * 4 + ["b"] * 3 + ["c"] * 2 + ["d"], "label": 0}
    )
    assert most_active(answers, 2).tolist() == ["a", "b"]
    tied = answers.assign(worker=["a"] * 4 + ["b"] * 2 + ["c"] * 2 + ["d"] * 2)
    assert most_active(tied, 2).tolist() == ["a"]  # b and c tie for second: neither is shown


def test_task_agreement_is_the_share_of_agreeing_pairs() -> None:
    answers = pd.DataFrame(
        {
            "task": ["x"] * 4 + ["y"] * 3 + ["z"],
            "worker": [1, 2, 3, 4, 1, 2, 3, 1],
            "label": ["a", "a", "a", "b", "a", "b", "c", "a"],
        }
    )
    per_task = task_agreement(label_counts(answers))
    assert per_task.loc["x", "pair_agreement"] == pytest.approx(3 / 6)  # a-a pairs: 3 of 6
    assert per_task.loc["y", "pair_agreement"] == 0.0
    assert math.isnan(per_task.loc["z", "pair_agreement"])
    assert per_task.loc["x", ["top_label", "top_share"]].tolist() == ["a", 0.75]
    assert least_agreed(per_task).index.tolist() == ["y", "x"]
