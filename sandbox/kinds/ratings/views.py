"""What the dashboard's Ratings page draws: the error of the item scores as lenient, harsh,
central-tendency, straight-lining or random raters join an honest crowd, with paid curation as the
reference, and every ratings aggregator side by side on one such crowd.

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
from sandbox.kinds.ratings.kind import KIND
from sandbox.reporting.sweep_views import bands
from sandbox.simulation.policy import CampaignPolicy

#: The raters whose share is varied, with the parameters they get (the rest of the crowd is honest).
CHEATERS: dict[str, dict[str, Any]] = {
    "lenient": {"offset": {"mean": 0.2, "sd": 0.05}},
    "harsh": {"offset": {"mean": -0.2, "sd": 0.05}},
    "central_tendency": {},
    "straight_liner": {},
    "random": {},
}
HONEST_NOISE = {"alpha": 7.2, "beta": 52.8}
POOL = 100


def mixed_crowd(cheater: str, share: float, pool_size: int = POOL) -> Population:
    """Honest raters (noise ~ Beta(7.2, 52.8), the paid crowd's) with ``share`` of ``cheater``."""
    archetypes: dict[str, Any] = {"honest": {"share": 1.0 - share, "noise": HONEST_NOISE}}
    if share > 0:
        archetypes[cheater] = {"share": share, **CHEATERS.get(cheater, {})}
    data = {
        "kind": KIND,
        "name": f"{cheater} {share:.0%}",
        "pool_size": pool_size,
        "cost_per_label": 0.05,
        "archetypes": archetypes,
    }
    return Population.from_dict(data, "ratings page crowd")


def _score_rows(
    dataset: Dataset, population: Population, aggregators: Sequence[str], redundancy: int, seeds: int
) -> list[dict[str, Any]]:
    rows = []
    for seed in range(seeds):
        outcome = Experiment(
            dataset, population, CampaignPolicy(redundancy=redundancy), tuple(aggregators), seed=seed
        ).run()
        for score in outcome.scores:
            rows.append({"seed": seed, "method": score.aggregator, "accuracy": score.accuracy, **score.extra})
    return rows


def cheating_curves(
    dataset: Dataset, shares: Sequence[float], aggregator: str, redundancy: int, seeds: int
) -> pd.DataFrame:
    """Per cheating archetype and share: ``mean, low, high, seeds`` of the item scores' MAE (column
    ``aggregator`` holds the archetype, so the sweep views' band layout applies)."""
    rows = []
    for cheater in CHEATERS:
        for share in shares:
            for row in _score_rows(dataset, mixed_crowd(cheater, share), (aggregator,), redundancy, seeds):
                rows.append({"role": "crowd", "aggregator": cheater, "share": share, **row})
    return bands(pd.DataFrame(rows), "share", "mae")


def curation_reference(dataset: Dataset, aggregator: str, seeds: int) -> float:
    """Mean MAE of paid curation (``ratings_curation``, one rating per item)."""
    rows = _score_rows(dataset, load_population("ratings_curation"), (aggregator,), 1, seeds)
    return float(pd.DataFrame(rows)["mae"].mean())


def aggregator_table(
    dataset: Dataset, cheater: str, share: float, aggregators: Sequence[str], redundancy: int, seeds: int
) -> pd.DataFrame:
    """Every aggregator on one mixed crowd: mean MAE, RMSE, Spearman and quadratic-weighted kappa over
    the seeds, best MAE first."""
    rows = _score_rows(dataset, mixed_crowd(cheater, share), aggregators, redundancy, seeds)
    table = pd.DataFrame(rows).groupby("method")[["mae", "rmse", "spearman", "qwk", "accuracy"]].mean()
    return table.sort_values("mae")
