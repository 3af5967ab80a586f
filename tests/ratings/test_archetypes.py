"""Rating archetypes against their definitions: every archetype rates on the scale, the same seed gives
the same ratings, and each behaviour (noise, offset, slope, straight-lining, anchoring, random, rings,
speeders) shows in the ratings with the size it was given (tolerances: 4 standard errors)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from annotators.archetypes.ratings import ARCHETYPES, Scale, pushed_rows
from foundation.errors import SandboxError
from sandbox.datasets import load_dataset
from tests.ratings.helpers import campaign, crowd

DATASET = "synthetic-ratings:n_items=400,scale=continuous:0-100,seed=3"


@pytest.mark.parametrize("name", list(ARCHETYPES))
@pytest.mark.parametrize("scale", ["1-5", "continuous:0-1", "-3-3"])
def test_every_archetype_rates_on_the_scale_deterministically(name: str, scale: str) -> None:
    dataset = f"synthetic-ratings:n_items=120,scale={scale}"
    population = crowd({name: {"share": 1.0}}, pool_size=12)
    first = campaign(dataset, population, 3, seed=5)[2]
    second = campaign(dataset, population, 3, seed=5)[2]
    pd.testing.assert_frame_equal(first, second)
    assert Scale.parse(scale).contains(first["label"].to_numpy()).all()


def test_an_honest_raters_error_sd_is_their_noise_away_from_the_ends() -> None:
    dataset, _, answers = campaign(DATASET, crowd({"honest": {"share": 1.0, "noise": 0.05}}, 200), 5)
    true = dataset.scores.reindex(answers["task"]).to_numpy()
    inner = (true > 20) & (true < 80)  # four noise sds from either end: nothing is clipped
    error = (answers["label"].to_numpy()[inner] - true[inner]) / 100
    n = len(error)
    assert abs(error.mean()) < 4 * 0.05 / math.sqrt(n)
    assert abs(error.std() - 0.05) < 4 * 0.05 / math.sqrt(2 * n)  # sd of a sample sd: σ / √(2n)


@pytest.mark.parametrize(("name", "offset"), [("lenient", 0.15), ("harsh", -0.15)])
def test_lenient_and_harsh_raters_are_off_by_their_offset(name: str, offset: float) -> None:
    dataset, _, answers = campaign(
        DATASET, crowd({name: {"share": 1.0, "noise": 0.05, "offset": offset}}, 200), 5
    )
    true = dataset.scores.reindex(answers["task"]).to_numpy()
    inner = (true > 30) & (true < 70)
    error = (answers["label"].to_numpy()[inner] - true[inner]) / 100
    assert abs(error.mean() - offset) < 4 * 0.05 / math.sqrt(len(error))


@pytest.mark.parametrize(("name", "slope"), [("central_tendency", 0.4), ("extreme", 1.5)])
def test_central_tendency_and_extreme_raters_rate_with_their_slope(name: str, slope: float) -> None:
    dataset, _, answers = campaign(
        DATASET, crowd({name: {"share": 1.0, "noise": 0.02, "slope": slope}}, 200), 5
    )
    true = dataset.scores.reindex(answers["task"]).to_numpy() / 100 - 0.5
    seen = answers["label"].to_numpy() / 100 - 0.5
    inner = np.abs(true * slope) < 0.4  # not clipped at the ends
    fitted = np.polyfit(true[inner], seen[inner], 1)[0]
    assert abs(fitted - slope) < 0.03


def test_a_straight_liner_gives_one_rating_and_its_point() -> None:
    _, result, answers = campaign(DATASET, crowd({"straight_liner": {"share": 1.0, "point": 0.7}}, 20), 5)
    assert (answers["label"] == 70.0).all()
    assert (result.workers["point"] == 0.7).all()


def test_random_raters_rate_every_point_alike() -> None:
    from scipy.stats import chisquare

    _, _, answers = campaign(
        "synthetic-ratings:n_items=2000,scale=1-5", crowd({"random": {"share": 1.0}}, 50), 5
    )
    counts = answers["label"].value_counts().reindex([1.0, 2.0, 3.0, 4.0, 5.0]).to_numpy()
    assert chisquare(counts).pvalue > 0.001


def test_random_raters_with_a_point_scatter_around_it() -> None:
    _, _, answers = campaign(DATASET, crowd({"random": {"share": 1.0, "point": 0.3, "noise": 0.05}}, 50), 5)
    values = answers["label"].to_numpy() / 100
    assert abs(values.mean() - 0.3) < 4 * 0.05 / math.sqrt(len(values))


def test_anchoring_raters_are_pulled_toward_their_previous_rating() -> None:
    """``r_t = (1 − w) p_t + w r_{t−1}``: regressing each rating on the item's true score and the
    rater's previous rating (in the order they gave them) recovers w; for honest raters it is 0."""

    def pull(archetype: dict[str, object]) -> float:
        dataset, _, answers = campaign(DATASET, crowd(archetype, 20), 20)
        true = dataset.scores.reindex(answers["task"]).to_numpy()
        rows = []
        for _, group in answers.assign(true=true).groupby("worker", sort=False):
            rows.append(
                np.column_stack(
                    [
                        group["label"].to_numpy()[1:],
                        group["true"].to_numpy()[1:],
                        group["label"].to_numpy()[:-1],
                    ]
                )
            )
        table = np.concatenate(rows)
        inner = (table[:, 0] > 5) & (table[:, 0] < 95)  # ratings that were not clipped
        design = np.column_stack([np.ones(inner.sum()), table[inner, 1], table[inner, 2]])
        return float(np.linalg.lstsq(design, table[inner, 0], rcond=None)[0][2])

    assert abs(pull({"anchoring": {"share": 1.0, "noise": 0.05, "weight": 0.6}}) - 0.6) < 0.05
    assert abs(pull({"honest": {"share": 1.0, "noise": 0.05}})) < 0.05


def test_a_ring_pushes_its_items_to_the_top_and_rates_the_rest_honestly() -> None:
    dataset, result, answers = campaign(
        DATASET, crowd({"colluding_ring": {"share": 1.0, "items": 0.2, "noise": 0.02}}, 30), 5
    )
    key = float(result.workers["ring_key"].iloc[0])
    rows = dataset.truth.index.get_indexer(answers["task"])
    pushed = pushed_rows(rows, key, 0.2)
    assert (answers["label"].to_numpy()[pushed] == 100.0).all()
    assert 0.15 < pushed_rows(np.arange(dataset.n_tasks), key, 0.2).mean() < 0.25
    honest = answers[~pushed]
    error = honest["label"] - dataset.scores.reindex(honest["task"]).to_numpy()
    assert abs(error.median()) < 2.0


def test_speeders_leave_the_answer_where_it_starts_as_often_as_they_stay() -> None:
    _, _, answers = campaign(DATASET, crowd({"speeder": {"share": 1.0, "stays": 0.5, "start": 0.5}}, 100), 5)
    at_start = float((answers["label"] == 50.0).mean())
    assert abs(at_start - 0.5) < 4 * math.sqrt(0.25 / len(answers)) + 0.01  # + glances that land on 50


def test_ratings_archetypes_refuse_a_dataset_of_another_kind() -> None:
    from sandbox.simulation.campaign import run_campaign
    from sandbox.simulation.policy import CampaignPolicy

    with pytest.raises(SandboxError, match="rates items on a scale"):
        run_campaign(load_dataset("iris"), crowd({"honest": {"share": 1.0}}), CampaignPolicy(redundancy=1), 0)
