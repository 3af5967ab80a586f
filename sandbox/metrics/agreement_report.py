"""Every agreement statistic of one labeling question, before any aggregation, in one place.

:func:`agreement_report` takes the answers (``task, worker, label``) and gives Krippendorff's alpha
with its bootstrap interval overall and per class (:mod:`sandbox.metrics.alpha_bootstrap`), Fleiss'
kappa (:mod:`sandbox.metrics.fleiss`), Cohen's kappa for the pairs of the most active annotators
(:mod:`sandbox.metrics.pair_kappa`) and each task's agreement with the least agreed tasks
(:mod:`sandbox.metrics.task_agreement`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sandbox.metrics.alpha_bootstrap import ALL, DEFAULT_RESAMPLES, LEVEL, alpha_table
from sandbox.metrics.fleiss import fleiss_kappa
from sandbox.metrics.label_counts import label_counts
from sandbox.metrics.pair_kappa import MAX_ANNOTATORS, MIN_SHARED, most_active, pair_kappas
from sandbox.metrics.task_agreement import least_agreed, task_agreement


@dataclass(frozen=True)
class AgreementReport:
    """Attributes:
    alpha: :func:`sandbox.metrics.alpha_bootstrap.alpha_table` (overall row first, then per class).
    fleiss_kappa: Fleiss' kappa (NaN when undefined).
    pairs: one row per annotator pair that shares a task (``worker_a, worker_b, shared,
        agreement, kappa``), among ``paired``.
    paired: the annotators paired, most active first (at most :data:`MAX_ANNOTATORS`).
    tasks: per task ``answers, top_label, top_share, pair_agreement``.
    least_agreed: the tasks of lowest pair agreement.
    """

    alpha: pd.DataFrame
    fleiss_kappa: float
    pairs: pd.DataFrame
    paired: pd.Index
    tasks: pd.DataFrame
    least_agreed: pd.DataFrame

    def overall(self) -> dict[str, Any]:
        """The headline numbers for a report's overall part."""
        row = self.alpha.loc[ALL]
        kappas = self.pairs["kappa"].dropna()
        return {
            "krippendorff_alpha_low": float(row["low"]),
            "krippendorff_alpha_high": float(row["high"]),
            "alpha_interval_level": LEVEL,
            "fleiss_kappa": self.fleiss_kappa,
            "cohen_kappa_pairs": len(kappas),
            "cohen_kappa_median": float(kappas.median()) if len(kappas) else float("nan"),
            "cohen_kappa_min_shared": MIN_SHARED,
            "cohen_kappa_annotators": len(self.paired),
            "mean_task_agreement": float(self.tasks["pair_agreement"].mean()),
        }


def agreement_report(
    answers: pd.DataFrame, rng: np.random.Generator, *, resamples: int = DEFAULT_RESAMPLES
) -> AgreementReport:
    """The agreement statistics of ``answers`` (see the module docstring); ``rng`` draws the
    bootstrap's resamples."""
    table = label_counts(answers)
    per_task = task_agreement(table)
    return AgreementReport(
        alpha=alpha_table(table, rng, resamples=resamples),
        fleiss_kappa=fleiss_kappa(table),
        pairs=pair_kappas(answers),
        paired=most_active(answers, MAX_ANNOTATORS),
        tasks=per_task,
        least_agreed=least_agreed(per_task),
    )
