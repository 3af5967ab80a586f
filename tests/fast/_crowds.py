"""Test inputs for the fast engine: bundled real crowd datasets and seeded synthetic crowds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sandbox.randomness import make_rng

DATASETS = Path(__file__).resolve().parents[2] / "datasets"
DATASET_NAMES = sorted(p.name for p in DATASETS.iterdir() if (p / "labels.csv").is_file())


def load_answers(name: str) -> pd.DataFrame:
    """The ``task, worker, label`` rows of a bundled dataset."""
    return pd.read_csv(DATASETS / name / "labels.csv")


def load_gold(name: str) -> pd.Series:
    """Expert labels of a bundled dataset: Series indexed by task."""
    return pd.read_csv(DATASETS / name / "gold.csv").set_index("task")["label"]


def accuracy(labels: pd.Series, gold: pd.Series) -> float:
    """Share of gold tasks whose aggregated label equals the gold label."""
    return float((labels.reindex(gold.index) == gold).mean())


def spammer_crowd(
    seed: int,
    *,
    n_tasks: int = 400,
    n_workers: int = 40,
    n_labels: int = 2,
    redundancy: int = 5,
    spammer_share: float = 0.3,
) -> tuple[pd.DataFrame, pd.Series]:
    """Honest workers (accuracy ~ Beta(8, 3), uniform mistakes) mixed with uniform spammers.

    Each task gets ``redundancy`` distinct workers. Returns ``(answers, truth)``; ids are strings
    so that sorted order differs from order of appearance.
    """
    rng = make_rng(seed)
    truth = rng.integers(0, n_labels, n_tasks)
    spammer = rng.random(n_workers) < spammer_share
    skill = np.where(spammer, 1.0 / n_labels, rng.beta(8.0, 3.0, n_workers))
    workers = np.stack([rng.choice(n_workers, redundancy, replace=False) for _ in range(n_tasks)])
    tasks = np.repeat(np.arange(n_tasks), redundancy)
    flat_workers = workers.ravel()
    correct = rng.random(tasks.size) < skill[flat_workers]
    shift = rng.integers(1, max(n_labels, 2), tasks.size)
    wrong = (truth[tasks] + shift) % n_labels
    random_label = rng.integers(0, n_labels, tasks.size)
    label = np.where(correct, truth[tasks], wrong)
    label = np.where(spammer[flat_workers], random_label, label)
    answers = pd.DataFrame(
        {
            "task": [f"t{t}" for t in tasks],
            "worker": [f"w{(w * 7919) % 1000}" for w in flat_workers],
            "label": label,
        }
    )
    truth_series = pd.Series(truth, index=[f"t{t}" for t in range(n_tasks)], name="label")
    truth_series.index.name = "task"
    return answers, truth_series
