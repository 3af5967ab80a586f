"""Classification workers who use the campaign's language model: the LLM-assisted worker and the model
as annotator (see :mod:`annotators.archetypes.model_use`)."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from annotators.archetypes.base import AnswerBatch, WorkerTraits
from annotators.archetypes.classification.honest import Honest, HonestParameters
from annotators.archetypes.model_use import AssistedMixin, AssistedParameters, LanguageModel
from annotators.parameters import ArchetypeParameters


class LLMAssistedParameters(HonestParameters, AssistedParameters):
    """``[archetypes.llm_assisted]``: an honest worker's keys (what they do when not pasting) plus
    ``reliance``, ``edit_rate`` and ``gold_aware``."""


class LLMAssisted(AssistedMixin, Honest):
    """Pastes the reference model's class with probability ``reliance``, else answers as an honest
    worker (``skill``, ``mistakes``, …). Its ``skill`` trait is the honest part's: what it gets right
    when not pasting (the pasted part is as right as the campaign's model)."""

    summary: ClassVar[str] = "pastes the campaign's model answer with probability reliance, else honest; fast"
    parameters: ClassVar[type[ArchetypeParameters]] = LLMAssistedParameters

    def draw_workers(
        self, n_workers: int, n_classes: int, class_prior: NDArray[Any], rng: np.random.Generator
    ) -> WorkerTraits:
        return self.with_reliance(
            super().draw_workers(n_workers, n_classes, class_prior, rng), n_workers, rng
        )

    def answer(self, batch: AnswerBatch, rng: np.random.Generator) -> NDArray[Any]:
        return self.assisted_answer(batch, rng, super().answer)


class ModelAnnotator(LanguageModel):
    """The model labels the items itself (``llm_annotator`` populations)."""
