"""Small ratings fixtures shared by the ratings tests: a crowd from an inline table, a campaign's
ratings, and files of every export format written from (task, worker, rating) rows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from annotators.population import Population
from sandbox.datasets import load_dataset
from sandbox.experiment.experiment import Experiment
from sandbox.kinds.ratings.dataset import RatingsDataset
from sandbox.simulation.campaign import Campaign
from sandbox.simulation.policy import CampaignPolicy

REPO = Path(__file__).resolve().parents[2]
NLI = REPO.parent / "shared" / "data" / "ratings" / "nli_variation"


def crowd(archetypes: dict[str, dict[str, Any]], pool_size: int = 60, **extra: Any) -> Population:
    """A ratings population from an inline dict (the TOML schema)."""
    data = {
        "kind": "ratings",
        "pool_size": pool_size,
        "cost_per_label": 1.0,
        "archetypes": archetypes,
        **extra,
    }
    return Population.from_dict(data, "inline ratings population")


def campaign(
    dataset: RatingsDataset | str, population: Population, redundancy: int, seed: int = 0, **policy: Any
) -> tuple[RatingsDataset, Campaign, pd.DataFrame]:
    """The dataset, the campaign and its ratings table (``difficulty = none`` unless given)."""
    data = load_dataset(dataset) if isinstance(dataset, str) else dataset
    assert isinstance(data, RatingsDataset)
    settings = {"redundancy": redundancy, "difficulty": "none", **policy}
    experiment = Experiment(data, population, CampaignPolicy(**settings), ("mean",), seed=seed)
    result = experiment.simulate()
    return data, result, experiment.kind.from_campaign(result.answers, data)


def labelstudio_json(
    path: Path, rows: list[tuple[Any, Any, float]], kind: str = "rating", **annotation: Any
) -> Path:
    """A full Label Studio export: one task per item, one annotation per rating."""
    tasks: dict[Any, dict[str, Any]] = {}
    for task, worker, value in rows:
        entry = tasks.setdefault(task, {"id": task, "data": {"text": f"item {task}"}, "annotations": []})
        entry["annotations"].append(
            {
                "completed_by": worker,
                "result": [{"from_name": "score", "to_name": "text", "type": kind, "value": {kind: value}}],
                **annotation,
            }
        )
    path.write_text(json.dumps(list(tasks.values())), encoding="utf-8")
    return path
