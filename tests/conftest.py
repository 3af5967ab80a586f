"""Shared fixtures: small hand-checked datasets and populations, and a CLI runner in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from annotators.population import Population
from sandbox.datasets.dataset import Dataset, truth_series
from sandbox.kinds.base import task_kind
from sandbox.kinds.classification.dataset import ClassificationDataset
from sandbox.simulation.campaign import Campaign, run_campaign
from sandbox.simulation.policy import CampaignPolicy
from sandbox.simulation.reference import ReferenceSettings

REPO = Path(__file__).resolve().parents[1]
SHARED_CROWD = REPO.parent / "shared" / "data" / "crowd"
# The sweep tests' own cell kinds (tests/sweep/cells.py) are registered like a user's would be;
# child processes inherit the variable.
os.environ.setdefault("CROWD_SANDBOX_CELL_MODULES", "tests.sweep.cells")


def make_population(
    archetypes: dict[str, dict[str, Any]], pool_size: int = 50, cost: float = 1.0
) -> Population:
    """A population from an inline dict (same schema as the TOML files)."""
    data = {"pool_size": pool_size, "cost_per_label": cost, "archetypes": archetypes}
    return Population.from_dict(data, source="inline test population")


def simulate(dataset: Dataset, population: Population, redundancy: int, seed: int) -> Campaign:
    """A plain campaign: ``redundancy`` answers per task, no quality control, no task difficulty (with
    the kind's reference model, default settings, when the population consults one)."""
    variants = population.reference_variants()
    reference = (
        task_kind(dataset.kind).reference_model(dataset, ReferenceSettings(), variants, seed)
        if variants
        else None
    )
    policy = CampaignPolicy(redundancy=redundancy, difficulty="none")
    return run_campaign(dataset, population, policy, seed, reference=reference)


def balanced_binary(n_tasks: int) -> Dataset:
    """Binary truth alternating 0, 1, 0, 1, ... (exactly balanced)."""
    return ClassificationDataset(
        name="balanced_binary",
        description="test",
        truth=truth_series(range(n_tasks), np.arange(n_tasks) % 2),
        classes=(0, 1),
    )


def uniform_classes(n_tasks: int, n_classes: int) -> Dataset:
    """Truth cycling through ``n_classes`` classes."""
    return ClassificationDataset(
        name="uniform",
        description="test",
        truth=truth_series(range(n_tasks), np.arange(n_tasks) % n_classes),
        classes=tuple(range(n_classes)),
    )


@pytest.fixture
def cli(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run ``crowd-sandbox ARGS`` as a user would (a real process), in a scratch directory."""

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "sandbox.cli", *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=600,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )

    return run


def answers_frame(rows: list[tuple[Any, Any, Any]]) -> pd.DataFrame:
    """An answers table from (task, worker, label) tuples."""
    return pd.DataFrame(rows, columns=["task", "worker", "label"])
