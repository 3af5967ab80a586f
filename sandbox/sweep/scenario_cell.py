"""The project's cell: one simulated campaign (dataset, population, policy → aggregators → metrics).

Scenario dict::

    dataset = "snow_rte"               # registered name, synthetic:..., or a CSV/Parquet path
    population = "volunteers"          # preset name, TOML path, or a population table
    aggregators = ["mv", "wawa", "ds"]
    engine = "fast"                    # or "crowdkit"; sweepable like any key
    kind = "classification"            # a task kind: dataset, population and aggregators left at
                                       # the default kind's defaults become that kind's
    [aggregator_params.ds]             # hyperparameters of an aggregator (optional)
    n_iter = 50
    [policy]                           # CampaignPolicy fields (redundancy, gold_rate, ...)
    redundancy = 5
    [reference_model]                  # the campaign's stand-in language model (ReferenceSettings:
    model = "naive_bayes"              # model, train_share, accuracy, judge_*), for populations
                                       # whose members consult it (llm_assisted, language_model)

Every policy field may be written bare (``redundancy``, ``gold_rate``); ``population.*`` edits first
turn a preset name or file into its table. Rows: one per aggregator with the aggregator's scores
(``accuracy``, ``f1_macro``, ``coverage``, ``cost_per_correct_label``, ``skill_correlation``,
``cheater_auc``, ``downstream_accuracy``, ``downstream_accuracy_weighted``) and the campaign's
(``n_tasks``, ``n_workers``, ``n_labels``, ``cost``, ``krippendorff_alpha``,
``downstream_accuracy_clean`` and the QC counts). Wall-clock timings are left out so that a sweep's
table is identical whatever the machine. Engine modules are imported lazily (once per worker
process); datasets are cached per process.
"""

from __future__ import annotations

from dataclasses import asdict, fields
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from foundation.errors import SandboxError
from sandbox.sweep.cells import CellKind

if TYPE_CHECKING:
    from annotators.population import Population
    from sandbox.aggregation.registry import Engine
    from sandbox.datasets.dataset import Dataset
    from sandbox.metrics.outcome import Outcome
    from sandbox.simulation.policy import CampaignPolicy
    from sandbox.simulation.reference import ReferenceSettings

SCENARIO_KEYS = (
    "dataset",
    "population",
    "aggregators",
    "aggregator_params",
    "engine",
    "policy",
    "reference_model",
    "kind",
)
SCORE_FIELDS_LEFT_OUT = ("aggregator", "seconds", "extra")


def default_scenario() -> dict[str, Any]:
    """The default scenario: the CLI's defaults (policy defaults without the unset ``None`` ones),
    on the default task kind's dataset, population and aggregators."""
    from sandbox.kinds.base import default_kind
    from sandbox.simulation.policy import CampaignPolicy

    kind = default_kind()
    policy = {key: value for key, value in CampaignPolicy().to_dict().items() if value is not None}
    return {**kind.sweep_scenario(), "engine": "fast", "policy": policy, "kind": kind.name}


def with_kind_defaults(scenario: dict[str, Any]) -> dict[str, Any]:
    """``scenario`` with its dataset, population and aggregators, where still at the default kind's
    defaults, replaced by the defaults of its ``kind``; SandboxError for an unknown kind."""
    from sandbox.kinds.base import default_kind, task_kind

    default = default_kind()
    name = scenario.get("kind", default.name)
    if not isinstance(name, str):
        raise SandboxError(f"kind must be a kind's name, got {name!r}")
    kind = task_kind(name)
    resolved = dict(scenario)
    for key, value in default.sweep_scenario().items():
        if resolved.get(key) == value:
            resolved[key] = kind.sweep_scenario()[key]
    return resolved


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


def _policy(scenario: dict[str, Any]) -> CampaignPolicy:
    from sandbox.simulation.policy import CampaignPolicy

    table = scenario["policy"]
    if not isinstance(table, dict):
        raise SandboxError(f"policy must be a table, got {table!r}")
    return CampaignPolicy.from_dict(table, "sweep scenario: policy")


def _aggregators(scenario: dict[str, Any]) -> list[str]:
    """The scenario's aggregators, checked by its kind (with the kind's defaults filled in)."""
    from sandbox.aggregation.registry import split_names
    from sandbox.kinds.base import task_kind

    names = scenario["aggregators"]
    kind = task_kind(str(scenario.get("kind") or _default_kind_name()))
    if isinstance(names, str):
        return kind.methods(split_names(names))
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise SandboxError(f"aggregators must be a list of names, got {names!r}")
    return kind.methods([n.strip() for n in names if n.strip()])


def _default_kind_name() -> str:
    from sandbox.kinds.base import default_kind

    return default_kind().name


def _aggregator_params(scenario: dict[str, Any], names: list[str]) -> dict[str, dict[str, Any]]:
    """The scenario's ``aggregator_params`` (a table per aggregator), validated."""
    from sandbox.aggregation.registry import aggregator_spec

    table = scenario.get("aggregator_params", {})
    if not isinstance(table, dict):
        raise SandboxError(f"aggregator_params must be a table of tables, got {table!r}")
    params: dict[str, dict[str, Any]] = {}
    for name, values in table.items():
        if name not in names:
            raise SandboxError(
                f"aggregator_params.{name}: {name!r} is not one of the scenario's aggregators "
                f"({', '.join(names)})"
            )
        if not isinstance(values, dict):
            raise SandboxError(f"aggregator_params.{name} must be a table of hyperparameters, got {values!r}")
        params[name] = aggregator_spec(name).check_params(values, f"aggregator_params.{name}")
    return params


