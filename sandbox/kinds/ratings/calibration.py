"""How much of a fitted crowd's disagreement is the raters' and how much the items': calibrated by
replaying the fitted half itself.

The affine model's noise per rater (σ_w) lumps together the rater's own error and the ambiguity of
the items they met, and censoring at the scale's ends hides part of both. A twin needs them apart:
items that every rater puts at 100 are clear, items rated all over the slider are ambiguous. The
fit keeps each item's *relative* ambiguity κ_i (how far the ratings of raters who look scatter
around what the model expects of them, scaled to a mean square of 1) and chooses two numbers by
simulated moments: ``noise_scale`` s and ``item_share`` f, so that a rating's noise variance is
``s² [(1 − f) σ_w² + f σ̄² κ_i²]`` (σ̄: the looking raters' root mean square σ_w). Each candidate
(a grid over s and f) replays the fitted half's own (item, rater) structure with its fitted items and
raters, with the same random numbers, and the one whose per-item means, per-item sds and ratings at
the ends are closest to the real ones (the sum of the gaps in units of ``validate``'s tolerances,
:meth:`~sandbox.kinds.ratings.twin.ItemShape.gap`) is kept. Exports larger than
:data:`CALIBRATION_ANSWERS` calibrate on a seeded sample of their items.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from annotators.archetypes.ratings import ITEM_NOISE
from annotators.population import Population
from sandbox.kinds.ratings.answers import scale_of
from sandbox.kinds.ratings.replay import replay_ratings, twins
from sandbox.kinds.ratings.twin import ItemShape

if TYPE_CHECKING:
    from sandbox.kinds.ratings.fit import FittedRatingsCrowd

#: Archetypes whose raters look at the items (their noise, offset and slope are fitted).
LOOKING = ("honest", "lenient", "harsh", "central_tendency", "extreme", "speeder")
NOISE_SCALES = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2)
ITEM_SHARES = (0.0, 0.3, 0.6, 0.8, 0.95)
CALIBRATION_ANSWERS = 50_000
CALIBRATION_SEED = 0


def item_difficulty(
    ambiguity: pd.Series, workers: pd.DataFrame, noise_scale: float, item_share: float
) -> pd.Series:
    """Items' difficulty: their share ``item_share`` of the crowd's noise variance (``noise_scale``
    times the looking raters' root mean square noise), in proportion to their ambiguity, as the
    archetypes read it (an item noise sd of ``ITEM_NOISE × difficulty``)."""
    looking = workers["noise"][workers["archetype"].isin(LOOKING)].dropna()
    level = float(np.sqrt(np.mean(looking**2))) if len(looking) else 0.0
    sd = noise_scale * np.sqrt(item_share) * level * ambiguity
    return (sd / ITEM_NOISE).clip(0.0, 1.0).rename("difficulty")


def calibrate_noise(
    answers: pd.DataFrame, fitted: FittedRatingsCrowd, ambiguity: pd.Series
) -> tuple[float, float]:
    """``(noise_scale, item_share)`` (module docstring) for the crowd ``fitted`` to ``answers``,
    whose workers' ``noise`` is each rater's σ_w."""
    scale = scale_of(answers)
    sample = _sample(answers)
    real = ItemShape.of(sample, scale)
    population = Population.from_dict(fitted.population, "the fitted crowd")
    structure = sample[["task", "worker"]]
    looking = fitted.workers["archetype"].isin(LOOKING)
    best, chosen = np.inf, (1.0, 0.0)
    for noise_scale in NOISE_SCALES:
        for item_share in ITEM_SHARES:
            workers = fitted.workers.copy()
            scaled = noise_scale * np.sqrt(1 - item_share) * workers["noise"]
            workers["noise"] = scaled.where(looking, workers["noise"])
            difficulty = item_difficulty(ambiguity, fitted.workers, noise_scale, item_share)
            replica = replay_ratings(
                population, structure, fitted.positions, scale, CALIBRATION_SEED, twins(workers), difficulty
            )
            gap = real.gap(ItemShape.of(replica, scale))
            if gap < best:
                best, chosen = gap, (noise_scale, item_share)
    return chosen


def _sample(answers: pd.DataFrame) -> pd.DataFrame:
    """``answers``, or the answers of a seeded sample of its items holding about
    :data:`CALIBRATION_ANSWERS` of them."""
    if len(answers) <= CALIBRATION_ANSWERS:
        return answers
    items = pd.unique(answers["task"])
    keep = int(len(items) * CALIBRATION_ANSWERS / len(answers)) or 1
    chosen = np.random.default_rng(CALIBRATION_SEED).choice(len(items), size=keep, replace=False)
    return answers[answers["task"].isin(items[chosen])]
