"""The kind-independent predictive-interval machinery (sandbox.fitting.intervals): coverage by order
statistics, the binomial reference, the global envelope, and seeded replica draws."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foundation.errors import SandboxError
from sandbox.fitting.intervals import (
    Metric,
    SplitDraws,
    binomial_half_width,
    interval_of,
    predictive_check,
    replica_draws,
)

#: Tolerance of a coverage count over n trials: three binomial standard deviations.
SIGMAS = 3.0


def within_binomial(count: int, trials: int, rate: float) -> bool:
    return abs(count - trials * rate) <= SIGMAS * math.sqrt(trials * rate * (1 - rate))


def test_interval_is_the_order_statistics_that_cover_ninety_percent() -> None:
    values = np.arange(400, dtype=float)[::-1]  # 400 draws: j = floor(0.05 * 401) = 20
    assert interval_of(values) == (19.0, 380.0)
    with pytest.raises(SandboxError, match="at least 19 replica draws"):
        interval_of(np.arange(18, dtype=float))


def test_a_new_draw_falls_inside_at_the_stated_rate() -> None:
    """Exchangeability: a new draw from the replicas' own distribution lies between order statistics
    j and n + 1 - j with probability (n + 1 - 2j) / (n + 1) = 36 / 40 for n = 39."""
    rng = np.random.default_rng(0)
    trials, inside = 3000, 0
    for _ in range(trials):
        draws = rng.gamma(2.0, size=40)  # skewed on purpose: the rule is distribution-free
        lo, hi = interval_of(draws[:39])
        inside += lo <= draws[39] <= hi
    assert within_binomial(inside, trials, 36 / 40)


def test_binomial_half_width_is_the_wald_formula() -> None:
    assert binomial_half_width(0.5, 100) == pytest.approx(1.6448536 * 0.05)
    assert binomial_half_width(0.9, 400) == pytest.approx(1.6448536 * math.sqrt(0.09 / 400))
    # a share of 0 is held half a trial away from the edge: p = 1 / 200
    assert binomial_half_width(0.0, 100) == pytest.approx(1.6448536 * math.sqrt(0.005 * 0.995 / 100))


def _normal_split(rng: np.random.Generator, names: list[str], shift: float = 0.0) -> SplitDraws:
    draws = {name: rng.normal(0.5, 0.05, 400) for name in names}
    real = {name: float(rng.normal(0.5 + shift, 0.05)) for name in names}
    return SplitDraws(real, draws)


def test_a_real_value_from_the_replicas_distribution_is_calibrated_at_the_stated_rate() -> None:
    rng = np.random.default_rng(1)
    metric = Metric("accuracy", trials=100, group="accuracy")
    trials = 1000
    inside = sum(
        predictive_check([_normal_split(rng, ["accuracy"])], [metric]).calibrated["accuracy"]
        for _ in range(trials)
    )
    assert within_binomial(inside, trials, 361 / 401)  # order statistics 20 and 381 of 400
    shifted = sum(
        predictive_check([_normal_split(rng, ["accuracy"], shift=0.1)], [metric]).calibrated["accuracy"]
        for _ in range(200)
    )
    assert shifted < 0.5 * 200  # two standard deviations off: mostly outside


def test_the_envelope_of_a_group_holds_its_level_for_the_group_as_a_whole() -> None:
    """Ten independent metrics: each alone is outside 10 % of the time, so one of ten is outside
    65 % of the time; the global envelope is exceeded 10 % of the time (Myllymäki et al. 2017)."""
    rng = np.random.default_rng(2)
    names = [f"bin{i}" for i in range(10)]
    metrics = [Metric(name, trials=100, group="hist") for name in names]
    trials, outside_envelope, any_outside = 600, 0, 0
    for _ in range(trials):
        check = predictive_check([_normal_split(rng, names)], metrics)
        outside_envelope += check.envelope["hist"] <= 0.1
        any_outside += not all(check.calibrated.values())
    assert within_binomial(outside_envelope, trials, 0.1)
    assert any_outside > 0.5 * trials


def test_sharpness_and_verdict() -> None:
    # draws spread like a binomial share of 0.5 on 100 trials: sharpness about 1
    rng = np.random.default_rng(3)
    draws = rng.binomial(100, 0.5, 4000) / 100
    wide = 0.5 + 2.0 * (draws - 0.5)
    split = SplitDraws({"a": 0.5, "b": 0.5}, {"a": draws, "b": wide})
    check = predictive_check([split], [Metric("a", 100, "a"), Metric("b", 100, "b")])
    assert check.sharpness["a"] == pytest.approx(1.0, abs=0.1)
    assert check.sharpness["b"] == pytest.approx(2.0, abs=0.2)
    assert check.verdict == {"a": True, "b": False, "all": False}
    assert check.interval["a"][0] < 0.5 < check.interval["a"][1]


def test_undefined_real_values_are_left_out_and_splits_pool() -> None:
    rng = np.random.default_rng(4)
    one = SplitDraws({"a": 0.4, "b": float("nan")}, {"a": rng.normal(0.4, 0.01, 30), "b": np.zeros(30)})
    two = SplitDraws({"a": 0.6, "b": 0.0}, {"a": rng.normal(0.6, 0.01, 30), "b": np.zeros(30)})
    check = predictive_check([one, two], [Metric("a", 50, "a"), Metric("b", 50, "b")])
    assert set(check.interval) == {"a"}
    assert check.real["a"] == pytest.approx(0.5)
    assert check.draws == 60
    # each split's draws are centred on the mean prediction: as wide as one split's, around 0.5
    lo, hi = check.interval["a"]
    assert 0.47 < lo < 0.5 < hi < 0.53
    assert check.calibrated["a"]


def _fit(rng: np.random.Generator) -> float:
    return float(rng.normal())


def _replay(model: float, rng: np.random.Generator) -> dict[str, float]:
    return {"x": model + float(rng.normal()), "model": model}


def test_replica_draws_are_seeded_and_share_fits_round_robin() -> None:
    a = replica_draws(_fit, _replay, replays=12, refits=3, seed=7)
    b = replica_draws(_fit, _replay, replays=12, refits=3, seed=7)
    np.testing.assert_array_equal(a["x"], b["x"])
    models = a["model"]
    assert len(set(models.tolist())) == 3
    np.testing.assert_array_equal(models[:3], models[3:6])
    c = replica_draws(_fit, _replay, replays=12, refits=3, seed=8)
    assert not np.array_equal(a["x"], c["x"])


@settings(max_examples=30, deadline=None)
@given(replays=st.integers(-5, 30), refits=st.integers(-5, 40))
def test_replica_draws_refuse_impossible_counts(replays: int, refits: int) -> None:
    if replays >= 1 and 1 <= refits <= replays:
        assert len(replica_draws(_fit, _replay, replays=replays, refits=refits, seed=0)["x"]) == replays
    else:
        with pytest.raises(SandboxError, match="replays >= 1 and 1 <= refits <= replays"):
            replica_draws(_fit, _replay, replays=replays, refits=refits, seed=0)
