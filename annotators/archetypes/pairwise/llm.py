"""Pairwise raters who use the campaign's language-model judge: the LLM-assisted rater and the judge
itself (see :mod:`annotators.archetypes.model_use`)."""

from __future__ import annotations

from typing import ClassVar

from annotators.archetypes.model_use import AssistedMixin, AssistedParameters, LanguageModel
from annotators.archetypes.pairwise.honest import ComparingParameters, HonestRater
from annotators.parameters import ArchetypeParameters


class LLMAssistedRaterParameters(ComparingParameters, AssistedParameters):
    """``[archetypes.llm_assisted]`` of a pairwise population: an honest rater's keys (what they do
    when not pasting) plus ``reliance``, ``edit_rate`` and ``gold_aware``."""


class LLMAssistedRater(AssistedMixin, HonestRater):
    """Submits the judge's verdict with probability ``reliance``, else compares as an honest rater."""

    summary: ClassVar[str] = (
        "pastes the campaign's judge verdict with probability reliance, else honest; fast"
    )
    parameters: ClassVar[type[ArchetypeParameters]] = LLMAssistedRaterParameters


class ModelJudge(LanguageModel):
    """The model judges the pairs itself (``llm_judge`` populations)."""
