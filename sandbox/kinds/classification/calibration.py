"""Grounding presets in real crowds: the ``paid_crowd`` preset from the real MTurk answers.

The same fit as ``crowd-sandbox fit`` (:func:`sandbox.kinds.classification.fit.fit_population`, with the
expert gold) runs on each MTurk dataset, and the results are pooled into a preset that any dataset can
use: archetype shares over the annotators with at least ``MIN_ANSWERS`` answers; the honest
annotators' P(right) on easy ordinary items as a Beta (method of moments); the items' misleading share
(class-prior weighted) and pull averaged over the datasets alike (each is one kind of task; the
largest must not stand for all), and their difficulty as a Beta.
``annotators/presets/paid_crowd.toml`` states the result (``python -m
sandbox.kinds.classification.calibration``); ``volunteers`` and ``paid_curation`` take the same item structure
(misleading items are a property of the items, not of payment).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sandbox.datasets import load_dataset
from sandbox.kinds.classification.fit import FittedCrowd, fit_population

PAID_CROWD_SOURCES = ("snow_rte", "snow_temp", "zheng_product")
MIN_ANSWERS = 10


@dataclass(frozen=True)
class Beta:
    """Beta(alpha, beta) fitted by the method of moments."""

    alpha: float
    beta: float

    @classmethod
    def of(cls, values: NDArray[np.float64]) -> Beta:
        """The Beta with the mean and variance of ``values`` (clipped into (0, 1))."""
        clipped = np.clip(np.asarray(values, dtype=float), 1e-3, 1 - 1e-3)
        mean, variance = float(clipped.mean()), float(clipped.var(ddof=1))
        common = mean * (1 - mean) / variance - 1
        return cls(alpha=mean * common, beta=(1 - mean) * common)

    @property
    def mean(self) -> float:
        return self.alpha / (self.alpha + self.beta)


@dataclass(frozen=True)
class CrowdCalibration:
    """Pooled real crowds: ``shares`` (archetype → share of annotators), the honest annotators' skill,
    and the items: ``misleading_share``, ``pull`` and ``difficulty``."""

    n_workers: int
    n_tasks: int
    shares: dict[str, float]
    skill: Beta
    misleading_share: float
    pull: float
    difficulty: Beta


def fitted(dataset_name: str) -> FittedCrowd:
    """The fit of a bundled dataset's real answers, with its gold as truth."""
    dataset = load_dataset(dataset_name)
    if dataset.answers is None:
        raise ValueError(f"{dataset_name} has no real answers")
    return fit_population(dataset.answers, name=dataset_name, gold=dataset.truth)


def calibrate(dataset_names: Sequence[str] = PAID_CROWD_SOURCES) -> CrowdCalibration:
    """Pool the fits of ``dataset_names`` (see the module docstring)."""
    fits = [fitted(name) for name in dataset_names]
    workers = pd.concat([f.workers[f.workers["answers"] >= MIN_ANSWERS] for f in fits])
    shares = workers["archetype"].value_counts(normalize=True).sort_index()
    honest = workers.loc[workers["archetype"] == "honest", "skill"].to_numpy(float)
    share = np.array([_prior_weighted(f.misleading_share, f.class_prior) for f in fits])
    pull = np.array([f.pull for f in fits])
    difficulty = np.concatenate([f.population["items"]["difficulty"]["values"] for f in fits])
    return CrowdCalibration(
        n_workers=len(workers),
        n_tasks=sum(f.n_tasks for f in fits),
        shares={str(k): float(v) for k, v in shares.items()},
        skill=Beta.of(honest),
        misleading_share=float(share.mean()),
        pull=float(pull.mean()),
        difficulty=Beta.of(difficulty),
    )


def _prior_weighted(values: pd.Series, prior: pd.Series) -> float:
    return float((values * prior.reindex(values.index, fill_value=0.0)).sum())


if __name__ == "__main__":
    fit = calibrate()
    shares = ", ".join(f"{name} {share:.3f}" for name, share in fit.shares.items())
    print(f"{fit.n_workers} annotators, {fit.n_tasks} tasks; {shares}")
    skill = fit.skill
    print(f"honest P(right) on easy items ~ Beta({skill.alpha:.2f}, {skill.beta:.2f}), mean {skill.mean:.3f}")
    hard = fit.difficulty
    print(
        f"items: misleading share {fit.misleading_share:.3f}, pull {fit.pull:.3f}, "
        f"difficulty ~ Beta({hard.alpha:.3f}, {hard.beta:.3f}), mean {hard.mean:.3f}"
    )
