"""The dashboard's view of a crowd that is secretly the model: accuracy against the share of
LLM-assisted workers, with paid curation and the model as its own population as reference levels
(computed by :func:`sandbox.experiment.assisted_share.assisted_share_curve`; the page only draws)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from sandbox.datasets.dataset import Dataset
from sandbox.experiment.assisted_share import assisted_share_curve
from sandbox.reporting.sweep_views import bands

#: The shares of LLM-assisted workers the Overview's chart shows.
SHARES = (0.0, 0.15, 0.33, 0.5, 0.7)
#: Answers per item of the chart (the issue's "at 5 answers per item").
REDUNDANCY = 5


@dataclass(frozen=True)
class AssistedShareView:
    """``curve``: per aggregator and ``share``, ``mean, low, high`` accuracy (95 % across seeds) and
    ``seeds``; ``curation``, ``llm``: the reference levels; ``reference_accuracy``: the campaign
    model's own accuracy; ``crowd``, ``llm_population``: what was simulated."""

    curve: pd.DataFrame
    curation: float | None
    llm: float | None
    reference_accuracy: float
    crowd: str
    llm_population: str | None


def assisted_share_view(
    dataset: Dataset,
    crowd: str,
    curation: str | None,
    llm: str | None,
    aggregators: Sequence[str],
    seeds: int,
    shares: Sequence[float] = SHARES,
) -> AssistedShareView:
    """Accuracy of ``crowd`` at each assisted share, ``REDUNDANCY`` answers per item, over ``seeds``
    seeds, with the reference levels (see the module docstring)."""
    result = assisted_share_curve(
        dataset,
        crowd,
        shares,
        aggregators,
        list(range(seeds)),
        redundancy=REDUNDANCY,
        curation=curation,
        llm=llm,
    )
    crowd_rows = result.points.assign(role="crowd")
    return AssistedShareView(
        curve=bands(crowd_rows, "share", "accuracy"),
        curation=result.curation,
        llm=result.llm,
        reference_accuracy=result.reference_accuracy,
        crowd=crowd,
        llm_population=llm,
    )