def _reference(scenario: dict[str, Any]) -> ReferenceSettings:
    """The scenario's ``reference_model`` table (the campaign's stand-in model), validated; defaults
    when absent."""
    from sandbox.simulation.reference import ReferenceSettings

    table = scenario.get("reference_model", {})
    if not isinstance(table, dict):
        raise SandboxError(f"reference_model must be a table of reference-model settings, got {table!r}")
    return ReferenceSettings.from_dict(table, "sweep scenario: reference_model")


def _engine(scenario: dict[str, Any]) -> Engine:
    from sandbox.aggregation.registry import check_engine

    return check_engine(str(scenario.get("engine", "fast")))


def run_scenario_cell(scenario: dict[str, Any], seed: int) -> list[dict[str, Any]]:
    """Run one scenario as an :class:`~sandbox.experiment.experiment.Experiment`; one row per
    aggregator. An aggregator that raises gets an error row; the others keep their scores."""
    from sandbox.experiment.experiment import Experiment

    scenario = with_kind_defaults(scenario)
    aggregators = _aggregators(scenario)
    experiment = Experiment(
        dataset=_dataset(str(scenario["dataset"])),
        population=_population(scenario["population"]),
        policy=_policy(scenario),
        aggregators=tuple(aggregators),
        engine=_engine(scenario),
        seed=seed,
        aggregator_params=_aggregator_params(scenario, aggregators),
        reference=_reference(scenario),
    )
    return _rows(experiment.run(isolate_errors=True), experiment.aggregators)


def _rows(outcome: Outcome, names: tuple[str, ...]) -> list[dict[str, Any]]:
    """One row per aggregator in ``names`` order: its scores with the campaign's columns, or its error."""
    assert outcome.campaign is not None  # a simulated outcome
    shared: dict[str, Any] = {
        "n_tasks": outcome.n_tasks,
        "n_workers": outcome.n_workers,
        "n_labels": outcome.n_labels,
        "cost": outcome.cost,
        "krippendorff_alpha": outcome.krippendorff_alpha,
        "downstream_accuracy_clean": outcome.downstream_accuracy_clean,
    }
    shared.update(asdict(outcome.campaign.stats))
    rows: dict[str, dict[str, Any]] = {
        name: {"aggregator": name, "error": message} for name, message in outcome.errors.items()
    }
    for score in outcome.scores:
        values = {f.name: getattr(score, f.name) for f in fields(score)}
        scores = {k: v for k, v in values.items() if k not in SCORE_FIELDS_LEFT_OUT}
        rows[score.aggregator] = {"aggregator": score.aggregator, **scores, **score.extra, **shared}
    return [rows[name] for name in names]


class ScenarioCell(CellKind):
    """CellKind of the engine's scenarios: population names expand, every cell is validated."""

    def __init__(self) -> None:
        super().__init__(
            run_scenario_cell,
            open_tables=frozenset({"population", "policy", "aggregator_params", "reference_model"}),
            preload=("sandbox.experiment.experiment", "sandbox.datasets", "annotators.population"),
            summary=("accuracy", "cost", "cost_per_correct_label", "skill_correlation"),
        )

    def defaults(self) -> dict[str, Any]:
        return default_scenario()

    def aliases(self) -> dict[str, str]:
        """Every policy field may be written bare: ``gold_rate`` → ``policy.gold_rate``."""
        from sandbox.simulation.policy import CampaignPolicy

        return {name: f"policy.{name}" for name in CampaignPolicy.model_fields}

    def expand(self, scenario: dict[str, Any], path: str) -> None:
        """Load a population preset or file (the kind's default one when left at the default) into its
        table before a ``population.*`` edit."""
        if path.startswith("population.") and not isinstance(scenario.get("population"), dict):
            from annotators.population import load_population_dict

            data, _ = load_population_dict(str(with_kind_defaults(scenario)["population"]))
            scenario["population"] = data

    def validate(self, scenario: dict[str, Any]) -> None:
        """Check keys, dataset, population, policy and aggregators before any work, and that the
        campaign fits the machine (redundancy within the pool, memory, assignment work)."""
        unknown = sorted(set(scenario) - set(SCENARIO_KEYS))
        if unknown:
            raise SandboxError(f"unknown scenario key {unknown[0]!r}; allowed: {', '.join(SCENARIO_KEYS)}")
        scenario = with_kind_defaults(scenario)
        from sandbox.simulation.campaign import check_campaign

        policy = _policy(scenario)
        _aggregator_params(scenario, _aggregators(scenario))
        _reference(scenario)
        _engine(scenario)
        population = _population(scenario["population"])
        dataset = _dataset(str(scenario["dataset"]))
        check_campaign(dataset.n_tasks, population.pool_size, policy)


SCENARIO_CELL = ScenarioCell()
