"""Crowd versus paid curation (versus a language model), the two questions a decision-maker asks.

- At the same budget, which side gives better labels? Each side tries every affordable configuration
  (redundancy 1..9, with and without gold-question quality control) and keeps its most accurate one.
  When the budget cannot buy one answer per task, the side labels as many tasks as it can afford
  (a seeded random subset), accuracy is over the tasks it labelled and ``coverage`` says how many.
- What does each side cost to reach accuracy A? The cheapest configuration that reaches it, or none.

Every configuration is really simulated and aggregated (same dataset, seed and aggregator for every
side). A third side, the model as annotator or judge (``llm``: an ``llm_annotator``/``llm_judge``
population), answers the same questions; its redundancy is bounded by its pool (a deterministic
variant asked twice repeats itself), and it meets the same reference model as the crowd's
LLM-assisted workers (the seed's reference stream).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from annotators.population import Population
from foundation.errors import SandboxError
from sandbox.aggregation.registry import Engine
from sandbox.datasets.dataset import Dataset
from sandbox.experiment.experiment import Experiment
from sandbox.kinds.base import ScoringInputs, task_kind
from sandbox.randomness import substream
from sandbox.simulation.campaign import DIFFICULTY_STREAM
from sandbox.simulation.difficulty import task_difficulty
from sandbox.simulation.policy import CampaignPolicy
from sandbox.simulation.reference import ReferenceSettings

MAX_REDUNDANCY = 9
#: Gold-question quality control tried for each redundancy: 10 % gold, ban below 70 % after 5 gold.
QC_SETTINGS: tuple[dict[str, Any], ...] = ({}, {"gold_rate": 0.1, "ban_threshold": 0.7, "min_gold": 5})


@dataclass(frozen=True)
class SideResult:
    """One side's chosen configuration and what it achieved (None when nothing qualified)."""

    population: str
    accuracy: float
    cost: float
    n_labels: int
    redundancy: int
    gold_rate: float
    coverage: float
    downstream_accuracy: float | None
    reached: bool = True


@dataclass(frozen=True)
class Comparison:
    """Both sides (and the model's, when asked for), and the downstream model trained on true labels
    (datasets with features)."""

    crowd: SideResult
    curation: SideResult
    downstream_accuracy_clean: float | None
    llm: SideResult | None = None


def evaluate_configuration(
    dataset: Dataset,
    population: Population,
    policy: CampaignPolicy,
    aggregator: str,
    seed: int,
    rows: NDArray[Any] | None = None,
    engine: Engine = "fast",
    params: Mapping[str, Any] | None = None,
    reference: ReferenceSettings | None = None,
) -> SideResult:
    """Simulate one configuration (on the dataset's ``rows`` only, when given) and score it: accuracy
    over the tasks it labelled, coverage of the whole dataset, downstream model on the whole split.
    Task difficulty is drawn once for the whole dataset from ``seed``, so a subset keeps its items'."""
    experiment = Experiment(
        dataset,
        population,
        policy,
        (aggregator,),
        engine,
        seed,
        rows=rows,
        aggregator_params={aggregator: dict(params or {})},
        difficulty=task_difficulty(
            dataset, policy, np.random.default_rng(seed), population.items, substream(seed, DIFFICULTY_STREAM)
        ),
        reference=reference or ReferenceSettings(),
    )
    campaign = experiment.simulate()
    labels_accuracy, downstream, covered = math.nan, None, 0.0
    if not campaign.answers.empty:
        score = experiment.score(campaign).score(aggregator)
        labels_accuracy, downstream, covered = score.accuracy, score.downstream_accuracy, score.coverage
    return SideResult(
        population=population.name,
        accuracy=labels_accuracy,
        cost=campaign.cost,
        n_labels=campaign.stats.labels_bought,
        redundancy=policy.redundancy,
        gold_rate=policy.gold_rate,
        coverage=covered,
        downstream_accuracy=downstream,
    )


def candidate_policies(population: Population, base: CampaignPolicy) -> list[CampaignPolicy]:
    """Redundancy 1..min(9, pool) × (no QC, gold QC); gold QC is skipped for vetted single-archetype pools
    of honest workers only (nothing to catch)."""
    all_honest = all(m.archetype.honest for m in population.members)
    settings = QC_SETTINGS[:1] if all_honest else QC_SETTINGS
    top = min(MAX_REDUNDANCY, population.pool_size)
    return [
        CampaignPolicy.from_dict({**base.to_dict(), "redundancy": k, **qc})
        for k in range(1, top + 1)
        for qc in settings
    ]


def best_within_budget(
    dataset: Dataset,
    population: Population,
    budget: float,
    aggregator: str,
    seed: int,
    engine: Engine = "fast",
    params: Mapping[str, Any] | None = None,
    reference: ReferenceSettings | None = None,
) -> SideResult:
    """The most accurate configuration whose real cost fits ``budget`` (partial coverage if needed)."""
    affordable = []
    for policy in candidate_policies(population, CampaignPolicy()):
        estimate = dataset.n_tasks * policy.redundancy / (1 - policy.gold_rate) * population.cost_per_label
        if estimate + population.fixed_cost > budget * 1.2:
            continue
        result = evaluate_configuration(
            dataset, population, policy, aggregator, seed, engine=engine, params=params, reference=reference
        )
        if result.cost <= budget:
            affordable.append(result)
    if affordable:
        return max(affordable, key=lambda r: (r.accuracy, -r.cost))
    return partial_coverage(dataset, population, budget, aggregator, seed, engine, params, reference)


