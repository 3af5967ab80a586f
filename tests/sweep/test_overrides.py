"""KEY=VALUE typing, dotted-path edits and the archetype-share rescaling rule."""

from __future__ import annotations

import math

import pytest

from foundation.errors import SandboxError
from sandbox.sweep.overrides import (
    parse_grid,
    parse_set,
    parse_value,
    rescale_shares,
    set_path,
    split_top_level,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3", 3),
        ("0.25", 0.25),
        ("true", True),
        ("snow_rte", "snow_rte"),
        ('"3"', "3"),
        ("[1, 2]", [1, 2]),
        ("paid_curation", "paid_curation"),
        ("examples/pop.toml", "examples/pop.toml"),
    ],
)
def test_values_are_typed_as_toml(text: str, expected: object) -> None:
    value = parse_value(text)
    assert value == expected
    assert type(value) is type(expected)


def test_grid_splits_on_top_level_commas_only() -> None:
    assert split_top_level('1,[2,3],"a,b"') == ["1", "[2,3]", '"a,b"']
    assert parse_grid("redundancy=1,3,5") == ("redundancy", [1, 3, 5])
    assert parse_grid("aggregators=[mv],[mv,ds]")[1] == ["[mv]", "[mv,ds]"]
    assert parse_set("population.pool_size=500") == ("population.pool_size", 500)


@pytest.mark.parametrize("text", ["redundancy", "=3", ""])
def test_assignment_without_key_or_value_is_an_error(text: str) -> None:
    with pytest.raises(SandboxError, match="KEY=VALUE"):
        parse_set(text)


def test_unknown_key_names_the_key_and_the_allowed_ones() -> None:
    scenario = {"dataset": "snow_rte", "policy": {"redundancy": 3, "gold": 0}}
    with pytest.raises(SandboxError) as error:
        set_path(scenario, "policy.redundancy_k", 5)
    message = str(error.value)
    assert "'policy.redundancy_k'" in message
    assert "allowed: gold, redundancy" in message
    with pytest.raises(SandboxError, match="allowed: dataset, policy"):
        set_path(scenario, "datset", "x")


def test_number_cannot_become_text_and_values_cannot_become_tables() -> None:
    scenario = {"policy": {"redundancy": 3}, "dataset": "snow_rte"}
    with pytest.raises(SandboxError, match="must be a number"):
        set_path(scenario, "policy.redundancy", "three")
    with pytest.raises(SandboxError, match="not a table"):
        set_path(scenario, "dataset.name", "x")


def test_open_tables_accept_new_keys() -> None:
    scenario: dict[str, object] = {"population": {"pool_size": 10}}
    population = frozenset({"population"})
    set_path(scenario, "population.archetypes.honest.skill", 0.9, open_tables=population)
    assert scenario == {"population": {"pool_size": 10, "archetypes": {"honest": {"skill": 0.9}}}}


def test_other_shares_are_rescaled_proportionally() -> None:
    # volunteers-like mixture: honest .75, uniform spammer .15, fixed spammer .05, adversary .05
    archetypes = {
        "honest": {"share": 0.75},
        "uniform_spammer": {"share": 0.15},
        "fixed_spammer": {"share": 0.05},
        "adversary": {"share": 0.05},
    }
    rescale_shares(archetypes, {"uniform_spammer": 0.3}, "population.archetypes")
    # the others held 0.85 and must now hold 0.70: each is multiplied by 0.70 / 0.85
    assert archetypes["uniform_spammer"]["share"] == 0.3
    assert math.isclose(archetypes["honest"]["share"], 0.75 * 0.70 / 0.85)
    assert math.isclose(archetypes["adversary"]["share"], 0.05 * 0.70 / 0.85)
    assert math.isclose(sum(a["share"] for a in archetypes.values()), 1.0)


def test_two_pinned_shares_and_a_new_archetype() -> None:
    archetypes = {"honest": {"share": 0.8}, "adversary": {"share": 0.2}}
    rescale_shares(archetypes, {"colluding_ring": 0.1, "adversary": 0.3}, "archetypes")
    assert archetypes == {
        "honest": {"share": pytest.approx(0.6)},
        "adversary": {"share": 0.3},
        "colluding_ring": {"share": 0.1},
    }


@pytest.mark.parametrize(
    ("pinned", "message"),
    [
        ({"adversary": 0.7, "honest": 0.6}, "more than 1"),
        ({"adversary": 1.5}, r"in \[0, 1\]"),
        ({"adversary": 0.3, "honest": 0.3}, "no other archetype"),
    ],
)
def test_impossible_shares_are_errors(pinned: dict[str, float], message: str) -> None:
    archetypes = {"honest": {"share": 0.8}, "adversary": {"share": 0.2}}
    with pytest.raises(SandboxError, match=message):
        rescale_shares(archetypes, pinned, "population.archetypes")
