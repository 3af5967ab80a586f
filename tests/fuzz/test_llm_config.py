"""The language-model settings are refused like every other configuration key: NaN, infinity and
numbers out of range give one line naming the key (the reference model's settings, the campaign's
gold placement, and the LLM archetypes' keys in a population file)."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotators.population import Population
from foundation.errors import SandboxError
from sandbox.simulation.policy import CampaignPolicy
from sandbox.simulation.reference import ReferenceSettings
from tests.fuzz.strategies import examples

NOT_FINITE = st.sampled_from([math.nan, math.inf, -math.inf])
#: Each numeric key and a strategy of values outside what it allows.
OUT_OF_RANGE = {
    "train_share": st.one_of(st.floats(max_value=0.0), st.floats(min_value=0.8, exclude_min=True)),
    "accuracy": st.one_of(st.floats(max_value=0.0), st.floats(min_value=1.0)),
    "judge_skill": st.one_of(st.floats(max_value=0.0), st.floats(min_value=1.0)),
    "judge_left": st.one_of(st.floats(max_value=0.0), st.floats(min_value=1.0)),
    "judge_length_weight": st.one_of(
        st.floats(max_value=-5.0, exclude_max=True), st.floats(min_value=5.0, exclude_min=True)
    ),
    "judge_ties": st.one_of(st.floats(max_value=0.0, exclude_max=True), st.floats(min_value=1.0)),
}


@settings(max_examples=examples(40))
@given(data=st.data(), key=st.sampled_from(sorted(OUT_OF_RANGE)))
def test_reference_numbers_out_of_range_or_not_finite_are_refused(data: st.DataObject, key: str) -> None:
    value = data.draw(st.one_of(NOT_FINITE, OUT_OF_RANGE[key].filter(math.isfinite)))
    with pytest.raises(SandboxError, match=f"reference model options: {key} must be"):
        ReferenceSettings.from_dict({key: value})


@settings(max_examples=examples(20))
@given(key=st.sampled_from(sorted(OUT_OF_RANGE)), value=st.floats(0.01, 0.79))
def test_reference_numbers_in_range_are_kept(key: str, value: float) -> None:
    allowed = value if key != "judge_length_weight" else value * 5
    assert getattr(ReferenceSettings.from_dict({key: allowed}), key) == allowed


@settings(max_examples=examples(10))
@given(value=st.text(max_size=20).filter(lambda text: text not in ("random", "adversarial")))
def test_gold_placement_is_random_or_adversarial(value: str) -> None:
    with pytest.raises(SandboxError, match="gold_placement must be one of random, adversarial"):
        CampaignPolicy.from_dict({"gold_placement": value})


def assisted(kind: str, key: str, value: Any) -> dict[str, Any]:
    return {
        "kind": kind,
        "pool_size": 20,
        "cost_per_label": 0.1,
        "archetypes": {"llm_assisted": {"share": 0.5, key: value}, "language_model": {"share": 0.5}},
    }


@settings(max_examples=examples(30))
@given(
    kind=st.sampled_from(["classification", "pairwise"]),
    key=st.sampled_from(["reliance", "edit_rate"]),
    value=st.one_of(
        NOT_FINITE, st.floats(max_value=0.0, exclude_max=True), st.floats(min_value=1.0, exclude_min=True)
    ),
)
def test_assisted_rates_outside_zero_one_are_refused(kind: str, key: str, value: float) -> None:
    with pytest.raises(SandboxError, match=f"archetypes.llm_assisted.{key}"):
        Population.from_dict(assisted(kind, key, value), "crowd.toml")


@settings(max_examples=examples(30))
@given(
    kind=st.sampled_from(["classification", "pairwise"]),
    change=st.one_of(
        st.tuples(st.just("variants"), st.one_of(st.integers(max_value=0), st.integers(min_value=17))),
        st.tuples(
            st.just("temperature"),
            st.one_of(
                NOT_FINITE, st.floats(max_value=0, exclude_max=True), st.floats(min_value=5, exclude_min=True)
            ),
        ),
    ),
)
def test_model_variants_and_temperature_out_of_range_are_refused(kind: str, change: tuple[str, Any]) -> None:
    key, value = change
    data = {
        "kind": kind,
        "pool_size": 20,
        "cost_per_label": 0.1,
        "archetypes": {"language_model": {"share": 1.0, key: value}},
    }
    with pytest.raises(SandboxError, match=f"archetypes.language_model.{key}"):
        Population.from_dict(data, "llm.toml")
