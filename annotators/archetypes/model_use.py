"""What every kind's LLM-using archetypes share: consulting the campaign's reference model.

The reference model (``AnswerBatch.reference``) is a stand-in for a language model, built per campaign
by the task kind (no model runs, nothing is downloaded). Two kinds of annotator use it:

- **LLM-assisted workers** (``llm_assisted``): per answer, with probability ``reliance`` (a per-worker
  trait) they submit the reference model's answer, changed to another answer with probability
  ``edit_rate``; otherwise they answer as an honest worker of their kind. ``gold_aware``: they answer
  known-answer questions themselves (so gold at random places cannot see them). Pasting is fast: their
  default time is a glance (``GLANCING_TIME``), not the time reading the item takes.
  The shares these archetypes stand for are measured: Veselovsky et al. 2023 (arXiv 2306.07899)
  estimated 33–46 % of MTurk workers used a language model on a summarisation task; a Prolific
  follow-up (CACM 2025, arXiv 2310.15683) found about 30 %.
- **The model as annotator or judge** (``language_model``): each worker of the pool is one model
  variant (a prompt or a model; worker i is variant i mod ``variants``); at ``temperature`` 0 a variant
  answers deterministically (asked twice, it says the same thing: redundancy from one variant buys
  nothing), above it samples from its answer distribution raised to 1 / temperature.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any, ClassVar

import numpy as np
from numpy.typing import NDArray
from pydantic import Field

from annotators.archetypes.base import GLANCING_TIME, AnswerBatch, Archetype, WorkerTraits, no_target
from annotators.parameters import AnswerTime, ArchetypeParameters, Probability, SkillLike, toml_default
from foundation.errors import SandboxError

#: Most variants (prompts or models) one model pool may have.
MAX_VARIANTS = 16
#: The per-worker trait of an LLM-assisted worker: P(pasting the model's answer) per answer.
RELIANCE = "reliance"
#: The per-worker trait of a model-as-annotator worker: which variant it is.
VARIANT = "variant"


def reference_of(batch: AnswerBatch, archetype: str) -> tuple[NDArray[Any], NDArray[Any]]:
    """The batch's reference answers (variants × tasks) and probabilities; SandboxError without one."""
    if batch.reference is None or batch.reference_probabilities is None:
        raise SandboxError(
            f"{archetype} consults the campaign's reference model (a stand-in language model), but this "
            "campaign has none; reference models exist for classification and pairwise datasets"
        )
    return batch.reference, batch.reference_probabilities


def edited(answers: NDArray[Any], edit_rate: float, n_classes: int, rng: np.random.Generator) -> NDArray[Any]:
    """``answers`` with each one replaced, with probability ``edit_rate``, by another class drawn
    uniformly (a worker who changes the pasted answer)."""
    if edit_rate <= 0 or n_classes < 2:
        return answers
    change = rng.random(len(answers)) < edit_rate
    other = (answers + rng.integers(1, n_classes, size=len(answers))) % n_classes
    return np.where(change, other, answers)


class AssistedParameters(ArchetypeParameters):
    """The keys every ``llm_assisted`` archetype has, besides its kind's honest worker's."""

    reliance: SkillLike = Field(
        toml_default(0.8), description="P(submitting the reference model's answer), per worker and answer"
    )
    edit_rate: Probability = Field(
        0.0, description="P(changing a pasted answer to another one) (a small edit rate)"
    )
    gold_aware: bool = Field(False, description="answers gold questions themselves (does not paste them)")


