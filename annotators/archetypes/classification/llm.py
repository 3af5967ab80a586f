"""Classification workers who use the campaign's language model: the LLM-assisted worker and the model
as annotator (see :mod:`annotators.archetypes.model_use`)."""

from __future__ import annotations

from typing import ClassVar

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


class ModelAnnotator(LanguageModel):
    """The model labels the items itself (``llm_annotator`` populations)."""
