"""What the dashboard's Preferences page draws: ranking quality as biased or colluding raters join an
honest crowd, with paid curation as the reference, and the promoted item's rank as a ring grows.

Every point is a real simulated campaign (:class:`~sandbox.experiment.experiment.Experiment`) per
seed; curves are means with 95% Student-t intervals across seeds (as the sweep views compute them).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from annotators.population import Population, load_population
from sandbox.datasets.dataset import Dataset
from sandbox.experiment.experiment import Experiment
from sandbox.reporting.sweep_views import bands
from sandbox.simulation.policy import CampaignPolicy

#: The cheaters whose share is varied, with the parameters they get (the rest of the crowd is honest).
CHEATERS: dict[str, dict[str, Any]] = {
    "position_biased": {"bias": 1.0},
    "length_biased": {"weight": 2.0},
    "promoting_ring": {},
}
HONEST_SKILL = {"alpha": 6.0, "beta": 2.0}


def mixed_crowd(
    cheater: str, share: float, pool_size: int = 200, target_rank: int | None = None
) -> Population:
    """Honest raters (skill Beta(6, 2)) with ``share`` of ``cheater`` (see :data:`CHEATERS`)."""
    archetypes: dict[str, Any] = {"honest": {"share": 1.0 - share, "skill": HONEST_SKILL}}
    if share > 0:
        params = dict(CHEATERS.get(cheater, {}))
        if target_rank is not None:
            params["target_rank"] = target_rank
        archetypes[cheater] = {"share": share, **params}
    data = {
        "kind": "pairwise",
        "name": f"{cheater} {share:.0%}",
        "pool_size": pool_size,
        "cost_per_label": 0.03,
        "archetypes": archetypes,
    }
    return Population.from_dict(data, "preferences page crowd")


def _score_rows(
    dataset: Dataset, population: Population, aggregator: str, redundancy: int, seeds: int
) -> list[dict[str, Any]]:
    rows = []
    for seed in range(seeds):
        outcome = Experiment(
            dataset, population, CampaignPolicy(redundancy=redundancy), (aggregator,), seed=seed
        ).run()
        score = outcome.score(aggregator)
        rows.append({"seed": seed, "accuracy": score.accuracy, **score.extra})
    return rows


def cheating_curves(
    dataset: Dataset, shares: Sequence[float], aggregator: str, redundancy: int, seeds: int
) -> pd.DataFrame:
    """Per cheater archetype and share: ``mean, low, high, seeds`` of Kendall tau (column
    ``aggregator`` holds the archetype, so the sweep views' band layout applies)."""
    rows = []
    for cheater in CHEATERS:
        for share in shares:
            population = mixed_crowd(cheater, share)
            for row in _score_rows(dataset, population, aggregator, redundancy, seeds):
                rows.append({"role": "crowd", "aggregator": cheater, "share": share, **row})
    return bands(pd.DataFrame(rows), "share", "kendall_tau")


def curation_reference(dataset: Dataset, aggregator: str, seeds: int) -> float:
    """Mean Kendall tau of paid curation (``pairwise_curation``, one answer per pair)."""
    rows = _score_rows(dataset, load_population("pairwise_curation"), aggregator, 1, seeds)
    return float(pd.DataFrame(rows)["kendall_tau"].mean())


def ring_curve(
    dataset: Dataset, accounts: Sequence[int], aggregator: str, redundancy: int, seeds: int, target_rank: int
) -> pd.DataFrame:
    """The promoted item's estimated rank (``mean, low, high, seeds``) per number of ring accounts in
    a pool of 200 (the item's true rank is ``target_rank``)."""
    rows = []
    for count in accounts:
        population = mixed_crowd("promoting_ring", count / 200, target_rank=target_rank)
        for row in _score_rows(dataset, population, aggregator, redundancy, seeds):
            rows.append(
                {
                    "role": "crowd",
                    "aggregator": aggregator,
                    "ring_accounts": count,
                    "rank": row["promoted_rank"],
                }
            )
    return bands(pd.DataFrame(rows), "ring_accounts", "rank")


def real_crowd_ties_and_speed(dataset: Dataset) -> tuple[dict[str, Any], pd.DataFrame]:
    """The tie-aware report on a dataset's real answers (the bundled sigir2010 batch): its overall
    figures (``tie_share``, ``fast_answers``, ``timed_answers``, flag counts) and, per rater, answers,
    tie share against the crowd's on the same pairs, median seconds and share of fast answers, verdict."""
    from foundation.errors import SandboxError
    from sandbox.kinds.pairwise.report import pairwise_report

    if dataset.answers is None:
        raise SandboxError(f"{dataset.name}: no real answers to report on")
    report = pairwise_report(dataset.answers)
    columns = [
        "answers",
        "tie_share",
        "crowd_tie_share",
        "median_seconds",
        "fast_share",
        "archetype",
        "reason",
    ]
    raters = report.annotators[[c for c in columns if c in report.annotators.columns]].reset_index()
    return dict(report.overall), raters