def partial_coverage(
    dataset: Dataset,
    population: Population,
    budget: float,
    aggregator: str,
    seed: int,
    engine: Engine = "fast",
    params: Mapping[str, Any] | None = None,
    reference: ReferenceSettings | None = None,
) -> SideResult:
    """One answer per task on as many tasks as ``budget`` buys (a seeded random subset)."""
    spendable = budget - population.fixed_cost
    n_tasks = (
        int(spendable // population.cost_per_label) if population.cost_per_label > 0 else dataset.n_tasks
    )
    if n_tasks < 1:
        raise SandboxError(
            f"a budget of {budget:g} does not buy a single answer from {population.name} "
            f"(cost per label {population.cost_per_label:g}, fixed cost {population.fixed_cost:g})"
        )
    rows = np.sort(np.random.default_rng(seed).permutation(dataset.n_tasks)[:n_tasks])
    return evaluate_configuration(
        dataset, population, CampaignPolicy(redundancy=1), aggregator, seed, rows, engine, params, reference
    )


def cheapest_reaching(
    dataset: Dataset,
    population: Population,
    target: float,
    aggregator: str,
    seed: int,
    engine: Engine = "fast",
    params: Mapping[str, Any] | None = None,
    reference: ReferenceSettings | None = None,
) -> SideResult:
    """The cheapest configuration whose accuracy reaches ``target`` (or the most accurate, reached=False)."""
    results = [
        evaluate_configuration(
            dataset, population, policy, aggregator, seed, engine=engine, params=params, reference=reference
        )
        for policy in candidate_policies(population, CampaignPolicy())
    ]
    reaching = [r for r in results if r.accuracy >= target]
    if reaching:
        return min(reaching, key=lambda r: (r.cost, -r.accuracy))
    best = max(results, key=lambda r: (r.accuracy, -r.cost))
    return SideResult(**{**best.__dict__, "reached": False})


def compare(
    dataset: Dataset,
    crowd: Population,
    curation: Population,
    aggregator: str,
    seed: int,
    budget: float | None = None,
    target_accuracy: float | None = None,
    engine: Engine = "fast",
    params: Mapping[str, Any] | None = None,
    llm: Population | None = None,
    reference: ReferenceSettings | None = None,
) -> Comparison:
    """Run the budget question or the target-accuracy question for both sides, and for the model's
    side ``llm`` when given (``engine`` aggregates, with the aggregator's hyperparameters ``params``;
    ``reference``: how the campaign's reference model is built)."""
    if (budget is None) == (target_accuracy is None):
        raise SandboxError("give exactly one of a budget or a target accuracy")
    populations = [crowd, curation] if llm is None else [crowd, curation, llm]
    if budget is not None:
        if budget <= 0:
            raise SandboxError(f"budget must be > 0, got {budget:g}")
        sides = [
            best_within_budget(dataset, p, budget, aggregator, seed, engine, params, reference)
            for p in populations
        ]
    else:
        assert target_accuracy is not None
        if not 0 < target_accuracy <= 1:
            raise SandboxError(f"target accuracy must be in (0, 1], got {target_accuracy:g}")
        sides = [
            cheapest_reaching(dataset, p, target_accuracy, aggregator, seed, engine, params, reference)
            for p in populations
        ]
    return Comparison(
        crowd=sides[0],
        curation=sides[1],
        downstream_accuracy_clean=clean_ceiling(dataset),
        llm=sides[2] if llm is not None else None,
    )


def clean_ceiling(dataset: Dataset) -> float | None:
    """The downstream model trained on the truth (the task kind's scorer decides which model)."""
    kind = task_kind(dataset.kind)
    nothing = pd.DataFrame({column: [] for column in kind.answer_columns})
    return kind.scorer(ScoringInputs(nothing, dataset.truth, 0.0, None, dataset)).downstream_accuracy_clean


def partial_coverage_warnings(comparison: Comparison, n_tasks: int) -> list[str]:
    """One sentence per side that labelled only part of the ``n_tasks`` tasks (a budget too small for
    one answer per task): its accuracy is over the tasks it labelled, not comparable as such."""
    warnings = []
    sides = [("crowd", comparison.crowd), ("curation", comparison.curation)]
    if comparison.llm is not None:
        sides.append(("llm", comparison.llm))
    for key, side in sides:
        if side.coverage < 1 - 1e-9:
            labelled = round(side.coverage * n_tasks)
            warnings.append(
                f"the {key} ({side.population}) labels only {labelled} of the {n_tasks} tasks "
                f"({side.coverage:.0%}) within the budget; its accuracy is over those tasks only"
            )
    return warnings
