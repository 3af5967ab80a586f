"""The project's cell: one simulated campaign (dataset, population, policy → aggregators → metrics).

Adapter between the sweep machinery and the engine: the scenario dict is
``{dataset, population, policy, aggregators}``; ``population`` is a preset name, a TOML path or a
population table (a dotted edit such as ``population.archetypes.adversary.share=0.1`` first turns
a name into its table). The engine modules are imported lazily so that the sweep machinery works
on its own.
"""

from __future__ import annotations

import importlib
from typing import Any

from sandbox.errors import SandboxError
from sandbox.sweep.cells import CellKind

DEFAULT_SCENARIO: dict[str, Any] = {
    "dataset": "snow_rte",
    "population": "volunteers",
    "aggregators": ["mv", "wawa", "ds", "glad", "mace"],
    "policy": {"redundancy": 3},
}


def _engine(module: str, attribute: str) -> Any:
    try:
        return getattr(importlib.import_module(module), attribute)
    except (ImportError, AttributeError) as error:
        raise SandboxError(
            f"the default sweep cell needs {module}.{attribute}, which this build lacks ({error})"
        ) from error


def run_scenario_cell(scenario: dict[str, Any], seed: int) -> list[dict[str, Any]]:
    """Run one campaign; one row of metrics per aggregator (the cell-function contract)."""
    run_scenario = _engine("sandbox.experiment", "run_scenario")
    rows: list[dict[str, Any]] = run_scenario(scenario, seed)
    return rows


class ScenarioCell(CellKind):
    """CellKind of the engine's scenarios: population names expand, every cell is validated."""

    def __init__(self) -> None:
        super().__init__(run_scenario_cell, DEFAULT_SCENARIO, frozenset({"population"}))

    def expand(self, scenario: dict[str, Any], path: str) -> None:
        """Load a population preset or file into its table before a ``population.*`` edit."""
        if path.startswith("population.") and not isinstance(scenario.get("population"), dict):
            load = _engine("annotators.population", "load_population_dict")
            scenario["population"] = dict(load(scenario["population"]))

    def validate(self, scenario: dict[str, Any]) -> None:
        """Check the population, dataset and aggregator names before any work."""
        unknown = sorted(set(scenario) - set(DEFAULT_SCENARIO))
        if unknown:
            allowed = ", ".join(sorted(DEFAULT_SCENARIO))
            raise SandboxError(f"unknown scenario key {unknown[0]!r}; allowed: {allowed}")
        validate = getattr(importlib.import_module("sandbox.experiment"), "validate_scenario", None)
        if validate is not None:
            validate(scenario)


SCENARIO_CELL = ScenarioCell()
