"""Simulated answers take time: honest work in proportion to the item, cheaters fast; times never
change an answer; campaigns can ban on speed."""

from __future__ import annotations

import numpy as np
import pytest

from annotators.population import Population
from sandbox.datasets import load_dataset
from sandbox.experiment.experiment import Experiment
from sandbox.simulation.campaign import run_campaign
from sandbox.simulation.policy import CampaignPolicy


def crowd(**archetypes: dict[str, object]) -> Population:
    return Population.from_dict(
        {"kind": "pairwise", "pool_size": 60, "cost_per_label": 0.01, "archetypes": archetypes}, "test crowd"
    )


SLOW = {"median": 30.0, "workers": 0.3, "answers": 0.3, "per_item": 1.0}
FAST = {"median": 3.0, "workers": 0.2, "answers": 0.2, "per_item": 0.0}
HONEST_AND_CLICKERS = {"honest": {"share": 0.7, "time": SLOW}, "random_clicker": {"share": 0.3, "time": FAST}}


def test_cheaters_are_fast_and_honest_time_grows_with_the_item() -> None:
    dataset = load_dataset("synthetic-pairs:n_items=60,n_pairs=400,heldout=10")
    campaign = run_campaign(dataset, crowd(**HONEST_AND_CLICKERS), CampaignPolicy(redundancy=3), seed=1)
    answers = campaign.answers.join(campaign.workers["archetype"], on="worker")
    assert (answers["seconds"] > 0).all()
    medians = answers.groupby("archetype")["seconds"].median()
    assert medians["random_clicker"] < medians["honest"] / 5
    work = dataset.task_work()[answers["task"].to_numpy()]
    honest = (answers["archetype"] == "honest").to_numpy()
    slope = np.polyfit(np.log(work[honest]), np.log(answers["seconds"].to_numpy()[honest]), 1)[0]
    assert slope == pytest.approx(1.0, abs=0.1)  # time in proportion to the pair's reading
    clicker = np.polyfit(np.log(work[~honest]), np.log(answers["seconds"].to_numpy()[~honest]), 1)[0]
    assert abs(clicker) < 0.1


def test_times_change_no_answer() -> None:
    dataset = load_dataset("synthetic-pairs:n_items=40,n_pairs=200,heldout=10")
    timed = run_campaign(dataset, crowd(**HONEST_AND_CLICKERS), CampaignPolicy(redundancy=3), seed=2)
    untimed = crowd(honest={"share": 0.7}, random_clicker={"share": 0.3})
    plain = run_campaign(dataset, untimed, CampaignPolicy(redundancy=3), seed=2)
    columns = ["task", "worker", "label"]
    assert timed.answers[columns].equals(plain.answers[columns])
    assert not np.allclose(timed.answers["seconds"], plain.answers["seconds"])


def test_a_speed_ban_removes_the_fast_clickers() -> None:
    dataset = load_dataset("synthetic-pairs:n_items=60,n_pairs=600,heldout=200")
    policy = CampaignPolicy(redundancy=3, min_seconds=8.0)
    outcome = Experiment(dataset, crowd(**HONEST_AND_CLICKERS), policy, ("bt_mle",), seed=3).run()
    assert outcome.campaign is not None
    workers = outcome.campaign.workers
    banned = workers[workers["banned"]]
    assert set(banned["archetype"]) == {"random_clicker"}
    assert len(banned) == (workers["archetype"] == "random_clicker").sum()
    kept = outcome.campaign.answers.join(workers["archetype"], on="worker")
    assert (kept["archetype"] == "honest").all()


def test_classification_answers_take_time_too() -> None:
    dataset = load_dataset("snow_rte")
    population = Population.from_dict(
        {
            "pool_size": 50,
            "archetypes": {"honest": {"share": 0.8}, "uniform_spammer": {"share": 0.2}},
        },
        "test crowd",
    )
    campaign = run_campaign(dataset, population, CampaignPolicy(redundancy=3), seed=0)
    answers = campaign.answers.join(campaign.workers["archetype"], on="worker")
    medians = answers.groupby("archetype")["seconds"].median()
    assert medians["uniform_spammer"] < medians["honest"]  # the archetypes' default times