class AssistedMixin(Archetype):
    """The pasting of an ``llm_assisted`` archetype on top of a kind's honest worker (``answer`` of
    the next class in the method order answers what is not pasted)."""

    name: ClassVar[str] = "llm_assisted"
    honest: ClassVar[bool] = False
    looks: ClassVar[bool] = False  # pasting takes a glance, not the item's reading time
    consults_reference: ClassVar[bool] = True

    @property
    def default_time(self) -> AnswerTime:
        """A glance (:data:`GLANCING_TIME`): pasting does not grow with the item."""
        return GLANCING_TIME

    def draw_workers(
        self, n_workers: int, n_classes: int, class_prior: NDArray[Any], rng: np.random.Generator
    ) -> WorkerTraits:
        """The honest worker's traits (the next class in the method order) plus each worker's
        ``reliance`` drawn from the parameter."""
        # the kind's honest class comes next in the method order of every class using this mixin
        traits = super().draw_workers(n_workers, n_classes, class_prior, rng)  # type: ignore[safe-super]
        reliance = self.distribution("reliance").draw(n_workers, rng)
        return replace(traits, traits={**traits.traits, RELIANCE: reliance})

    def answer(self, batch: AnswerBatch, rng: np.random.Generator) -> NDArray[Any]:
        """The model's answer where pasted (:meth:`assisted_answer`), the honest worker's elsewhere."""
        return self.assisted_answer(batch, rng, super().answer)  # type: ignore[safe-super]

    def pasting(self, batch: AnswerBatch, rng: np.random.Generator) -> NDArray[Any]:
        """Per answer, whether the worker submits the model's answer."""
        reliance = batch.traits.get(RELIANCE)
        share = np.nan_to_num(reliance) if reliance is not None else np.zeros(len(batch.task))
        pastes = rng.random(len(batch.task)) < share
        if self.params["gold_aware"]:
            pastes &= ~np.asarray(batch.is_gold, dtype=bool)
        return pastes

    def assisted_answer(self, batch: AnswerBatch, rng: np.random.Generator, honest: Any) -> NDArray[Any]:
        """The model's answer where pasted (edited at ``edit_rate``), ``honest(sub_batch, rng)`` elsewhere."""
        reference, _ = reference_of(batch, self.name)
        pastes = self.pasting(batch, rng)
        out = np.empty(len(batch.task), dtype=np.int64)
        if pastes.any():
            pasted = reference[0, batch.task[pastes]]
            out[pastes] = edited(pasted, self.params["edit_rate"], batch.n_classes, rng)
        if (~pastes).any():
            out[~pastes] = honest(batch.select(~pastes), rng)
        return out


class ModelParameters(ArchetypeParameters):
    """``[archetypes.language_model]``: the model as its own annotator."""

    variants: Annotated[int, Field(ge=1, le=MAX_VARIANTS)] = Field(
        1, description=f"model variants (prompts or models) in the pool, 1..{MAX_VARIANTS}"
    )
    temperature: Annotated[float, Field(ge=0, le=5)] = Field(
        0.0, description="0: each variant answers deterministically; above: samples its answer distribution"
    )


#: Seconds per answer of a model (an API call; no reading time).
MODEL_TIME = AnswerTime(median=2.0, workers=0.2, answers=0.3, per_item=0.0)


class LanguageModel(Archetype):
    """The model as annotator: worker i is variant i mod ``variants`` (see the module docstring)."""

    name: ClassVar[str] = "language_model"
    summary: ClassVar[str] = (
        "the campaign's stand-in language model: one worker per variant, deterministic at T=0"
    )
    honest: ClassVar[bool] = True
    looks: ClassVar[bool] = False
    consults_reference: ClassVar[bool] = True
    parameters: ClassVar[type[ArchetypeParameters]] = ModelParameters

    @property
    def default_time(self) -> AnswerTime:
        """An API call: :data:`MODEL_TIME`."""
        return MODEL_TIME

    def reference_variants(self) -> int:
        """Its ``variants``."""
        return int(self.params["variants"])

    def draw_workers(
        self, n_workers: int, n_classes: int, class_prior: NDArray[Any], rng: np.random.Generator
    ) -> WorkerTraits:
        variant = np.arange(n_workers) % self.reference_variants()
        return WorkerTraits(
            skill=np.full(n_workers, np.nan),
            target=no_target(n_workers),
            traits={VARIANT: variant.astype(float)},
        )

    def answer(self, batch: AnswerBatch, rng: np.random.Generator) -> NDArray[Any]:
        reference, probabilities = reference_of(batch, self.name)
        variant = np.nan_to_num(batch.traits.get(VARIANT, np.zeros(len(batch.task)))).astype(np.int64)
        variant = np.minimum(variant, reference.shape[0] - 1)
        temperature = float(self.params["temperature"])
        if temperature == 0:
            return np.asarray(reference[variant, batch.task], dtype=np.int64)
        return sample_tempered(probabilities[variant, batch.task], temperature, rng)


def sample_tempered(
    probabilities: NDArray[Any], temperature: float, rng: np.random.Generator
) -> NDArray[Any]:
    """One class per row of ``probabilities`` (n × K) raised to ``1 / temperature`` and renormalised."""
    logp = np.log(np.clip(probabilities, 1e-12, 1.0)) / temperature
    logp -= logp.max(axis=1, keepdims=True)
    weights = np.exp(logp)
    cumulative = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)
    draws = rng.random(len(probabilities))[:, None]
    return np.minimum((cumulative < draws).sum(axis=1), probabilities.shape[1] - 1).astype(np.int64)
