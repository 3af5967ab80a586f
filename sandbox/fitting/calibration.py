"""Grounding presets in real crowds: the ``paid_crowd`` preset from the real MTurk answers.

The same fit as ``crowd-sandbox fit`` (:func:`sandbox.fitting.fit_population.fit_population`, with the
expert gold) runs on each MTurk dataset; the annotators with at least ``MIN_ANSWERS`` answers are
pooled. Archetype shares are the pooled shares of the fit's archetypes; the honest workers' fitted
P(right) is summarised as a Beta distribution by the method of moments, so the preset stays readable.
``annotators/presets/paid_crowd.toml`` states the result (``python -m sandbox.fitting.calibration``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sandbox.datasets import load_dataset
from sandbox.fitting.fit_population import fit_population

PAID_CROWD_SOURCES = ("snow_rte", "snow_temp", "zheng_product")
MIN_ANSWERS = 10


@dataclass(frozen=True)
class CrowdCalibration:
    """Pooled annotators of real crowds: ``shares`` (archetype → share of annotators) and
    Beta(``alpha``, ``beta``) of the honest annotators' P(right)."""

    n_workers: int
    shares: dict[str, float]
    alpha: float
    beta: float

    @property
    def mean(self) -> float:
        """Mean P(right) of the honest annotators."""
        return self.alpha / (self.alpha + self.beta)


def fitted_workers(dataset_name: str) -> pd.DataFrame:
    """The per-annotator fit of a bundled dataset's real answers (gold as truth), annotators with at
    least ``MIN_ANSWERS`` answers; index ``worker``, columns as ``FittedCrowd.workers``."""
    dataset = load_dataset(dataset_name)
    if dataset.answers is None:
        raise ValueError(f"{dataset_name} has no real answers")
    workers = fit_population(dataset.answers, name=dataset_name, gold=dataset.truth).workers
    return workers[workers["answers"] >= MIN_ANSWERS]


def calibrate(dataset_names: Sequence[str] = PAID_CROWD_SOURCES) -> CrowdCalibration:
    """Pool the fitted annotators of ``dataset_names``: archetype shares and the honest skill's Beta."""
    workers = pd.concat([fitted_workers(name) for name in dataset_names])
    shares = workers["archetype"].value_counts(normalize=True).sort_index()
    honest = np.clip(workers.loc[workers["archetype"] == "honest", "skill"].to_numpy(float), 1e-3, 1 - 1e-3)
    mean, variance = float(honest.mean()), float(honest.var(ddof=1))
    common = mean * (1 - mean) / variance - 1
    return CrowdCalibration(
        n_workers=len(workers),
        shares={str(k): float(v) for k, v in shares.items()},
        alpha=mean * common,
        beta=(1 - mean) * common,
    )


if __name__ == "__main__":
    fit = calibrate()
    shares = ", ".join(f"{name} {share:.3f}" for name, share in fit.shares.items())
    print(
        f"{fit.n_workers} workers; {shares}; honest P(right) ~ Beta({fit.alpha:.2f}, {fit.beta:.2f}), "
        f"mean {fit.mean:.3f}"
    )
