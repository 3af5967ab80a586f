"""Grounding presets in real data: per-worker accuracy fitted with Dawid–Skene on real crowd answers.

Workers with an estimated skill below ``SPAM_CUTOFF`` count as spammers (those giving one label in at
least ``FIXED_SHARE`` of their answers as fixed-answer spammers); a Beta distribution is fitted to the
others by the method of moments. ``annotators/presets/paid_crowd.toml`` uses this fit on the
real MTurk answers of snow_rte, snow_temp and zheng_product (``python -m sandbox.fitting.calibration``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sandbox.aggregation.aggregate import aggregate
from sandbox.datasets import load_dataset

PAID_CROWD_SOURCES = ("snow_rte", "snow_temp", "zheng_product")
SPAM_CUTOFF = 0.6
FIXED_SHARE = 0.9
MIN_ANSWERS = 10


@dataclass(frozen=True)
class SkillFit:
    """Share of spam-like workers (``fixed_share`` of all workers always give the same label) and
    Beta(alpha, beta) of the others' estimated skill."""

    n_workers: int
    spam_share: float
    fixed_share: float
    alpha: float
    beta: float

    @property
    def mean(self) -> float:
        """Mean skill of the non-spam workers."""
        return self.alpha / (self.alpha + self.beta)


def worker_skills(dataset_name: str) -> pd.DataFrame:
    """Per worker with at least ``MIN_ANSWERS`` answers: ``skill`` (Dawid–Skene estimate) and
    ``top_label_share`` (share of their answers that are their most frequent label)."""
    dataset = load_dataset(dataset_name)
    assert dataset.answers is not None
    counts = dataset.answers["worker"].value_counts()
    skills = aggregate("ds", dataset.answers).skills
    assert skills is not None
    top = dataset.answers.groupby("worker")["label"].agg(lambda x: x.value_counts(normalize=True).iloc[0])
    table = pd.DataFrame({"skill": skills, "top_label_share": top})
    return table.reindex(counts.index[counts >= MIN_ANSWERS])


def fit_skills(dataset_names: Sequence[str] = PAID_CROWD_SOURCES) -> SkillFit:
    """Pool the workers of ``dataset_names`` and fit spam share + Beta by the method of moments."""
    table = pd.concat([worker_skills(name) for name in dataset_names])
    skills = table["skill"].to_numpy(float)
    spam = skills < SPAM_CUTOFF
    fixed = spam & (table["top_label_share"].to_numpy(float) >= FIXED_SHARE)
    good = np.clip(skills[~spam], 1e-3, 1 - 1e-3)
    mean, variance = float(good.mean()), float(good.var(ddof=1))
    common = mean * (1 - mean) / variance - 1
    return SkillFit(
        n_workers=len(skills),
        spam_share=float(np.mean(spam)),
        fixed_share=float(np.mean(fixed)),
        alpha=mean * common,
        beta=(1 - mean) * common,
    )


if __name__ == "__main__":
    fit = fit_skills()
    print(
        f"{fit.n_workers} workers; spam share {fit.spam_share:.3f} "
        f"(fixed-answer {fit.fixed_share:.3f}); "
        f"others ~ Beta({fit.alpha:.2f}, {fit.beta:.2f}), mean {fit.mean:.3f}"
    )
