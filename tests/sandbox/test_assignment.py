"""Worker assignment: the smallest random keys of each task's row, found two ways, agree; draws with
repeats redrawn (large datasets) pick workers with the same probabilities as keys."""

from __future__ import annotations

import collections
import itertools
import math
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chisquare

from foundation.errors import SandboxError
from sandbox.simulation import assignment
from sandbox.simulation.campaign import check_campaign, run_campaign
from sandbox.simulation.policy import CampaignPolicy
from tests.conftest import balanced_binary, make_population, simulate


def _by_partition(keys: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """numpy's partition, then a stable sort of the candidates (the reference)."""
    candidates = np.argpartition(keys, width - 1, axis=1)[:, :width]
    candidate_keys = np.take_along_axis(keys, candidates, axis=1)
    ranking = np.argsort(candidate_keys, axis=1, kind="stable")
    return np.take_along_axis(candidates, ranking, axis=1), np.take_along_axis(
        candidate_keys, ranking, axis=1
    )


@settings(max_examples=200, deadline=None)
@given(
    rows=st.integers(1, 40),
    pool=st.integers(1, 60),
    width=st.integers(1, assignment.ARGMIN_WIDTH),  # the repeated-minima path
    used_share=st.floats(0, 1),
    seed=st.integers(0, 2**32 - 1),
)
def test_repeated_minima_pick_the_partitions_workers(
    rows: int, pool: int, width: int, used_share: float, seed: int
) -> None:
    """Keys are exponential draws, some set to inf (workers a task already had, or weight 0): the
    finite picks are the same columns in the same order; inf picks are dropped by the caller."""
    width = min(width, pool)
    rng = np.random.default_rng(seed)
    keys = rng.exponential(size=(rows, pool))
    keys[rng.random((rows, pool)) < used_share] = np.inf
    expected, expected_keys = _by_partition(keys.copy(), width)
    chosen, chosen_keys = assignment._smallest_keys(keys.copy(), width)
    assert np.array_equal(np.isfinite(chosen_keys), np.isfinite(expected_keys))
    finite = np.isfinite(expected_keys)
    assert np.array_equal(chosen[finite], expected[finite])
    assert np.array_equal(chosen_keys[finite], expected_keys[finite])


# Draws instead of keys above SEQUENTIAL_TASKS: the same distribution, other random numbers.


def successive_sampling(weights: list[float], size: int, had: set[int]) -> dict[tuple[int, ...], float]:
    """P(a task's set of ``size`` workers) under successive sampling, by the formula: sum over the
    set's orders of the product of weight / (weight of the workers not yet picked). ``had``: workers
    the task had before (never picked); weight 0: never picked."""
    candidates = [w for w in range(len(weights)) if weights[w] > 0 and w not in had]
    total = sum(weights[w] for w in candidates)
    probability: dict[tuple[int, ...], float] = {}
    for order in itertools.permutations(candidates, size):
        left, p = total, 1.0
        for worker in order:
            p *= weights[worker] / left
            left -= weights[worker]
        key = tuple(sorted(order))
        probability[key] = probability.get(key, 0.0) + p
    return probability


def observed_sets(task: np.ndarray, worker: np.ndarray, n_tasks: int) -> list[tuple[int, ...]]:
    """Each task's set of workers, as a sorted tuple (tasks in order)."""
    starts = np.searchsorted(task, np.arange(n_tasks + 1))
    return [tuple(sorted(worker[starts[t] : starts[t + 1]].tolist())) for t in range(n_tasks)]


def chi_square_p(sets: list[tuple[int, ...]], probability: dict[tuple[int, ...], float]) -> float:
    """p-value of the sets' counts against ``probability`` (sets expected fewer than 5 times pooled)."""
    counts = collections.Counter(sets)
    assert set(counts) <= set(probability)  # never a set the formula says is impossible
    n = len(sets)
    observed, expected, pooled_observed, pooled_expected = [], [], 0, 0.0
    for key, p in probability.items():
        if n * p >= 5:
            observed.append(counts[key])
            expected.append(n * p)
        else:
            pooled_observed += counts[key]
            pooled_expected += n * p
    if pooled_expected:
        observed.append(pooled_observed)
        expected.append(pooled_expected)
    return float(chisquare(observed, expected).pvalue)


SAMPLING_CASES = {
    "uniform": ([1.0] * 6, 3, set(), assignment.REDRAW_ROUNDS),
    "weighted, banned and had": ([5.0, 1.0, 1.0, 0.5, 0.0, 2.0, 3.0], 3, {5}, assignment.REDRAW_ROUNDS),
    "skewed, mostly by keys after a round": ([8.0, 4.0, 1.0, 0.5, 0.25], 3, set(), 1),
    "all but one eligible worker": ([2.0, 1.0, 0.0, 1.0, 1.0, 0.3], 4, set(), assignment.REDRAW_ROUNDS),
}


@pytest.mark.parametrize("method", ["keys", "draws"])
@pytest.mark.parametrize("case", list(SAMPLING_CASES))
def test_draws_and_keys_both_pick_sets_with_the_successive_sampling_probabilities(
    case: str, method: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """20,000 tasks, each needing ``size`` workers: the frequency of each set of workers fits the
    formula's probabilities (chi-square, fixed seed, p > 0.001), by keys (the reference) and by
    draws; with ``rounds`` = 1 most skewed tasks end by keys after their first round of draws."""
    weights, size, had, rounds = SAMPLING_CASES[case]
    n_tasks = 20_000
    fallbacks: list[int] = []
    fill = assignment._fill_by_keys
    monkeypatch.setattr(
        assignment,
        "_fill_by_keys",
        lambda slots, pending, *rest: fallbacks.append(len(pending)) or fill(slots, pending, *rest),
    )
    answered_task = np.repeat(np.arange(n_tasks), len(had))
    answered_worker = np.tile(np.array(sorted(had), dtype=np.int64), n_tasks)
    need = np.full(n_tasks, size)
    rng = np.random.default_rng(2024)
    if method == "keys":
        task, worker = assignment.assign_by_keys(need, np.array(weights), answered_task, answered_worker, rng)
    else:
        task, worker = assignment.assign_by_draws(
            need, np.array(weights), answered_task, answered_worker, rng, rounds
        )
    assert np.all(np.diff(task) >= 0)
    assert chi_square_p(observed_sets(task, worker, n_tasks), successive_sampling(weights, size, had)) > 1e-3
    if method == "draws" and rounds == 1:
        assert fallbacks and fallbacks[0] > n_tasks // 10  # the key fallback really was tested


@settings(max_examples=150, deadline=None)
@given(
    n_tasks=st.integers(1, 30),
    pool=st.integers(1, 12),
    zero_share=st.floats(0, 0.6),
    had_share=st.floats(0, 0.8),
    max_need=st.integers(0, 14),
    rounds=st.integers(0, 3),
    seed=st.integers(0, 2**32 - 1),
)
def test_draws_give_each_task_as_many_new_eligible_workers_as_keys(
    n_tasks: int, pool: int, zero_share: float, had_share: float, max_need: int, rounds: int, seed: int
) -> None:
    """Whatever the weights (some 0), earlier answers and needs (some beyond what is left): sorted by
    task, no worker twice on a task, never one it had or of weight 0, and per task as many workers
    as keys give (min(need, eligible workers not had)); ``rounds`` = 0 is keys after no draw."""
    rng = np.random.default_rng(seed)
    weights = rng.gamma(0.5, size=pool) * (rng.random(pool) >= zero_share)
    had = rng.random((n_tasks, pool)) < had_share
    answered_task, answered_worker = np.nonzero(had)
    need = rng.integers(0, max_need + 1, size=n_tasks)
    by_keys = assignment.assign_by_keys(
        need, weights, answered_task, answered_worker, np.random.default_rng(1)
    )
    task, worker = assignment.assign_by_draws(need, weights, answered_task, answered_worker, rng, rounds)
    assert task.dtype == worker.dtype == np.int64
    assert np.all(np.diff(task) >= 0)
    assert np.array_equal(np.bincount(task, minlength=n_tasks), np.bincount(by_keys[0], minlength=n_tasks))
    assert len(np.unique(task * pool + worker)) == len(task)
    assert not had[task, worker].any()
    assert np.all(weights[worker] > 0)


def test_assign_slots_uses_keys_up_to_the_threshold_and_draws_above(monkeypatch: pytest.MonkeyPatch) -> None:
    """Same seed: the keys' workers up to SEQUENTIAL_TASKS tasks, the draws' above."""
    need, weights, none = np.full(50, 3), np.arange(1.0, 11.0), np.empty(0, dtype=np.int64)

    def run(method: Callable[..., tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
        return method(need, weights, none, none, np.random.default_rng(7))

    assert len(need) <= assignment.SEQUENTIAL_TASKS
    keys, draws = run(assignment.assign_by_keys), run(assignment.assign_by_draws)
    assert not np.array_equal(keys[1], draws[1])
    assert all(np.array_equal(a, b) for a, b in zip(run(assignment.assign_slots), keys, strict=True))
    monkeypatch.setattr(assignment, "SEQUENTIAL_TASKS", len(need) - 1)
    assert all(np.array_equal(a, b) for a, b in zip(run(assignment.assign_slots), draws, strict=True))


def test_a_campaign_by_draws_keeps_the_policys_quality_control(monkeypatch: pytest.MonkeyPatch) -> None:
    """Draws from the first task on: the qualification test, gold bans with re-issued tasks and
    adaptive redundancy work as by keys (distinct workers per task, none banned or not admitted)."""
    monkeypatch.setattr(assignment, "SEQUENTIAL_TASKS", 0)
    population = make_population(
        {
            "honest": {"share": 0.5, "skill": {"alpha": 8.38, "beta": 0.88}},
            "uniform_spammer": {"share": 0.25},
            "gold_aware_cheater": {"share": 0.25},
        },
        pool_size=200,
    )
    policy = CampaignPolicy.from_dict(
        {"redundancy": 5, "max_redundancy": 7, "gold_rate": 0.1, "ban_threshold": 0.7, "min_gold": 5}
        | {"qualification": 4, "qualification_threshold": 0.5, "difficulty": "none"}
    )
    campaign = run_campaign(balanced_binary(4000), population, policy, seed=12)
    workers, answers = campaign.workers, campaign.answers
    assert campaign.stats.banned_workers > 0 and campaign.stats.not_admitted > 0
    assert campaign.stats.labels_bought > len(answers)  # banned workers' answers were re-issued
    out = workers.index[workers["banned"] | ~workers["admitted"]]
    assert not answers["worker"].isin(out).any()
    per_task = answers.groupby("task")["worker"].agg(["size", "nunique"])
    assert (per_task["size"] == per_task["nunique"]).all()
    assert per_task["size"].between(1, 7).all() and (per_task["size"] >= 5).mean() > 0.99


def test_a_campaign_by_draws_spreads_tasks_uniformly(monkeypatch: pytest.MonkeyPatch) -> None:
    """Equal activity: each of 20 workers answers Binomial(20000, 2/20) of 20,000 tasks, as by keys."""
    monkeypatch.setattr(assignment, "SEQUENTIAL_TASKS", 0)
    answers = simulate(balanced_binary(20000), make_population({"honest": {"share": 1.0}}, 20), 2, 0).answers
    load = answers["worker"].value_counts()
    expected = 40000 / 20
    assert len(load) == 20 and (abs(load - expected) <= 4 * math.sqrt(expected * 0.9)).all()


def test_the_key_guard_applies_only_where_keys_are_drawn() -> None:
    """A pool of 5,000 for 250,000 tasks is 1.25e9 keys (refused); one task more takes draws."""
    policy = CampaignPolicy(redundancy=5)
    with pytest.raises(SandboxError, match="random draws in its first round"):
        check_campaign(assignment.SEQUENTIAL_TASKS, 5_000, policy)
    check_campaign(assignment.SEQUENTIAL_TASKS + 1, 5_000, policy)
