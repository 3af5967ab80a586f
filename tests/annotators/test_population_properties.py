"""Property-based checks of population files: any bad value is one SandboxError naming its key; any
valid file round-trips through ``to_dict``; no input makes ``from_dict`` raise anything else."""

from __future__ import annotations

import copy
import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from annotators.archetypes.classification import ARCHETYPES
from annotators.population import Population
from foundation.errors import SandboxError

SOURCE = "crowd.toml"
BASE: dict[str, Any] = {
    "pool_size": 20,
    "cost_per_label": 0.1,
    "activity": {"zipf": 1.0},
    "archetypes": {
        "honest": {"share": 0.4, "skill": {"alpha": 3.0, "beta": 1.0}},
        "adversary": {"share": 0.1, "malice": {"values": [0.5, 0.9]}},
        "fatigue": {"share": 0.2, "half_life": 10.0},
        "colluding_ring": {"share": 0.2, "rings": 2, "label": 1},
        "fixed_spammer": {"share": 0.1, "label": 0},
    },
}

#: Path of every numeric key in BASE, whether it takes integers only, and the key messages name.
NUMERIC_KEYS: list[tuple[tuple[Any, ...], bool, str]] = [
    (("pool_size",), True, "pool_size"),
    (("cost_per_label",), False, "cost_per_label"),
    (("fixed_cost",), False, "fixed_cost"),
    (("activity", "zipf"), False, "activity.zipf"),
    (("archetypes", "honest", "share"), False, "archetypes.honest.share"),
    (("archetypes", "honest", "skill", "alpha"), False, "archetypes.honest.skill.alpha"),
    (("archetypes", "honest", "skill", "beta"), False, "archetypes.honest.skill.beta"),
    (("archetypes", "adversary", "malice", "values", 1), False, "archetypes.adversary.malice.values[1]"),
    (("archetypes", "fatigue", "half_life"), False, "archetypes.fatigue.half_life"),
    (("archetypes", "colluding_ring", "rings"), True, "archetypes.colluding_ring.rings"),
    (("archetypes", "fixed_spammer", "label"), True, "archetypes.fixed_spammer.label"),
]

NOT_A_NUMBER = st.one_of(
    st.booleans(),
    st.text(max_size=5),
    st.none(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.sampled_from([math.nan, math.inf, -math.inf]),
)
NOT_AN_INTEGER = st.one_of(NOT_A_NUMBER, st.floats(allow_nan=False, allow_infinity=False))


def with_value(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    node: Any = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return data


def test_base_is_valid() -> None:
    assert Population.from_dict(BASE, SOURCE).pool_size == 20


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(NUMERIC_KEYS), st.data())
def test_a_non_number_is_an_error_naming_its_key(key: tuple[tuple[Any, ...], bool, str], data: Any) -> None:
    path, integer, name = key
    value = data.draw(NOT_AN_INTEGER if integer else NOT_A_NUMBER)
    if value is None and name.endswith(".label"):
        value = "none"  # an unset label is allowed (None: drawn per worker)
    try:
        Population.from_dict(with_value(path, value), SOURCE)
    except SandboxError as error:
        assert str(error).startswith(f"{SOURCE}: {name} must be "), str(error)
    else:
        raise AssertionError(f"{name} = {value!r} was accepted")


#: Numeric keys, whether they take integers only, and the range allowed (bounds included or not).
RANGES: list[tuple[tuple[Any, ...], bool, str, float, float, bool]] = [
    (("pool_size",), True, "pool_size", 1, math.inf, True),
    (("cost_per_label",), False, "cost_per_label", 0, math.inf, True),
    (("fixed_cost",), False, "fixed_cost", 0, math.inf, True),
    (("activity", "zipf"), False, "activity.zipf", 0, 5, True),
    (("archetypes", "honest", "skill", "alpha"), False, "archetypes.honest.skill.alpha", 0, math.inf, False),
    (("archetypes", "fatigue", "half_life"), False, "archetypes.fatigue.half_life", 0, math.inf, False),
    (("archetypes", "colluding_ring", "rings"), True, "archetypes.colluding_ring.rings", 1, math.inf, True),
]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(RANGES), st.data())
def test_a_number_is_accepted_exactly_in_its_range(
    key: tuple[tuple[Any, ...], bool, str, float, float, bool], data: Any
) -> None:
    path, integer, name, low, high, closed = key
    value = data.draw(st.integers(-1000, 1000) if integer else st.floats(-1e9, 1e9))
    inside = (low <= value if closed else low < value) and value <= high
    try:
        Population.from_dict(with_value(path, value), SOURCE)
    except SandboxError as error:
        assert not inside, str(error)
        assert str(error).startswith(f"{SOURCE}: {name} must be "), str(error)
    else:
        assert inside, f"{name} = {value!r} was accepted"


