"""The behaviours that make real crowds hard, checked against their definitions (3-standard-error bounds)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.stats import binom

from sandbox.datasets.dataset import Dataset, truth_series
from sandbox.kinds.classification.dataset import ClassificationDataset
from sandbox.simulation.campaign import run_campaign
from sandbox.simulation.policy import CampaignPolicy
from tests.conftest import balanced_binary, make_population

PLAIN = {"difficulty": "none"}


def within(observed: float, expected: float, n: int, sigmas: float = 3.0) -> bool:
    return abs(observed - expected) <= sigmas * math.sqrt(expected * (1 - expected) / n)


def correct(dataset: Dataset, answers: pd.DataFrame) -> np.ndarray:
    return answers["label"].to_numpy() == dataset.truth.loc[answers["task"]].to_numpy()


def test_gold_aware_cheaters_ace_gold_and_are_at_chance_elsewhere() -> None:
    dataset = balanced_binary(3000)
    population = make_population({"gold_aware_cheater": {"share": 1.0}}, pool_size=60)
    policy = CampaignPolicy.from_dict({"redundancy": 3, "gold_rate": 0.2, **PLAIN})
    campaign = run_campaign(dataset, population, policy, seed=4)
    workers = campaign.workers
    gold_accuracy = workers["gold_correct"].sum() / workers["gold_answers"].sum()
    assert workers["gold_answers"].sum() > 1000
    assert gold_accuracy >= 0.95
    real = correct(dataset, campaign.answers)
    assert within(float(real.mean()), 0.5, len(real))


def test_ring_members_agree_on_every_shared_task_and_are_wrong_together() -> None:
    dataset = balanced_binary(2000)
    population = make_population({"honest": {"share": 0.6}, "colluding_ring": {"share": 0.4}}, pool_size=50)
    campaign = run_campaign(dataset, population, CampaignPolicy(redundancy=5, difficulty="none"), seed=1)
    ring = campaign.workers.index[campaign.workers["archetype"] == "colluding_ring"]
    answers = campaign.answers[campaign.answers["worker"].isin(ring)]
    shared = answers.groupby("task")["label"].agg(["size", "nunique"])
    assert (shared["size"] >= 2).sum() > 500
    assert (shared.loc[shared["size"] >= 2, "nunique"] == 1).all()
    assert not correct(dataset, answers).any()  # strategy "wrong"


def test_random_ring_shares_a_random_answer() -> None:
    dataset = balanced_binary(3000)
    population = make_population({"colluding_ring": {"share": 1.0, "strategy": "random", "rings": 2}}, 20)
    answers = run_campaign(
        dataset, population, CampaignPolicy(redundancy=6, difficulty="none"), seed=2
    ).answers
    hits = correct(dataset, answers)
    per_task_rings = answers.groupby("task")["label"].nunique()
    assert per_task_rings.max() <= 2  # two rings, one shared answer each
    # The shared answer is right with probability 1/2, the same for every member: compare per task.
    task_right = pd.Series(hits, index=answers["task"]).groupby(level=0).mean()
    assert within(float((task_right > 0).mean()), 0.75, len(task_right), sigmas=4)  # 1 - 1/2 × 1/2


def test_majority_guesser_always_gives_the_most_common_class() -> None:
    truth = np.r_[np.zeros(700, dtype=int), np.ones(300, dtype=int)]
    dataset = ClassificationDataset("skewed", "test", truth_series(range(1000), truth), (0, 1))
    population = make_population({"majority_guesser": {"share": 1.0}}, pool_size=10)
    answers = run_campaign(
        dataset, population, CampaignPolicy(redundancy=3, difficulty="none"), seed=0
    ).answers
    assert (answers["label"] == 0).all()
    assert math.isclose(float(correct(dataset, answers).mean()), 0.7)


def test_fatigue_decays_as_its_formula_says() -> None:
    dataset = balanced_binary(4000)
    half_life = 40.0
    population = make_population({"fatigue": {"share": 1.0, "skill": 1.0, "half_life": half_life}}, 20)
    answers = run_campaign(
        dataset, population, CampaignPolicy(redundancy=1, difficulty="none"), seed=3
    ).answers
    # Each worker does its tasks in task order: its position is its running count.
    position = answers.sort_values("task").groupby("worker").cumcount().reindex(answers.index).to_numpy()
    hits = correct(dataset, answers)
    for low, high in ((0, 20), (100, 200)):
        window = (position >= low) & (position < high)
        expected = float(np.mean(0.5 + 0.5 * 0.5 ** (position[window] / half_life)))
        assert abs(hits[window].mean() - expected) <= 3 * math.sqrt(expected * (1 - expected) / window.sum())
    assert hits[position < 20].mean() > hits[position >= 100].mean() + 0.2


def test_copiers_only_repeat_answers_already_on_the_task() -> None:
    dataset = balanced_binary(1500)
    population = make_population({"honest": {"share": 0.5, "skill": 0.6}, "copier": {"share": 0.5}}, 40)
    campaign = run_campaign(dataset, population, CampaignPolicy(redundancy=6, difficulty="none"), seed=8)
    answers = campaign.answers.assign(
        copier=lambda a: campaign.workers["archetype"].to_numpy()[a["worker"]] == "copier"
    )
    seen = answers[~answers["copier"]].groupby("task")["label"].agg(set)
    copied = answers[answers["copier"]]
    has_source = copied["task"].isin(seen.index)
    assert has_source.mean() > 0.95
    assert all(
        label in seen[task]
        for task, label in copied.loc[has_source, ["task", "label"]].itertuples(index=False)
    )


def test_long_tail_activity_concentrates_work_on_a_few_workers() -> None:
    dataset = balanced_binary(4000)
    honest = {"honest": {"share": 1.0}}
    uniform = run_campaign(
        dataset, make_population(honest, 200), CampaignPolicy(redundancy=3, difficulty="none"), 0
    )
    zipf_population = make_population(honest, 200)
    from annotators.population import Population

    zipf_population = Population.from_dict({**zipf_population.to_dict(), "activity": {"zipf": 1.0}}, "zipf")
    zipf = run_campaign(dataset, zipf_population, CampaignPolicy(redundancy=3, difficulty="none"), 0)

    def top_decile_share(answers: pd.DataFrame) -> float:
        load = answers["worker"].value_counts().sort_values(ascending=False)
        return float(load.iloc[:20].sum() / load.sum())

    # Zipf(1) weights: the 20 most active of 200 hold H(20)/H(200) = 0.612 of the weight (drawn with
    # replacement); sampling 3 distinct workers per task flattens that a little.
    harmonic_share = sum(1 / r for r in range(1, 21)) / sum(1 / r for r in range(1, 201))
    assert math.isclose(harmonic_share, 0.612, abs_tol=0.001)
    assert 0.45 < top_decile_share(zipf.answers) <= harmonic_share + 0.02
    assert top_decile_share(uniform.answers) < 0.13
    assert not zipf.answers.duplicated(["task", "worker"]).any()


def test_qualification_admits_by_the_binomial_tail() -> None:
    dataset = balanced_binary(500)
    population = make_population(
        {"honest": {"share": 0.5, "skill": 0.9}, "uniform_spammer": {"share": 0.5}}, 800
    )
    policy = CampaignPolicy.from_dict(
        {"redundancy": 1, "qualification": 10, "qualification_threshold": 0.7, **PLAIN}
    )
    campaign = run_campaign(dataset, population, policy, seed=6)
    workers = campaign.workers
    for archetype, skill in (("honest", 0.9), ("uniform_spammer", 0.5)):
        admitted = workers.loc[workers["archetype"] == archetype, "admitted"]
        expected = float(binom.sf(6, 10, skill))  # P(at least 7 of 10 right)
        assert within(float(admitted.mean()), expected, len(admitted), sigmas=3.5)
    assert campaign.stats.qualification_answers == 800 * 10
    assert workers.loc[~workers["admitted"]].index.isin(campaign.answers["worker"]).sum() == 0
