"""Grounding presets in real data: per-worker accuracy fitted with Dawid–Skene on real crowd answers.

Workers with an estimated skill below ``SPAM_CUTOFF`` count as spammers; a Beta distribution is fitted
to the others by the method of moments. ``annotators/presets/paid_crowd.toml`` uses this fit on the
real MTurk answers of snow_rte, snow_temp and zheng_product (``python -m sandbox.calibration``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sandbox.aggregation import aggregate
from sandbox.datasets import load_dataset

PAID_CROWD_SOURCES = ("snow_rte", "snow_temp", "zheng_product")
SPAM_CUTOFF = 0.6
MIN_ANSWERS = 10


@dataclass(frozen=True)
class SkillFit:
    """Share of spam-like workers and Beta(alpha, beta) of the others' estimated skill."""

    n_workers: int
    spam_share: float
    alpha: float
    beta: float

    @property
    def mean(self) -> float:
        """Mean skill of the non-spam workers."""
        return self.alpha / (self.alpha + self.beta)


def worker_skills(dataset_name: str) -> pd.Series:
    """Dawid–Skene estimated skill of each worker with at least ``MIN_ANSWERS`` answers."""
    dataset = load_dataset(dataset_name)
    assert dataset.answers is not None
    counts = dataset.answers["worker"].value_counts()
    skills = aggregate("ds", dataset.answers).skills
    assert skills is not None
    return skills.reindex(counts.index[counts >= MIN_ANSWERS])


def fit_skills(dataset_names: Sequence[str] = PAID_CROWD_SOURCES) -> SkillFit:
    """Pool the workers of ``dataset_names`` and fit spam share + Beta by the method of moments."""
    skills = pd.concat([worker_skills(name) for name in dataset_names]).to_numpy(float)
    good = np.clip(skills[skills >= SPAM_CUTOFF], 1e-3, 1 - 1e-3)
    mean, variance = float(good.mean()), float(good.var(ddof=1))
    common = mean * (1 - mean) / variance - 1
    return SkillFit(
        n_workers=len(skills),
        spam_share=float(np.mean(skills < SPAM_CUTOFF)),
        alpha=mean * common,
        beta=(1 - mean) * common,
    )


if __name__ == "__main__":
    fit = fit_skills()
    print(
        f"{fit.n_workers} workers; spam share {fit.spam_share:.3f}; "
        f"others ~ Beta({fit.alpha:.2f}, {fit.beta:.2f}), mean {fit.mean:.3f}"
    )
