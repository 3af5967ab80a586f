"""The sweep spec model: schema_version, typed keys, and any input is a spec or one SandboxError."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foundation.errors import SandboxError
from sandbox.sweep.spec import spec_from_dict
from tests.sweep.cells import REF


def test_schema_version_is_optional_and_only_1_is_read() -> None:
    assert spec_from_dict({"cell": REF, "schema_version": 1}).seeds == 3
    with pytest.raises(
        SandboxError, match=r"^s\.toml: 'schema_version' must be 1 \(the only version so far\)"
    ):
        spec_from_dict({"cell": REF, "schema_version": 2}, source="s.toml")


def test_command_line_grids_are_checked_like_the_file_s() -> None:
    with pytest.raises(SandboxError, match=r"\[grid\] 'redundancy' has repeated values: \[3, 3\]"):
        spec_from_dict({"cell": REF}, grids={"redundancy": [3, 3]})
    spec = spec_from_dict({"cell": REF, "grid": {"skill": [0.5]}}, grids={"redundancy": [1, 2.5]})
    assert spec.grid == {"skill": [0.5], "redundancy": [1.0, 2.5]}


def test_command_line_sets_are_kept_as_given() -> None:
    spec = spec_from_dict({"set": {"policy": {"redundancy": 3}}}, sets={"population": {"pool_size": 9}})
    assert spec.settings == {"policy.redundancy": 3, "population": {"pool_size": 9}}


NOT_AN_INTEGER = st.one_of(
    st.booleans(),
    st.text(max_size=5),
    st.floats(),
    st.lists(st.integers(), max_size=2),
    st.sampled_from([math.nan, math.inf]),
)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["seed", "seeds"]), NOT_AN_INTEGER)
def test_a_non_integer_seed_is_an_error_naming_its_key(key: str, value: Any) -> None:
    with pytest.raises(SandboxError) as error:
        spec_from_dict({key: value}, source="s.toml")
    assert str(error.value).startswith(f"s.toml: '{key}' must be an integer >= "), str(error.value)


values = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=5))
anything = st.recursive(
    values,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=4), children, max_size=3)
    ),
    max_leaves=10,
)
spec_keys = st.sampled_from(
    [
        "name",
        "description",
        "seed",
        "seeds",
        "cell",
        "scenario",
        "set",
        "grid",
        "reference",
        "schema_version",
        "x",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(spec_keys, anything, max_size=5), st.one_of(st.none(), st.integers(-2, 5)))
def test_any_input_is_a_spec_or_one_sandbox_error(raw: dict[str, Any], seeds: int | None) -> None:
    try:
        spec = spec_from_dict(raw, source="s.toml", seeds=seeds)
    except SandboxError as error:
        assert "\n" not in str(error)
        return
    assert spec.seeds >= 1 and spec.seed >= 0
    assert all(isinstance(v, list) and v for v in spec.grid.values())
