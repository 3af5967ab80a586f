"""Tables the dashboard shows about one run: scores side by side, worker skills, confusion, classes.

Pure functions: an :class:`~sandbox.experiment.experiment.Outcome` (or labels and truth) in, a DataFrame out.
Population editing for the playground's sliders also lives here (validated by ``Population``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import tomli_w

from annotators.population import Population
from foundation.errors import SandboxError
from sandbox.metrics.labels import scored_pairs
from sandbox.metrics.outcome import Outcome

#: The pull of misleading items measured on real MTurk crowds (``paid_crowd.toml``).
DEFAULT_PULL = 0.72
#: Aggregators a run uses unless told otherwise (the CLI's default set).


def score_table(sides: Mapping[str, Outcome]) -> pd.DataFrame:
    """One row per (side, aggregator): ``side, aggregator, accuracy, f1_macro, coverage, cost,
    cost_per_correct_label, downstream_accuracy, seconds`` (downstream: NaN without features).
    ``sides`` maps a side name (e.g. "crowd") to its outcome."""
    rows = [
        {
            "side": side,
            "aggregator": score.aggregator,
            "accuracy": score.accuracy,
            "f1_macro": score.f1_macro,
            "coverage": score.coverage,
            "cost": outcome.cost,
            "cost_per_correct_label": score.cost_per_correct_label,
            "downstream_accuracy": np.nan if score.downstream_accuracy is None else score.downstream_accuracy,
            "seconds": score.seconds,
        }
        for side, outcome in sides.items()
        for score in outcome.scores
    ]
    return pd.DataFrame(rows)


def skill_points(outcome: Outcome, aggregator: str) -> pd.DataFrame:
    """Estimated vs true skill of each simulated worker: ``worker, archetype, true_skill,
    estimated_skill, answers``. Empty when the aggregator estimates no skill."""
    columns = ["worker", "archetype", "true_skill", "estimated_skill", "answers"]
    if outcome.campaign is None:
        raise SandboxError("worker skills need a simulated run (true skills are unknown for real answers)")
    if aggregator not in outcome.aggregations:
        raise SandboxError(f"aggregator {aggregator!r} was not run; ran: {', '.join(outcome.aggregations)}")
    estimated = outcome.aggregations[aggregator].skills
    if estimated is None:
        return pd.DataFrame(columns=columns)
    workers = outcome.campaign.workers
    answers = outcome.campaign.answers.groupby("worker").size()
    common = estimated.index.intersection(workers.index)
    return pd.DataFrame(
        {
            "worker": common.to_numpy(),
            "archetype": workers.loc[common, "archetype"].to_numpy(),
            "true_skill": workers.loc[common, "skill"].to_numpy(dtype=float),
            "estimated_skill": estimated.loc[common].to_numpy(dtype=float),
            "answers": answers.reindex(common, fill_value=0).to_numpy(),
        },
        columns=columns,
    )


def confusion_table(labels: pd.Series, truth: pd.Series, classes: Sequence[Any]) -> pd.DataFrame:
    """Counts of (true class, consensus class) over tasks with truth, long form:
    ``true, consensus, tasks, share`` (share of the true class's tasks; codes shown as ``classes``)."""
    predicted, true = scored_pairs(labels, truth)
    k = len(classes)
    counts = np.zeros((k, k), dtype=np.int64)
    np.add.at(counts, (true.astype(np.int64), predicted.astype(np.int64)), 1)
    totals = counts.sum(axis=1, keepdims=True)
    shares = np.divide(counts, totals, out=np.zeros_like(counts, dtype=float), where=totals > 0)
    names = [str(c) for c in classes]
    return pd.DataFrame(
        {
            "true": np.repeat(names, k),
            "consensus": np.tile(names, k),
            "tasks": counts.ravel(),
            "share": shares.ravel(),
        }
    )


def per_class_accuracy(labels: pd.Series, truth: pd.Series, classes: Sequence[Any]) -> pd.DataFrame:
    """Per true class: ``class, tasks, accuracy`` (share of its tasks labelled right; NaN if none)."""
    predicted, true = scored_pairs(labels, truth)
    rows = []
    for code, name in enumerate(classes):
        mask = true == code
        rows.append(
            {
                "class": str(name),
                "tasks": int(mask.sum()),
                "accuracy": float(np.mean(predicted[mask] == code)) if mask.any() else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def edit_population(
    base: Population,
    *,
    shares: Mapping[str, float],
    honest_skill: tuple[float, float] | None = None,
    pool_size: int | None = None,
    cost_per_label: float | None = None,
) -> Population:
    """``base`` with new archetype shares (normalised to sum to 1; archetypes at 0 dropped; others keep
    their parameters; new ones take defaults), honest skill Beta(alpha, beta), pool size and price.
    Validated like a population file."""
    total = sum(max(float(s), 0.0) for s in shares.values())
    if total <= 0:
        raise SandboxError("the archetype shares are all 0; give at least one archetype a share > 0")
    data = base.to_dict()
    tables: dict[str, Any] = data["archetypes"]
    edited: dict[str, Any] = {}
    for name, share in shares.items():
        if share <= 0:
            continue
        edited[name] = {**tables.get(name, {}), "share": float(share) / total}
    if honest_skill is not None and "honest" in edited:
        edited["honest"]["skill"] = {"alpha": float(honest_skill[0]), "beta": float(honest_skill[1])}
    data["archetypes"] = edited
    data["name"] = f"{base.name}_edited"
    if pool_size is not None:
        data["pool_size"] = int(pool_size)
    if cost_per_label is not None:
        data["cost_per_label"] = float(cost_per_label)
    return Population.from_dict(data, source="edited population")


def with_misleading_share(population: Population, share: float) -> Population:
    """``population`` whose items are misleading with ``share`` for every class (its pull kept, or the
    paid crowd's measured 0.72 when it had none); 0 means independent errors. Validated."""
    data = population.to_dict()
    items = dict(data.get("items", {}))
    items["misleading_share"] = float(share)
    items.setdefault("pull", DEFAULT_PULL)
    if not items["pull"]:
        items["pull"] = DEFAULT_PULL
    data["items"] = items
    return Population.from_dict(data, source="edited items")


def misleading_share(population: Population) -> float:
    """The population's share of misleading items (the first class's; 0 without items)."""
    shares = population.items.misleading_share
    return float(shares[0]) if shares and population.items.pull > 0 else 0.0


def beta_from_mean(mean: float, strength: float) -> tuple[float, float]:
    """(alpha, beta) of the Beta distribution with this mean and alpha + beta = ``strength``."""
    if not 0.0 < mean < 1.0 or strength <= 0:
        raise SandboxError(f"skill mean must be in (0, 1) and strength > 0, got {mean!r} and {strength!r}")
    return mean * strength, (1.0 - mean) * strength


def population_toml(population: Population) -> str:
    """The population as a TOML file (loads back with ``load_population``)."""
    return tomli_w.dumps(population.to_dict())


def honest_skill(population: Population) -> tuple[float, float] | None:
    """(alpha, beta) of the honest archetype's Beta skill, or None if it has none."""
    for member in population.members:
        if member.archetype.name == "honest":
            skill = member.archetype.distribution("skill")
            if skill.alpha is not None and skill.beta is not None:
                return skill.alpha, skill.beta
    return None
