"""The tie-aware pairwise report: flags only where a test on the rater's own answers says so, each
with its evidence; checked on the real sigir2010 batch (against its expert gold), on planted
cheaters, and on any crowd (Hypothesis)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import fisher_exact

from annotators.population import Population
from sandbox.datasets import load_dataset
from sandbox.fitting.speed import leave_one_out_median
from sandbox.kinds.pairwise.dataset import SIDES, campaign_answers
from sandbox.kinds.pairwise.evidence import TRUSTED_AGREEMENT
from sandbox.kinds.pairwise.report import pairwise_report
from sandbox.simulation.campaign import run_campaign
from sandbox.simulation.policy import CampaignPolicy

Cli = Callable[..., subprocess.CompletedProcess[str]]
BUNDLED = Path(__file__).resolve().parents[2] / "datasets" / "pairwise" / "sigir2010"


@pytest.fixture(scope="module")
def sigir() -> tuple[pd.DataFrame, pd.Series]:
    dataset = load_dataset("sigir2010")
    assert dataset.answers is not None
    gold = pd.Series(np.asarray(SIDES, dtype=object)[dataset.truth.to_numpy()], index=dataset.truth.index)
    return dataset.answers, gold


def test_on_the_real_batch_every_flag_holds(sigir: tuple[pd.DataFrame, pd.Series]) -> None:
    answers, gold = sigir
    report = pairwise_report(answers, gold=gold)
    flagged = report.annotators[report.annotators["suspect"]]
    assert 0 < len(flagged) <= 0.25 * len(report.annotators)
    for worker, items in report.evidence.items():
        assert items and all(e["p_value"] <= 0.05 and e["n"] > 0 for e in items), worker
    # a position lean the report finds against the crowd's majority is there against the experts too
    decided = answers.assign(gold=answers["task"].map(gold))
    decided = decided[(decided["label"] != "tie") & (decided["gold"] != "tie")]
    for worker in flagged.index[flagged["flags"].str.contains("position_biased")]:
        mine = decided[decided["worker"] == worker]
        wrong_left = int(((mine["gold"] == "right") & (mine["label"] == "left")).sum())
        wrong_right = int(((mine["gold"] == "left") & (mine["label"] == "right")).sum())
        n_right, n_left = int((mine["gold"] == "right").sum()), int((mine["gold"] == "left").sum())
        table = [[wrong_left, n_right - wrong_left], [wrong_right, n_left - wrong_right]]
        assert fisher_exact(table).pvalue < 0.05, worker
    # the raters who mostly say "same" but compare when they do are not tie clickers
    cautious = report.annotators[
        (report.annotators["tie_share"] > 0.6) & (report.annotators["agreement"] >= 0.9)
    ]
    assert not cautious["flags"].str.contains("tie_clicker").any()
    assert report.overall["tie_share"] == pytest.approx(1405 / 2805)


def test_unflagged_raters_with_few_answers_say_so(sigir: tuple[pd.DataFrame, pd.Series]) -> None:
    report = pairwise_report(sigir[0])
    few = report.annotators[report.annotators["answers"] <= 3]
    assert len(few) and few["reason"].str.startswith("too few answers to tell").all()


def planted(archetypes: dict[str, dict[str, object]], seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    dataset = load_dataset("synthetic-pairs:n_items=60,n_pairs=600,levels=6,heldout=10")
    population = Population.from_dict(
        {"kind": "pairwise", "pool_size": 20, "archetypes": archetypes}, "planted crowd"
    )
    campaign = run_campaign(dataset, population, CampaignPolicy(redundancy=5), seed)
    return campaign_answers(campaign.answers, dataset), campaign.workers


def test_planted_cheaters_are_found_and_honest_raters_are_not() -> None:
    answers, workers = planted(
        {
            "honest": {"share": 0.7, "skill": {"alpha": 8, "beta": 2}, "ties": {"alpha": 3, "beta": 3}},
            "tie_clicker": {"share": 0.1},
            "random_clicker": {"share": 0.1},
            "adversary": {"share": 0.05},
            "position_biased": {"share": 0.05, "bias": 0.9, "side": "right"},
        }
    )
    report = pairwise_report(answers).annotators.join(workers["archetype"].rename("truth"))
    cheaters = report[report["truth"] != "honest"]
    assert (cheaters["archetype"] == cheaters["truth"]).all(), cheaters[["truth", "archetype", "reason"]]
    assert not report[report["truth"] == "honest"]["suspect"].any()


@settings(max_examples=40, deadline=None)
@given(
    n_pairs=st.integers(3, 25),
    per_pair=st.integers(2, 6),
    n_workers=st.integers(3, 9),
    seed=st.integers(0, 2**16),
)
def test_raters_agreeing_with_the_majority_are_never_random_or_adversarial(
    n_pairs: int, per_pair: int, n_workers: int, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    rows = []
    for pair in range(n_pairs):
        for worker in rng.choice(n_workers, size=min(per_pair, n_workers), replace=False):
            rows.append(
                (
                    pair,
                    f"w{worker}",
                    f"a{pair}",
                    f"b{pair}",
                    rng.choice(["left", "right", "tie"], p=[0.5, 0.3, 0.2]),
                )
            )
    answers = pd.DataFrame(rows, columns=["task", "worker", "left", "right", "label"])
    if (answers["label"] == "tie").all():
        return
    report = pairwise_report(answers, aggregator="win_rate").annotators
    trusted = report[report["majority_agreement"] >= TRUSTED_AGREEMENT]
    assert not trusted["flags"].str.contains("random_clicker|adversary").any()
    assert report["reason"].ne("").sum() >= report["suspect"].sum()


def test_the_json_report_carries_each_flag_s_evidence(cli: Cli) -> None:
    result = cli("report", str(BUNDLED / "answers.csv"), "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["evidence"]
    for items in document["evidence"].values():
        assert {"flag", "count", "n", "rate", "reference", "p_value", "what"} <= set(items[0])
    assert document["overall"]["aggregator"] == "davidson"
    assert all("p_tie" in task for task in document["tasks"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.floats(0, 100, allow_nan=False)), min_size=1, max_size=30))
def test_leave_one_out_median_is_the_median_of_the_others(rows: list[tuple[int, float]]) -> None:
    groups = np.array([g for g, _ in rows])
    values = np.array([v for _, v in rows])
    expected = [
        np.median(values[(groups == g) & (np.arange(len(rows)) != i)])
        if ((groups == g).sum() > 1)
        else np.nan
        for i, g in enumerate(groups)
    ]
    assert np.allclose(leave_one_out_median(groups, values), expected, equal_nan=True)