probabilities = st.floats(0, 1)
positives = st.floats(0.01, 1e6)
skills = st.one_of(
    probabilities,
    st.builds(lambda a, b: {"alpha": a, "beta": b}, positives, positives),
    st.builds(lambda v: {"values": v}, st.lists(probabilities, min_size=1, max_size=4)),
)
PARAMETERS: dict[str, Any] = {
    "honest": st.fixed_dictionaries(
        {}, optional={"skill": skills, "mistakes": st.sampled_from(["auto", "uniform"])}
    ),
    "adversary": st.fixed_dictionaries({}, optional={"malice": skills}),
    "gold_aware_cheater": st.fixed_dictionaries({}, optional={"gold_skill": skills}),
    "fatigue": st.fixed_dictionaries({}, optional={"skill": skills, "half_life": positives}),
    "fixed_spammer": st.fixed_dictionaries({}, optional={"label": st.integers(0, 5)}),
    "colluding_ring": st.fixed_dictionaries(
        {}, optional={"strategy": st.sampled_from(["wrong", "random"]), "rings": st.integers(1, 5)}
    ),
}


@st.composite
def populations(draw: st.DrawFn) -> dict[str, Any]:
    """A valid population file (as a dict)."""
    names = draw(st.lists(st.sampled_from(list(ARCHETYPES)), min_size=1, max_size=4, unique=True))
    weights = draw(st.lists(st.integers(1, 100), min_size=len(names), max_size=len(names)))
    tables = {}
    for name, weight in zip(names, weights, strict=True):
        parameters = PARAMETERS.get(name, st.just({}))
        tables[name] = {"share": weight / sum(weights), **draw(parameters)}
    data: dict[str, Any] = {"pool_size": draw(st.integers(1, 10_000)), "archetypes": tables}
    optional = {
        "cost_per_label": st.floats(0, 100),
        "fixed_cost": st.floats(0, 1e6),
        "description": st.text(max_size=20),
        "activity": st.one_of(st.just("uniform"), st.builds(lambda s: {"zipf": s}, st.floats(0, 5))),
        "schema_version": st.just(1),
    }
    for key, strategy in optional.items():
        if draw(st.booleans()):
            data[key] = draw(strategy)
    return data


@settings(max_examples=200, deadline=None)
@given(populations())
def test_valid_files_round_trip_through_to_dict(data: dict[str, Any]) -> None:
    population = Population.from_dict(data, SOURCE)
    again = Population.from_dict(population.to_dict(), "round trip")
    assert again.to_dict() == population.to_dict()
    assert population.pool_size == data["pool_size"]
    assert [m.archetype.name for m in population.members] == list(data["archetypes"])
    for member in population.members:
        table = data["archetypes"][member.archetype.name]
        assert member.share == table["share"]
        written = population.to_dict()["archetypes"][member.archetype.name]
        for key, value in table.items():
            assert written[key] == value


toml_like = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=6)),
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(
            st.one_of(
                st.sampled_from(["share", "skill", "alpha", "beta", "values", "zipf", "label"]),
                st.text(max_size=4),
            ),
            children,
            max_size=3,
        ),
    ),
    max_leaves=12,
)
top_level = st.dictionaries(
    st.sampled_from(
        [
            "kind",
            "name",
            "description",
            "pool_size",
            "cost_per_label",
            "fixed_cost",
            "activity",
            "archetypes",
            "x",
        ]
    ),
    toml_like,
)


@settings(max_examples=300, deadline=None)
@given(top_level, st.dictionaries(st.sampled_from([*ARCHETYPES, "bot"]), toml_like, max_size=3))
def test_any_input_is_a_population_or_one_sandbox_error(data: dict[str, Any], tables: dict[str, Any]) -> None:
    if tables:
        data = {**data, "archetypes": tables}
    try:
        Population.from_dict(data, SOURCE)
    except SandboxError as error:
        assert str(error).startswith(SOURCE) and "\n" not in str(error)
