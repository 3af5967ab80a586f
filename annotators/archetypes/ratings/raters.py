"""Raters who try (see :mod:`annotators.archetypes.ratings.context` for the perception model): honest,
lenient, harsh, central-tendency, extreme-response, anchoring raters and speeders.

Each draws a ``noise``, an ``offset`` and a ``slope`` per rater (shares of the scale's range; named
traits, so they reach the answers and the campaign's workers table) and answers
``snap(0.5 + slope · (u − 0.5) + offset + noise · ε + item noise)``. The archetypes differ in their
defaults and in what they add: anchoring raters are pulled toward their previous rating, speeders
often leave the answer where the interface starts it. A rater's ``skill`` (what aggregators'
worker estimates are compared with) is ``1 − noise``.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray
from pydantic import Field, create_model

from annotators.archetypes.base import AnswerBatch, WorkerTraits, no_target
from annotators.archetypes.ratings.base import RatingArchetype
from annotators.archetypes.ratings.context import anchored, perceive, rating_context, trait
from annotators.archetypes.ratings.parameters import OffsetLike, SlopeLike
from annotators.parameters import ArchetypeParameters, Probability, SkillLike, toml_default

NOISE_TEXT = "the rater's error sd, as a share of the scale's range"
OFFSET_TEXT = "how far above the truth the rater rates (share of the range; < 0 below)"
SLOPE_TEXT = "how far apart the rater puts items (1: as far as they are; < 1 the middle, > 1 the ends)"


def _parameters(name: str, noise: Any, offset: Any, slope: Any) -> type[ArchetypeParameters]:
    """The parameters model ``name`` with ``noise``, ``offset`` and ``slope`` and these defaults."""
    model: type[ArchetypeParameters] = create_model(
        name,
        __base__=ArchetypeParameters,
        __doc__=f"The parameters of a rater who tries ({name}).",
        noise=(SkillLike, Field(toml_default(noise), description=NOISE_TEXT)),
        offset=(OffsetLike, Field(toml_default(offset), description=OFFSET_TEXT)),
        slope=(SlopeLike, Field(toml_default(slope), description=SLOPE_TEXT)),
    )
    return model


HONEST_NOISE = {"alpha": 2.0, "beta": 18.0}


class TryingRater(RatingArchetype):
    """Base of the raters who look at the item (module docstring)."""

    def traits(self, n_workers: int, rng: np.random.Generator) -> dict[str, NDArray[np.float64]]:
        """The drawn ``noise``, ``offset`` and ``slope`` of ``n_workers`` raters."""
        return {
            "noise": self.distribution("noise").draw(n_workers, rng),
            "offset": self.params["offset"].draw(n_workers, rng),
            "slope": self.params["slope"].draw(n_workers, rng),
        }

    def draw_workers(
        self, n_workers: int, n_classes: int, class_prior: NDArray[Any], rng: np.random.Generator
    ) -> WorkerTraits:
        extra = self.traits(n_workers, rng)
        return WorkerTraits(skill=1.0 - extra["noise"], target=no_target(n_workers), traits=extra)

    def positions(self, batch: AnswerBatch, rng: np.random.Generator) -> NDArray[np.float64]:
        """Where on the range the batch's answers fall, before clipping (the archetype's behaviour)."""
        return perceive(batch, rating_context(batch, self.name), rng)

    def answer(self, batch: AnswerBatch, rng: np.random.Generator) -> NDArray[Any]:
        context = rating_context(batch, self.name)
        return context.scale.from_unit(self.positions(batch, rng))


class HonestRater(TryingRater):
    """Rates what they see, with noise (an offset and slope of their own are allowed: fitted crowds
    write them; the defaults are none)."""

    name: ClassVar[str] = "honest"
    summary: ClassVar[str] = "rates the item's true score with noise of their own (noise: share of the range)"
    honest: ClassVar[bool] = True
    parameters: ClassVar[type[ArchetypeParameters]] = _parameters(
        "HonestRaterParameters", HONEST_NOISE, 0.0, 1.0
    )


class LenientRater(TryingRater):
    """Rates above the truth (a positive offset)."""

    name: ClassVar[str] = "lenient"
    summary: ClassVar[str] = "rates above the truth by an offset (share of the range)"
    parameters: ClassVar[type[ArchetypeParameters]] = _parameters(
        "LenientParameters", HONEST_NOISE, {"mean": 0.15, "sd": 0.05}, 1.0
    )


class HarshRater(TryingRater):
    """Rates below the truth (a negative offset)."""

    name: ClassVar[str] = "harsh"
    summary: ClassVar[str] = "rates below the truth by an offset (share of the range)"
    parameters: ClassVar[type[ArchetypeParameters]] = _parameters(
        "HarshParameters", HONEST_NOISE, {"mean": -0.15, "sd": 0.05}, 1.0
    )


class CentralTendencyRater(TryingRater):
    """Uses the middle of the scale: items are put closer together than they are (slope < 1)."""

    name: ClassVar[str] = "central_tendency"
    summary: ClassVar[str] = "uses the middle of the scale (slope < 1 compresses toward the middle)"
    parameters: ClassVar[type[ArchetypeParameters]] = _parameters(
        "CentralTendencyParameters", HONEST_NOISE, 0.0, {"mean": 0.4, "sd": 0.1}
    )


class ExtremeRater(TryingRater):
    """Uses the ends of the scale: items are pushed apart (slope > 1, clipped at the ends)."""

    name: ClassVar[str] = "extreme"
    summary: ClassVar[str] = "uses the ends of the scale (slope > 1 pushes ratings to the ends)"
    parameters: ClassVar[type[ArchetypeParameters]] = _parameters(
        "ExtremeParameters", HONEST_NOISE, 0.0, {"mean": 2.5, "sd": 0.5}
    )


class AnchoringParameters(_parameters("TryingParameters", HONEST_NOISE, 0.0, 1.0)):  # type: ignore[misc]
    """``[archetypes.anchoring]``."""

    weight: SkillLike = Field(
        toml_default({"alpha": 5.0, "beta": 5.0}),
        description="how strongly each rating is pulled toward the rater's previous one (0: not; 1: copied)",
    )


class AnchoringRater(TryingRater):
    """Pulled toward their previous rating: ``r_t = (1 − w) · p_t + w · r_{t−1}`` in the order the
    rater gave them (ratings of a batch drift together)."""

    name: ClassVar[str] = "anchoring"
    summary: ClassVar[str] = "pulled toward their previous rating (weight w: r = (1-w)·seen + w·previous)"
    parameters: ClassVar[type[ArchetypeParameters]] = AnchoringParameters

    def traits(self, n_workers: int, rng: np.random.Generator) -> dict[str, NDArray[np.float64]]:
        return {**super().traits(n_workers, rng), "weight": self.distribution("weight").draw(n_workers, rng)}

    def positions(self, batch: AnswerBatch, rng: np.random.Generator) -> NDArray[np.float64]:
        return anchored(batch, super().positions(batch, rng), trait(batch, "weight", 0.0))


class SpeederParameters(_parameters("GlanceParameters", {"alpha": 5.0, "beta": 15.0}, 0.0, 1.0)):  # type: ignore[misc]
    """``[archetypes.speeder]``."""

    stays: SkillLike = Field(
        toml_default({"alpha": 5.0, "beta": 5.0}),
        description="P(submitting the answer where the interface starts it, without moving it)",
    )
    start: Probability = Field(
        0.5, description="where the interface starts the answer, as a share of the range (0.5: the middle)"
    )


class Speeder(TryingRater):
    """Fast and noisy: often submits the answer where the interface starts it (a slider left in the
    middle), else a glance (noise 0.25 of the range by default)."""

    name: ClassVar[str] = "speeder"
    summary: ClassVar[str] = "fast and noisy: often leaves the answer where it starts, else a noisy glance"
    parameters: ClassVar[type[ArchetypeParameters]] = SpeederParameters

    def traits(self, n_workers: int, rng: np.random.Generator) -> dict[str, NDArray[np.float64]]:
        return {**super().traits(n_workers, rng), "stays": self.distribution("stays").draw(n_workers, rng)}

    def positions(self, batch: AnswerBatch, rng: np.random.Generator) -> NDArray[np.float64]:
        glance = super().positions(batch, rng)
        stays = rng.random(len(batch.task)) < trait(batch, "stays", 0.0)
        return np.where(stays, float(self.params["start"]), glance)
