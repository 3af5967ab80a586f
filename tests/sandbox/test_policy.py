"""The campaign policy model: keyword construction, attribute access, stable repr, validation properties."""

from __future__ import annotations

import math
import pickle
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foundation.errors import SandboxError
from sandbox.simulation.policy import DIFFICULTY_MODES, CampaignPolicy

DEFAULTS = {
    "redundancy": 5,
    "gold_rate": 0.0,
    "min_gold": 5,
    "ban_threshold": 0.0,
    "qualification": 0,
    "qualification_threshold": 0.0,
    "max_redundancy": None,
    "confidence": 0.8,
    "difficulty": "auto",
    "difficulty_alpha": 1.0,
    "difficulty_beta": 6.0,
    "min_seconds": None,
    "max_fast_share": 0.5,
    "min_timed_answers": 5,
    "gold_placement": "random",
}
INTEGER_KEYS = ("redundancy", "min_gold", "qualification", "max_redundancy", "min_timed_answers")
NUMBER_KEYS = (
    "gold_rate",
    "ban_threshold",
    "qualification_threshold",
    "confidence",
    "difficulty_alpha",
    "difficulty_beta",
    "max_fast_share",
)


def test_defaults_keys_and_values_are_those_of_the_json_output() -> None:
    assert CampaignPolicy().to_dict() == DEFAULTS
    assert list(CampaignPolicy.model_fields) == list(DEFAULTS)


def test_keyword_construction_attributes_hash_and_repr() -> None:
    policy = CampaignPolicy(redundancy=3, max_redundancy=7, difficulty="none")
    assert (policy.redundancy, policy.max_redundancy, policy.gold_rate) == (3, 7, 0.0)
    assert policy.adaptive and policy.target_max == 7
    assert not CampaignPolicy(redundancy=3).adaptive and CampaignPolicy(redundancy=3).target_max == 3
    assert hash(policy) == hash(CampaignPolicy(redundancy=3, max_redundancy=7, difficulty="none"))
    assert repr(policy) == (
        "CampaignPolicy(redundancy=3, gold_rate=0.0, min_gold=5, ban_threshold=0.0, qualification=0, "
        "qualification_threshold=0.0, max_redundancy=7, confidence=0.8, difficulty='none', "
        "difficulty_alpha=1.0, difficulty_beta=6.0, min_seconds=None, max_fast_share=0.5, "
        "min_timed_answers=5, gold_placement='random')"
    )
    assert pickle.loads(pickle.dumps(policy)) == policy
    with pytest.raises(SandboxError, match="CampaignPolicy: redundancy must be an integer >= 1, got 0"):
        CampaignPolicy(redundancy=0)


def test_difficulty_modes_come_from_the_model() -> None:
    assert DIFFICULTY_MODES == ("auto", "none", "model", "beta")
    with pytest.raises(SandboxError, match="difficulty must be one of auto, none, model, beta, got 'hard'"):
        CampaignPolicy.from_dict({"difficulty": "hard"}, "options")


NOT_A_NUMBER = st.one_of(
    st.booleans(),
    st.text(max_size=5),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.sampled_from([math.nan, math.inf, -math.inf]),
)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(INTEGER_KEYS + NUMBER_KEYS), st.data())
def test_a_non_number_is_an_error_naming_its_key(key: str, data: Any) -> None:
    bad = NOT_A_NUMBER if key in NUMBER_KEYS else st.one_of(NOT_A_NUMBER, st.floats())
    value = data.draw(bad)
    with pytest.raises(SandboxError) as error:
        CampaignPolicy.from_dict({key: value}, "scenario: policy")
    assert str(error.value).startswith(f"scenario: policy: {key} must be "), str(error.value)


@st.composite
def policies(draw: st.DrawFn) -> dict[str, Any]:
    """A valid policy table (only some keys set)."""
    redundancy = draw(st.integers(1, 30))
    values: dict[str, Any] = {
        "redundancy": redundancy,
        "gold_rate": draw(st.floats(0, 1, exclude_max=True)),
        "min_gold": draw(st.integers(1, 50)),
        "ban_threshold": draw(st.floats(0, 1)),
        "qualification": draw(st.integers(0, 50)),
        "qualification_threshold": draw(st.one_of(st.floats(0, 1), st.integers(0, 1))),
        "max_redundancy": draw(st.one_of(st.none(), st.integers(redundancy, 60))),
        "confidence": draw(st.floats(0, 1)),
        "difficulty": draw(st.sampled_from(DIFFICULTY_MODES)),
        "difficulty_alpha": draw(st.floats(1e-6, 1e6)),
        "difficulty_beta": draw(st.integers(1, 100)),
    }
    keys = draw(st.lists(st.sampled_from(list(values)), unique=True))
    if "max_redundancy" in keys and "redundancy" not in keys:
        keys.append("redundancy")  # max_redundancy was drawn at or above this redundancy, not the default
    return {key: values[key] for key in keys}


@settings(max_examples=200, deadline=None)
@given(policies())
def test_valid_tables_round_trip_through_to_dict(values: dict[str, Any]) -> None:
    policy = CampaignPolicy.from_dict(values, "scenario: policy")
    plain = policy.to_dict()
    assert plain == {**DEFAULTS, **{k: float(v) if k in NUMBER_KEYS else v for k, v in values.items()}}
    assert CampaignPolicy.from_dict(plain) == policy
    assert CampaignPolicy(**plain) == policy


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 30), st.integers(-5, 60))
def test_max_redundancy_is_refused_below_redundancy(redundancy: int, maximum: int) -> None:
    values = {"redundancy": redundancy, "max_redundancy": maximum}
    if maximum >= max(redundancy, 1):
        assert CampaignPolicy.from_dict(values).target_max == maximum
        return
    with pytest.raises(SandboxError, match=r"^policy: max_redundancy must be an integer >= \d+, got "):
        CampaignPolicy.from_dict(values)
