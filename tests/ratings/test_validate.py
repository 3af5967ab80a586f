"""The held-out twin of a ratings crowd: on the real nli_variation crowd within tolerance (5 splits,
the check of issue 23), and on a simulated crowd with gold the error vs gold agrees too."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from sandbox.kinds.ratings.readers import load_ratings
from sandbox.kinds.ratings.validation import perfect_twin_correlation, validate
from tests.ratings.helpers import NLI, campaign, crowd


@pytest.mark.skipif(not NLI.is_dir(), reason="../shared/data/ratings/nli_variation is not here")
def test_the_nli_twin_is_within_tolerance() -> None:
    answers = load_ratings(NLI / "long.csv", format="long").answers
    result = validate(answers, pd.Series(dtype=float), "nli_variation", seeds=5)
    assert result.within_tolerance["all"], result.table()
    document = result.to_dict()
    assert set(document["within_tolerance"]) == {
        "item_means",
        "item_sds",
        "mean_item_sd",
        "end_share",
        "offset_sd",
        "offset_correlation",
        "all",
    }


def test_a_simulated_crowd_with_gold_is_judged_on_its_error_too() -> None:
    population = crowd(
        {"honest": {"share": 0.7, "noise": 0.1}, "lenient": {"share": 0.15}, "harsh": {"share": 0.15}}, 60
    )
    dataset, _, answers = campaign(
        "synthetic-ratings:n_items=300,scale=1-5", population, 8, 1, difficulty="beta"
    )
    result = validate(answers, dataset.scores, "simulated", seeds=1)
    assert result.gold_items == 150
    assert result.real.mae_mean is not None and result.replica.mae_mean is not None
    assert abs(result.real.mae_mean - result.replica.mae_mean) < 0.03
    assert "mae" in result.within_tolerance


def test_a_right_twins_offset_correlation_follows_from_the_split_half_reliability() -> None:
    """v = (1 − r) / r; a right twin's replica correlates 1 / sqrt((1 + v)(1 + 2v)): 1 when r = 1."""
    assert perfect_twin_correlation(1.0) == 1.0
    v = 0.25
    assert perfect_twin_correlation(0.8) == pytest.approx(1 / math.sqrt((1 + v) * (1 + 2 * v)))
    assert math.isnan(perfect_twin_correlation(-0.1))
