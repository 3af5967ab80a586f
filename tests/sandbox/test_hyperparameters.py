"""Hyperparameters are declared on the classes: their defaults are crowd-kit's where crowd-kit has
the method, every declared value is validated (Hypothesis), and an aggregator built with a value
uses it."""

from __future__ import annotations

import math
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foundation.errors import SandboxError
from sandbox.aggregation.registry import AGGREGATORS, aggregator_spec

SPECS = list(AGGREGATORS.values())
#: Keywords the project fixes on crowd-kit's side (crowd-kit's BradleyTerry has no default n_iter).
FIXED = {("bt", "n_iter")}


@pytest.mark.parametrize("spec", [s for s in SPECS if len(s.engines) == 2], ids=lambda s: s.name)
def test_defaults_are_crowdkits(spec: Any) -> None:
    crowdkit = spec.engines["crowdkit"].model_class()
    theirs = {f.name: f.default for f in attrs.fields(crowdkit) if f.init}
    for name, declared in spec.hyperparameters().items():
        if name in theirs and (spec.name, name) not in FIXED:
            assert declared.default == theirs[name], (spec.name, name)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_defaults_pass_their_own_validation(spec: Any) -> None:
    declared = spec.hyperparameters()
    defaults = {name: parameter.default for name, parameter in declared.items()}
    assert spec.check_params(defaults) == defaults


HOSTILE = st.one_of(
    st.just(math.nan),
    st.just(math.inf),
    st.just(-math.inf),
    st.booleans(),
    st.text(max_size=5),
    st.integers(min_value=10**12),
    st.integers(max_value=-1),
    st.lists(st.integers(), max_size=2),
)


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_values_outside_what_is_allowed_are_refused(data: st.DataObject) -> None:
    spec = data.draw(st.sampled_from([s for s in SPECS if s.hyperparameters()]))
    name = data.draw(st.sampled_from(sorted(spec.hyperparameters())))
    value = data.draw(HOSTILE)
    declared = spec.hyperparameters()[name]
    try:
        checked = spec.check_params({name: value})
    except SandboxError as error:
        assert name in str(error) and "\n" not in str(error)
        return
    # what passes is within the declared type: a bool only for a bool, a finite number for a number
    result = checked[name]
    default = declared.default
    if isinstance(default, bool):
        assert isinstance(result, bool)
    elif isinstance(default, int | float):
        assert not isinstance(result, bool) and math.isfinite(result)


def test_unknown_names_are_refused_naming_the_allowed_ones() -> None:
    with pytest.raises(SandboxError, match="unknown hyperparameter 'n_iters'; allowed: n_iter, tol"):
        aggregator_spec("ds").check_params({"n_iters": 5})


def test_the_iteration_limit_is_what_work_is_estimated_from() -> None:
    ds = aggregator_spec("ds")
    assert ds.passes() == 100 and ds.passes({"n_iter": 7}) == 7
    assert aggregator_spec("mv").passes() == 1 and aggregator_spec("wawa").passes() == 2


def test_a_set_value_reaches_the_model() -> None:
    for engine in ("fast", "crowdkit"):
        _, implementation = aggregator_spec("ds").implementation(engine)  # type: ignore[arg-type]
        assert implementation.build({"n_iter": 3}).n_iter == 3
