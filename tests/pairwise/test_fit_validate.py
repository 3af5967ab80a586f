"""Pairwise fit (each rater's skill, tie propensity, position lean, feature weight; times) and the
held-out check ``validate --kind pairwise``: recovery of planted traits, the documented JSON keys,
and the real sigir2010 batch within tolerance."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from annotators.population import Population
from sandbox.datasets import load_dataset
from sandbox.kinds.pairwise.dataset import campaign_answers, nuisance_scale, standardised
from sandbox.kinds.pairwise.rater_model import rater_traits
from sandbox.randomness import make_rng
from sandbox.simulation.answering import draw_crowd
from sandbox.simulation.campaign import run_campaign
from sandbox.simulation.policy import CampaignPolicy

Cli = Callable[..., subprocess.CompletedProcess[str]]
KEYS = {"tie_share", "left_share", "longer_share", "majority_share_hist", "rater_agreement"}
HONEST = {
    "share": 1.0,
    "skill": {"alpha": 6, "beta": 2},
    "ties": {"alpha": 2, "beta": 3},
    "left": {"alpha": 10, "beta": 10},
    "weight": {"mean": 0.0, "sd": 0.5},
}


def test_every_rater_s_traits_are_recovered() -> None:
    dataset = load_dataset("synthetic-pairs:n_items=200,n_pairs=4000,levels=8,length_corr=0.3")
    population = Population.from_dict(
        {"kind": "pairwise", "pool_size": 40, "archetypes": {"honest": HONEST}}, "planted"
    )
    campaign = run_campaign(dataset, population, CampaignPolicy(redundancy=3), seed=0)
    answers = campaign_answers(campaign.answers, dataset)
    crowd = draw_crowd(population, dataset.n_classes, dataset.class_prior(), make_rng(0))  # the same draw
    quality = pd.Series(standardised(dataset.items["score"].to_numpy()), index=dataset.items.index)
    length = pd.Series(nuisance_scale(dataset.items["length"]), index=dataset.items.index)
    fitted = rater_traits(answers, quality, length)
    truth = {"skill": crowd.skill, "tie_propensity": crowd.traits["tie"], "left": crowd.traits["left"]}
    truth["weight"] = crowd.traits["weight"]
    for name, values in truth.items():
        assert np.corrcoef(fitted[name], values)[0, 1] > 0.95, name
        assert abs(float(np.mean(fitted[name] - values))) < 0.03, name


def votes_with_items(tmp_path: Path) -> tuple[Path, Path]:
    """A simulated export (long table with times) and its items file (length, no score)."""
    dataset = load_dataset("synthetic-pairs:n_items=80,n_pairs=800,ties=0.2,length_corr=0.2,heldout=10")
    population = Population.from_dict(
        {
            "kind": "pairwise",
            "pool_size": 30,
            "archetypes": {"honest": {**HONEST, "share": 0.9}, "random_clicker": {"share": 0.1}},
        },
        "test",
    )
    campaign = run_campaign(dataset, population, CampaignPolicy(redundancy=4), seed=1)
    answers = campaign_answers(campaign.answers, dataset)
    winner = np.where(answers["label"] == "left", answers["left"], answers["right"]).astype(object)
    answers["label"] = np.where(answers["label"] == "tie", "tie", winner)
    path = tmp_path / "votes.csv"
    answers.to_csv(path, index=False)
    items = tmp_path / "items.csv"
    dataset.items[["length"]].reset_index().to_csv(items, index=False)
    return path, items


def test_fit_writes_the_traits_and_validate_compares_on_held_out_pairs(cli: Cli, tmp_path: Path) -> None:
    votes, items = votes_with_items(tmp_path)
    out = tmp_path / "crowd.toml"
    fitted = cli("fit", str(votes), "--items", str(items), "--out", str(out))
    assert fitted.returncode == 0, fitted.stderr
    text = out.read_text()
    for key in ("ties", "left", "weight", 'feature = "length"', "[archetypes.honest.time]"):
        assert key in text, key
    rerun = cli("run", "--dataset", "synthetic-pairs:ties=0.2", "--population", str(out), "--redundancy", "2")
    assert rerun.returncode == 0, rerun.stderr
    result = cli(
        "validate",
        str(votes),
        "--kind",
        "pairwise",
        "--items",
        str(items),
        "--seeds",
        "2",
        "--format",
        "json",
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert KEYS <= set(document["real"]) and KEYS <= set(document["replica"])
    assert "accuracy" not in document["real"]  # no gold given
    assert document["real"]["longer_share"] is not None
    assert set(document["within_tolerance"]) == {
        "tie_share",
        "left_share",
        "longer_share",
        "majority_share",
        "all",
    }
    assert {"tvd_majority_share", "ks_rater_agreement"} <= set(document)


def test_the_real_batch_is_within_tolerance_on_every_key(cli: Cli) -> None:
    result = cli("validate", "--dataset", "sigir2010", "--seeds", "5", "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    verdict = document["within_tolerance"]
    assert verdict["all"] and verdict["tie_share"] and verdict["left_share"] and verdict["majority_share"]
    assert verdict["longer_share"] is None  # the melodies have no length
    assert document["ks_rater_agreement"] <= 0.15
    # the consensus accuracy has no tolerance of its own: the replica's is within ten points
    assert document["real"]["accuracy"] == pytest.approx(document["replica"]["accuracy"], abs=0.1)


def test_classification_validation_still_needs_gold(cli: Cli) -> None:
    labels = Path(__file__).resolve().parents[2] / "datasets" / "snow_rte" / "labels.csv"
    result = cli("validate", str(labels))
    assert result.returncode == 2 and "has no gold" in result.stderr
