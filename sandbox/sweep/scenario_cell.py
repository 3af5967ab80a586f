"""The project's cell: one simulated campaign (dataset, population, policy → aggregators → metrics).

Scenario dict::

    dataset = "snow_rte"               # registered name, synthetic:..., or a CSV/Parquet path
    population = "volunteers"          # preset name, TOML path, or a population table
    aggregators = ["mv", "wawa", "ds", "onecoin_ds"]
    policy = { redundancy = 5 }        # answers per task

A dotted edit under ``population.`` (e.g. ``population.archetypes.adversary.share=0.1``) first
turns a preset name or file into its table. Rows: one per aggregator with ``accuracy``,
``f1_macro``, ``cost_per_correct_label``, ``skill_correlation`` and the campaign's ``n_tasks``,
``n_workers``, ``n_labels``, ``cost``. Wall-clock timings are left out so that a sweep's table
is identical whatever the machine. Engine modules are imported lazily (spawned workers pay for
them once; datasets are cached per process).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sandbox.errors import SandboxError
from sandbox.sweep.cells import CellKind

if TYPE_CHECKING:
    from annotators.population import Population
    from sandbox.datasets import Dataset

DEFAULT_SCENARIO: dict[str, Any] = {
    "dataset": "snow_rte",
    "population": "volunteers",
    "aggregators": ["mv", "wawa", "ds", "onecoin_ds"],
    "policy": {"redundancy": 5},
}


@lru_cache(maxsize=8)
def _dataset(name: str) -> Dataset:
    from sandbox.datasets import load_dataset

    return load_dataset(name)


def _population(value: Any) -> Population:
    from annotators.population import Population, load_population

    if isinstance(value, dict):
        return Population.from_dict(value, "sweep scenario: population")
    if isinstance(value, str):
        return load_population(value)
    raise SandboxError(f"population must be a preset name, a path or a table, got {value!r}")


def _redundancy(scenario: dict[str, Any]) -> int:
    value = scenario["policy"].get("redundancy")
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise SandboxError(f"policy.redundancy must be an integer >= 1, got {value!r}")
    return value


def _aggregators(scenario: dict[str, Any]) -> list[str]:
    from sandbox.aggregation import parse_aggregators

    names = scenario["aggregators"]
    if isinstance(names, str):
        return parse_aggregators(names)
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise SandboxError(f"aggregators must be a list of names, got {names!r}")
    return parse_aggregators(",".join(names))


def run_scenario_cell(scenario: dict[str, Any], seed: int) -> list[dict[str, Any]]:
    """Simulate, aggregate and score one scenario; one row per aggregator."""
    from sandbox.experiment import run_simulation

    outcome = run_simulation(
        _dataset(str(scenario["dataset"])),
        _population(scenario["population"]),
        _redundancy(scenario),
        _aggregators(scenario),
        seed,
    )
    campaign = {
        "n_tasks": outcome.n_tasks,
        "n_workers": outcome.n_workers,
        "n_labels": outcome.n_labels,
        "cost": outcome.cost,
    }
    return [
        {
            "aggregator": score.aggregator,
            "accuracy": score.accuracy,
            "f1_macro": score.f1_macro,
            "cost_per_correct_label": score.cost_per_correct_label,
            "skill_correlation": score.skill_correlation,
            **campaign,
        }
        for score in outcome.scores
    ]


class ScenarioCell(CellKind):
    """CellKind of the engine's scenarios: population names expand, every cell is validated."""

    def __init__(self) -> None:
        super().__init__(
            run_scenario_cell,
            DEFAULT_SCENARIO,
            open_tables=frozenset({"population"}),
            preload=("sandbox.experiment", "sandbox.datasets", "annotators.population"),
            summary=("accuracy", "cost", "cost_per_correct_label", "skill_correlation"),
        )

    def expand(self, scenario: dict[str, Any], path: str) -> None:
        """Load a population preset or file into its table before a ``population.*`` edit."""
        if path.startswith("population.") and not isinstance(scenario.get("population"), dict):
            from annotators.population import load_population_dict

            data, _ = load_population_dict(str(scenario["population"]))
            scenario["population"] = data

    def validate(self, scenario: dict[str, Any]) -> None:
        """Check keys, dataset, population, redundancy and aggregators before any work."""
        unknown = sorted(set(scenario) - set(DEFAULT_SCENARIO))
        if unknown:
            allowed = ", ".join(sorted(DEFAULT_SCENARIO))
            raise SandboxError(f"unknown scenario key {unknown[0]!r}; allowed: {allowed}")
        unknown = sorted(set(scenario["policy"]) - set(DEFAULT_SCENARIO["policy"]))
        if unknown:
            allowed = ", ".join(sorted(DEFAULT_SCENARIO["policy"]))
            raise SandboxError(f"unknown policy key {unknown[0]!r}; allowed: {allowed}")
        _redundancy(scenario)
        _aggregators(scenario)
        _population(scenario["population"])
        _dataset(str(scenario["dataset"]))


SCENARIO_CELL = ScenarioCell()
