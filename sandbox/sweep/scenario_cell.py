"""The project's cell: one simulated campaign (dataset, population, policy → aggregators → metrics).

Scenario dict::

    dataset = "snow_rte"               # registered name, synthetic:..., or a CSV/Parquet path
    population = "volunteers"          # preset name, TOML path, or a population table
    aggregators = ["mv", "wawa", "ds"]
    engine = "fast"                    # or "crowdkit" (sandbox.aggregation.aggregate); sweepable like any key
    [policy]                           # CampaignPolicy fields (redundancy, gold_rate, ...)
    redundancy = 5

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

from annotators.errors import SandboxError
from sandbox.sweep.cells import CellKind, describe_error

if TYPE_CHECKING:
    from annotators.population import Population
    from sandbox.datasets import Dataset
    from sandbox.experiment.experiment import Outcome
    from sandbox.simulation.campaign import Campaign
    from sandbox.simulation.policy import CampaignPolicy

SCENARIO_KEYS = ("dataset", "population", "aggregators", "engine", "policy")
SCORE_FIELDS_LEFT_OUT = ("aggregator", "seconds")


def default_scenario() -> dict[str, Any]:
    """The default scenario: the CLI's defaults (policy defaults without the unset ``None`` ones)."""
    from sandbox.simulation.policy import CampaignPolicy

    policy = {key: value for key, value in CampaignPolicy().to_dict().items() if value is not None}
    return {
        "dataset": "snow_rte",
        "population": "volunteers",
        "aggregators": ["mv", "wawa", "ds"],
        "engine": "fast",
        "policy": policy,
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


def _policy(scenario: dict[str, Any]) -> CampaignPolicy:
    from sandbox.simulation.policy import CampaignPolicy

    table = scenario["policy"]
    if not isinstance(table, dict):
        raise SandboxError(f"policy must be a table, got {table!r}")
    return CampaignPolicy.from_dict(table, "sweep scenario: policy")


def _aggregators(scenario: dict[str, Any]) -> list[str]:
    from sandbox.aggregation.aggregate import parse_aggregators

    names = scenario["aggregators"]
    if isinstance(names, str):
        return parse_aggregators(names)
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise SandboxError(f"aggregators must be a list of names, got {names!r}")
    return parse_aggregators(",".join(names))


def _engine(scenario: dict[str, Any]) -> str:
    from sandbox.aggregation.aggregate import check_engine

    return check_engine(str(scenario.get("engine", "fast")))


def _score_rows(
    campaign: Campaign, dataset: Dataset, names: list[str], engine: str = "fast"
) -> list[dict[str, Any]]:
    """Score all aggregators at once; if that raises, score them one by one so that only the
    failing ones become error rows."""
    from sandbox.experiment.experiment import score_answers

    def rows(chosen: list[str]) -> list[dict[str, Any]]:
        outcome = score_answers(
            campaign.answers, dataset.truth, chosen, campaign.cost, campaign.workers, dataset, engine
        )
        return _rows(outcome, campaign)

    try:
        return rows(names)
    except Exception:
        isolated: list[dict[str, Any]] = []
        for name in names:
            try:
                isolated.extend(rows([name]))
            except Exception as error:
                isolated.append({"aggregator": name, "error": describe_error(error)})
        return isolated


def run_scenario_cell(scenario: dict[str, Any], seed: int) -> list[dict[str, Any]]:
    """Simulate (``sandbox.simulation.campaign.run_campaign``), aggregate and score (``score_answers``) one
    scenario, as ``sandbox.experiment.experiment.run_simulation`` does; one row per aggregator. An
    aggregator that raises gets an error row; the others keep their scores."""
    from sandbox.simulation.campaign import run_campaign

    dataset = _dataset(str(scenario["dataset"]))
    population, policy = _population(scenario["population"]), _policy(scenario)
    campaign = run_campaign(dataset, population, policy, seed)
    if campaign.answers.empty:
        raise SandboxError("the campaign produced no answers (every worker was banned or not admitted)")
    return _score_rows(campaign, dataset, _aggregators(scenario), _engine(scenario))


def _rows(outcome: Outcome, campaign: Campaign) -> list[dict[str, Any]]:
    """One row per aggregator score of ``outcome``, with the campaign's columns."""
    shared: dict[str, Any] = {
        "n_tasks": outcome.n_tasks,
        "n_workers": outcome.n_workers,
        "n_labels": outcome.n_labels,
        "cost": outcome.cost,
        "krippendorff_alpha": outcome.krippendorff_alpha,
        "downstream_accuracy_clean": outcome.downstream_accuracy_clean,
    }
    shared.update(asdict(campaign.stats))
    rows = []
    for score in outcome.scores:
        values = {f.name: getattr(score, f.name) for f in fields(score)}
        scores = {k: v for k, v in values.items() if k not in SCORE_FIELDS_LEFT_OUT}
        rows.append({"aggregator": score.aggregator, **scores, **shared})
    return rows


class ScenarioCell(CellKind):
    """CellKind of the engine's scenarios: population names expand, every cell is validated."""

    def __init__(self) -> None:
        super().__init__(
            run_scenario_cell,
            open_tables=frozenset({"population", "policy"}),
            preload=("sandbox.experiment.experiment", "sandbox.datasets", "annotators.population"),
            summary=("accuracy", "cost", "cost_per_correct_label", "skill_correlation"),
        )

    def defaults(self) -> dict[str, Any]:
        return default_scenario()

    def aliases(self) -> dict[str, str]:
        """Every policy field may be written bare: ``gold_rate`` → ``policy.gold_rate``."""
        from sandbox.simulation.policy import CampaignPolicy

        return {f.name: f"policy.{f.name}" for f in fields(CampaignPolicy)}

    def expand(self, scenario: dict[str, Any], path: str) -> None:
        """Load a population preset or file into its table before a ``population.*`` edit."""
        if path.startswith("population.") and not isinstance(scenario.get("population"), dict):
            from annotators.population import load_population_dict

            data, _ = load_population_dict(str(scenario["population"]))
            scenario["population"] = data

    def validate(self, scenario: dict[str, Any]) -> None:
        """Check keys, dataset, population, policy and aggregators before any work."""
        unknown = sorted(set(scenario) - set(SCENARIO_KEYS))
        if unknown:
            raise SandboxError(f"unknown scenario key {unknown[0]!r}; allowed: {', '.join(SCENARIO_KEYS)}")
        _policy(scenario)
        _aggregators(scenario)
        _engine(scenario)
        _population(scenario["population"])
        _dataset(str(scenario["dataset"]))


SCENARIO_CELL = ScenarioCell()
