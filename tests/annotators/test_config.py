"""The one validation mechanism: strict models, one message naming the source, the key and what is allowed."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

import pytest
from pydantic import Field

from annotators.archetypes import ARCHETYPES_BY_KIND
from annotators.parameters import Probability
from annotators.population import Population
from foundation.config import ConfigModel, describe, validate, validate_value
from foundation.errors import SandboxError

GOOD: dict[str, Any] = {
    "pool_size": 10,
    "archetypes": {
        "honest": {"share": 0.7, "skill": {"alpha": 3, "beta": 1}},
        "uniform_spammer": {"share": 0.3},
    },
}


class Inner(ConfigModel):
    """A nested table."""

    rate: Annotated[float, Field(ge=0, le=1)] = 0.5


class Outer(ConfigModel):
    """A model exercising every kind of message."""

    count: Annotated[int, Field(ge=1)]
    mode: Literal["fast", "slow"] = "fast"
    inner: Inner = Inner()
    items: list[Annotated[float, Field(gt=0)]] = Field(default_factory=list)


class Spec(ConfigModel):
    """Keys named as TOML does."""

    toml_keys: ClassVar[bool] = True
    seeds: Annotated[int, Field(ge=1)] = 1
    table: dict[str, Any] = Field(default_factory=dict)
    grid: dict[str, Annotated[list[Any], Field(min_length=1)]] = Field(default_factory=dict)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"count": 0}, "f.toml: count must be an integer >= 1, got 0"),
        ({"count": True}, "f.toml: count must be an integer >= 1, got True"),
        ({"count": 2.0}, "f.toml: count must be an integer >= 1, got 2.0"),
        ({}, "f.toml: missing key 'count' (an integer >= 1)"),
        ({"count": 1, "mode": "warp"}, "f.toml: mode must be one of fast, slow, got 'warp'"),
        ({"count": 1, "speed": 3}, "f.toml: unknown key 'speed'; allowed: count, mode, inner, items"),
        ({"count": 1, "inner": {"rate": 2}}, "f.toml: inner.rate must be a number in [0, 1], got 2"),
        (
            {"count": 1, "inner": {"rate": float("nan")}},
            "f.toml: inner.rate must be a number in [0, 1] and finite, got nan",
        ),
        ({"count": 1, "inner": {"x": 1}}, "f.toml: inner: unknown key 'x'; allowed: rate"),
        ({"count": 1, "inner": 3}, "f.toml: inner must be a table, got 3"),
        ({"count": 1, "items": [1.0, -2]}, "f.toml: items[1] must be a number > 0, got -2"),
        ("x", "f.toml must be a table, got 'x'"),
    ],
)
def test_messages_name_source_key_and_allowed(data: Any, message: str) -> None:
    with pytest.raises(SandboxError) as error:
        validate(Outer, data, "f.toml")
    assert str(error.value) == message


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"seeds": 0}, "s.toml: 'seeds' must be an integer >= 1, got 0"),
        ({"table": 3}, "s.toml: [table] must be a table, got 3"),
        ({"grid": {"a.b": []}}, "s.toml: [grid] 'a.b' must be a non-empty list of values, got []"),
    ],
)
def test_toml_keys_style(data: dict[str, Any], message: str) -> None:
    with pytest.raises(SandboxError) as error:
        validate(Spec, data, "s.toml")
    assert str(error.value) == message


def test_keyword_construction_is_validated_too() -> None:
    assert Outer(count=2).inner.rate == 0.5
    with pytest.raises(SandboxError, match="Outer: count must be an integer >= 1, got 0"):
        Outer(count=0)


def test_nested_tables_are_validated_by_pydantic_not_by_the_keyword_wrapper() -> None:
    # The wrapper must not run for nested tables: the error keeps its full dotted key.
    with pytest.raises(SandboxError, match=r"^f\.toml: inner\.rate must be"):
        validate(Outer, {"count": 1, "inner": {"rate": -1}}, "f.toml")


@pytest.mark.parametrize(
    ("annotation", "words"),
    [
        (Annotated[int, Field(ge=1)], "an integer >= 1"),
        (Annotated[float, Field(ge=0, le=1)], "a number in [0, 1]"),
        (Annotated[float, Field(gt=0)], "a number > 0"),
        (Annotated[float, Field(gt=0, lt=1)], "a number in (0, 1)"),
        (Literal["a", "b"], "one of a, b"),
        (Literal[1], "1"),
        (Annotated[int, Field(ge=0)] | None, "an integer >= 0"),
        (Probability, "a number between 0 and 1"),
        (dict[str, Any], "a table"),
        (Inner, "a table"),
        (bool, "true or false"),
    ],
)
def test_describe_puts_constraints_into_words(annotation: Any, words: str) -> None:
    assert describe(annotation) == words


def test_validate_value_checks_one_value() -> None:
    share = Annotated[float, Field(ge=0, le=1)]
    assert validate_value(share, 1, "x.share") == 1.0
    for bad in (1.5, True, "0.5", float("nan")):
        with pytest.raises(SandboxError, match=r"^x\.share must be a number in \[0, 1\], got "):
            validate_value(share, bad, "x.share")


# Hand-written expectations: the message before this change, then the one now (same fragments).
@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            {"pool_size": 0},
            # before: "crowd.toml: pool_size must be an integer >= 1, got 0"
            "crowd.toml: pool_size must be an integer >= 1, got 0",
        ),
        (
            {"cost_per_label": float("nan")},
            # before: accepted (NaN passed `value < 0`)
            "crowd.toml: cost_per_label must be a number >= 0 and finite, got nan",
        ),
        (
            {"archetypes": {"honest": {"share": 1.0, "skill": {"alpha": float("inf"), "beta": 1}}}},
            # before: accepted (inf > 0)
            "crowd.toml: archetypes.honest.skill.alpha must be > 0 and finite, got inf",
        ),
        (
            {"archetypes": {"honest": {"share": 1.7}}},
            # before: "crowd.toml: archetypes.honest.share must be between 0 and 1, got 1.7"
            "crowd.toml: archetypes.honest.share must be a number between 0 and 1, got 1.7",
        ),
        (
            {"archetypes": {"honest": {"share": 1.0, "skill": {"mean": 0.7}}}},
            "crowd.toml: archetypes.honest.skill must be a number in [0, 1], { alpha = A, beta = B } or "
            "{ values = [p1, p2, ...] } (non-empty), got {'mean': 0.7}",
        ),
        (
            {"archetypes": {"honest": {"share": 1.0, "confusion": [[0.5, 0.5], [0.3, 0.3]]}}},
            "crowd.toml: archetypes.honest.confusion rows must be non-negative and sum to 1",
        ),
        (
            {"archetypes": {"colluding_ring": {"share": 1.0, "rings": 0}}},
            "crowd.toml: archetypes.colluding_ring.rings must be an integer >= 1, got 0",
        ),
        (
            {"archetypes": {"honest": {"skill": 0.5}}},
            "crowd.toml: archetypes.honest: missing key 'share' (a number between 0 and 1)",
        ),
        (
            {"archetypes": {}},
            "crowd.toml: needs at least one [archetypes.NAME] table; archetypes: honest, uniform_spammer, "
            "fixed_spammer, adversary, gold_aware_cheater, colluding_ring, majority_guesser, fatigue, "
            "copier, llm_assisted, language_model",
        ),
        (
            {"activity": {"zipf": 6}},
            "crowd.toml: activity.zipf must be a number in [0, 5], got 6",
        ),
        (
            {"activity": "bursty"},
            "crowd.toml: activity must be \"uniform\" or { zipf = s } with 0 <= s <= 5, got 'bursty'",
        ),
        (
            {"kind": "ranking"},
            f"crowd.toml: unknown kind 'ranking'; allowed: {', '.join(ARCHETYPES_BY_KIND)}",
        ),
        (
            {"schema_version": 2},
            "crowd.toml: schema_version must be 1 (the only version so far), got 2",
        ),
    ],
)
def test_population_messages(edit: dict[str, Any], message: str) -> None:
    with pytest.raises(SandboxError) as error:
        Population.from_dict({**GOOD, **edit}, "crowd.toml")
    assert str(error.value) == message


def test_schema_version_1_is_accepted() -> None:
    assert Population.from_dict({**GOOD, "schema_version": 1}, "crowd.toml").pool_size == 10


def test_members_keep_the_order_of_the_file() -> None:
    reversed_tables = dict(reversed(list(GOOD["archetypes"].items())))
    population = Population.from_dict({**GOOD, "archetypes": reversed_tables}, "crowd.toml")
    assert [m.archetype.name for m in population.members] == ["uniform_spammer", "honest"]
    assert population.worker_counts().tolist() == [3, 7]
