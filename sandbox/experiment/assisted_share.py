"""A crowd that is secretly the model: accuracy as the share of LLM-assisted workers grows.

:func:`with_assisted_share` turns a crowd population into the same crowd with a share ``s`` of its
workers LLM-assisted (every other archetype's share scaled by 1 − s; the assisted workers answer like
the crowd's honest workers when they do not paste). :func:`assisted_share_curve` runs it at each share
(same dataset, seeds, redundancy and aggregators), with paid curation and the model as its own
population as reference levels: what the benchmark (``benchmarks/llm_assisted_share.py``) prints and
the dashboard's Overview draws.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from annotators.population import Population, load_population_dict
from foundation.errors import SandboxError
from sandbox.datasets.dataset import Dataset
from sandbox.experiment.experiment import Experiment
from sandbox.simulation.policy import CampaignPolicy
from sandbox.simulation.reference import ReferenceSettings

#: The archetype an LLM-assisted worker is, and the one whose keys it answers with when not pasting.
ASSISTED, HONEST = "llm_assisted", "honest"
#: Keys of an honest table that an assisted worker does not take (it has its own time and share).
NOT_COPIED = ("share", "time")


def with_assisted_share(
    crowd: str, share: float, reliance: float | Mapping[str, float] = 0.8, gold_aware: bool = False
) -> Population:
    """The population ``crowd`` (preset or TOML) with ``share`` of its workers LLM-assisted (see the
    module docstring); SandboxError when the share is not in [0, 1) or the crowd has no honest
    workers to copy."""
    if not 0 <= share < 1:
        raise SandboxError(f"the assisted share must be in [0, 1), got {share!r}")
    data, source = load_population_dict(crowd)
    tables: dict[str, Any] = dict(data.get("archetypes", {}))
    if HONEST not in tables:
        raise SandboxError(f"{source}: an assisted share needs an [archetypes.{HONEST}] table to copy")
    kept = {name: table for name, table in tables.items() if name != ASSISTED}
    rest = sum(float(table["share"]) for table in kept.values())
    scaled = {
        name: {**table, "share": float(table["share"]) * (1 - share) / rest} for name, table in kept.items()
    }
    honest_keys = {k: v for k, v in tables[HONEST].items() if k not in NOT_COPIED}
    if share > 0:
        scaled[ASSISTED] = {**honest_keys, "share": share, "reliance": reliance, "gold_aware": gold_aware}
    name = f"{data.get('name', crowd)} with {share:.0%} LLM-assisted"
    return Population.from_dict({**data, "name": name, "archetypes": scaled}, source)


@dataclass(frozen=True)
class ShareCurve:
    """``points``: one row per share, seed and aggregator (``share, seed, aggregator, accuracy``);
    ``curation``/``llm``: the reference populations' accuracy with the first aggregator, mean over seeds
    (``None`` when not asked for); ``reference_accuracy``: the campaign model's own accuracy (mean)."""

    points: pd.DataFrame
    curation: float | None
    llm: float | None
    reference_accuracy: float


def assisted_share_curve(
    dataset: Dataset,
    crowd: str,
    shares: Sequence[float],
    aggregators: Sequence[str],
    seeds: Sequence[int],
    *,
    redundancy: int = 5,
    reliance: float | Mapping[str, float] = 0.8,
    policy: Mapping[str, Any] | None = None,
    curation: str | None = None,
    llm: str | None = None,
    reference: ReferenceSettings | None = None,
) -> ShareCurve:
    """Accuracy of ``crowd`` with each assisted share (see the module docstring). ``policy``: further
    campaign keys (e.g. gold and ``gold_placement``); ``curation`` answers once per item, ``llm`` with
    as many answers as it has distinct variants."""
    settings = reference or ReferenceSettings()
    base = CampaignPolicy.from_dict({**(policy or {}), "redundancy": redundancy})
    rows, model_accuracy = [], []
    for share in shares:
        population = with_assisted_share(crowd, share, reliance)
        for seed in seeds:
            experiment = Experiment(
                dataset, population, base, tuple(aggregators), seed=seed, reference=settings
            )
            outcome = experiment.run()
            if outcome.reference is not None:
                model_accuracy.append(float(outcome.reference["accuracy"]))
            rows += [
                {"share": share, "seed": seed, "aggregator": s.aggregator, "accuracy": s.accuracy}
                for s in outcome.scores
            ]
    first = aggregators[0]

    def level(name: str | None, answers: int | None) -> float | None:
        if name is None:
            return None
        population = load_population_dict(name)[0]
        side = Population.from_dict(population, name)
        k = answers if answers is not None else max(1, side.reference_variants())
        values = [
            Experiment(dataset, side, CampaignPolicy(redundancy=k), (first,), seed=seed, reference=settings)
            .run()
            .score(first)
            .accuracy
            for seed in seeds
        ]
        return float(sum(values) / len(values))

    return ShareCurve(
        points=pd.DataFrame(rows, columns=["share", "seed", "aggregator", "accuracy"]),
        curation=level(curation, 1),
        llm=level(llm, None),
        reference_accuracy=float(sum(model_accuracy) / len(model_accuracy))
        if model_accuracy
        else float("nan"),
    )
