"""The fast rater models (offset, offset and scale) reach the optimum of the plain reference
(``tests/fast/ratings_reference.py``: the same J minimised by scipy's L-BFGS), censored or not; and on
simulated crowds they recover the planted offsets, slopes and item scores."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sandbox.aggregation.fast.ratings import RaterOffset, RaterOffsetScale, encode_ratings
from sandbox.aggregation.fast.ratings.raters import MIDDLE, censoring
from tests.fast.ratings_reference import reference_fit
from tests.ratings.helpers import campaign, crowd

CROWD = {
    "honest": {"share": 0.4, "noise": 0.08},
    "lenient": {"share": 0.2, "noise": 0.08, "offset": {"mean": 0.2, "sd": 0.05}},
    "harsh": {"share": 0.2, "noise": 0.08, "offset": {"mean": -0.2, "sd": 0.05}},
    "central_tendency": {"share": 0.2, "noise": 0.08, "slope": {"mean": 0.5, "sd": 0.1}},
}


def _answers(
    scale: str, n_items: int = 150, redundancy: int = 5, pool: int = 30, seed: int = 2
) -> pd.DataFrame:
    return campaign(
        f"synthetic-ratings:n_items={n_items},scale={scale},seed={seed}", crowd(CROWD, pool), redundancy, seed
    )[2]


@pytest.mark.parametrize("model", [RaterOffset, RaterOffsetScale])
@pytest.mark.parametrize("censored", [False, True])
@pytest.mark.parametrize("scale", ["1-5", "continuous:0-100"])
def test_the_fast_fit_is_the_references_optimum(model: type, censored: bool, scale: str) -> None:
    from annotators.archetypes.ratings import Scale

    parsed = Scale.parse(scale)
    answers = _answers(scale)
    coded = encode_ratings(answers, parsed.low, parsed.high, parsed.step if parsed.integer else 0.0)
    fast = model(pool=False, censored=censored, tol=1e-10, n_iter=100_000).fit_coded(coded)
    assert fast.converged_
    top, bottom, high, low = censoring(coded)
    if not censored:
        top, bottom = np.zeros_like(top), np.zeros_like(bottom)
    reference = reference_fit(
        coded.task,
        coded.worker,
        coded.unit() - MIDDLE,
        slopes=model is RaterOffsetScale,
        top=top,
        bottom=bottom,
        high=high,
        low=low,
    )
    assert fast.objective_ == pytest.approx(reference.objective, abs=1e-6, rel=1e-9)
    np.testing.assert_allclose(fast.unit_["mu"], reference.mu, atol=1e-5)
    np.testing.assert_allclose(fast.unit_["a"], reference.a, atol=1e-5)
    np.testing.assert_allclose(fast.unit_["b"], reference.b, atol=1e-5)
    np.testing.assert_allclose(np.sqrt(fast.unit_["variance"]), reference.sd, atol=1e-5)


def test_the_additive_model_keeps_every_slope_at_one() -> None:
    answers = _answers("1-5")
    fit = RaterOffset().fit_coded(encode_ratings(answers, 1, 5, 1))
    assert fit.slopes_ is not None and np.all(fit.slopes_ == 1.0)


@pytest.mark.parametrize("model", [RaterOffset, RaterOffsetScale])
def test_rater_models_recover_planted_offsets_and_item_scores(model: type) -> None:
    """Enough ratings (20 per item, 100 per rater): item scores and offsets correlate >= .95 with the
    planted ones (lenient and harsh raters, no item ambiguity, a continuous range so nothing but the
    ends is rounded)."""
    population = crowd(
        {k: v for k, v in CROWD.items() if k != "central_tendency"}
        | {"honest": {"share": 0.6, "noise": 0.08}},
        200,
    )
    dataset, result, answers = campaign(
        "synthetic-ratings:n_items=1000,scale=continuous:0-100,seed=7", population, 20, seed=7
    )
    fit = model().fit_coded(encode_ratings(answers, 0, 100))
    scores = pd.Series(fit.scores_, index=fit_index(answers))
    assert np.corrcoef(scores, dataset.scores.reindex(scores.index))[0, 1] >= 0.95
    workers = result.workers
    planted = workers["offset"] * 100
    estimated = pd.Series(fit.offsets_, index=sorted(answers["worker"].unique())).reindex(workers.index)
    assert np.corrcoef(estimated, planted)[0, 1] >= 0.95


def fit_index(answers: pd.DataFrame) -> pd.Index:
    return pd.Index(sorted(answers["task"].unique()), name="task")
