"""The wanted behaviour for numbers in populations and policies (issue 13, item 8's silent
acceptance): NaN or infinity anywhere is refused with one line naming the key."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotators.population import Population
from foundation.errors import SandboxError
from sandbox.simulation.policy import CampaignPolicy
from tests.fuzz.strategies import examples

NOT_FINITE = st.sampled_from([math.nan, math.inf, -math.inf])


def population(**changes: Any) -> dict[str, Any]:
    honest: dict[str, Any] = {"share": 1.0, "skill": {"alpha": 6.0, "beta": 2.0}}
    data: dict[str, Any] = {"pool_size": 20, "cost_per_label": 0.1, "archetypes": {"honest": honest}}
    for key, value in changes.items():
        if key in ("alpha", "beta"):
            honest["skill"][key] = value
        else:
            data[key] = value
    return data


@settings(max_examples=examples(10))
@given(key=st.sampled_from(["alpha", "beta", "cost_per_label", "fixed_cost"]), value=NOT_FINITE)
def test_population_numbers_must_be_finite(key: str, value: float) -> None:
    with pytest.raises(SandboxError, match=key):
        Population.from_dict(population(**{key: value}), "crowd.toml")


@settings(max_examples=examples(6))
@given(key=st.sampled_from(["difficulty_alpha", "difficulty_beta"]), value=NOT_FINITE)
def test_policy_numbers_must_be_finite(key: str, value: float) -> None:
    with pytest.raises(SandboxError, match=key):
        CampaignPolicy.from_dict({key: value})
