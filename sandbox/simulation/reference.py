"""The campaign's reference model: one stand-in "language model" whose answers every LLM-using worker
consults, so that its mistakes are shared by the crowd.

Nothing is downloaded and no real language model runs: the task kind builds a stand-in with the
measured properties of one (a classifier trained on part of the data, a confusion profile, a biased
pairwise judge; see the kind's ``reference.py``). What the campaign holds is the outcome, per model
variant (variant 0 is *the* reference model that assisted workers paste; further variants are the
other prompts or models of an ``llm_annotator``/``llm_judge`` pool):

- ``answers`` (variants × tasks): the variant's answer code on each task, what it says when asked at
  temperature 0 (asking again gives the same answer);
- ``probabilities`` (variants × tasks × K): its answer distribution, sampled from at a temperature.

It is drawn from the campaign seed's own random stream (:data:`REFERENCE_STREAM`), so every population
labelling a dataset with one seed (the crowd and the model sides of ``compare``) meets the same model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import Field

from foundation.config import ConfigModel, validate

#: The random stream the reference model is drawn from (see ``sandbox.randomness.substream``).
REFERENCE_STREAM = 0x11A
#: Most model variants a pool may ask for (memory: variants × tasks × classes floats).
MAX_VARIANTS = 16

ModelClass = Literal["auto", "logistic", "forest", "naive_bayes", "tree", "profile"]
OpenRate = Annotated[float, Field(gt=0, lt=1)]
Rate = Annotated[float, Field(ge=0, le=1)]


class ReferenceSettings(ConfigModel):
    """How good the stand-in model is and how it is biased (every key optional).

    - ``model``: for classification datasets with features, the scikit-learn classifier trained on
      them (``logistic``, ``forest``, ``naive_bayes``, ``tree``); ``profile``: a confusion profile
      drawn once (also what ``auto`` means on a dataset without features); ``auto``: logistic where
      there are features. Pairwise datasets always get a judge.
    - ``train_share``: the share of the dataset each fold's classifier is trained on (more: a better
      model); answers are out-of-fold (a task is never answered by a model that saw its label).
    - ``accuracy``: a confusion profile's accuracy.
    - ``judge_skill``: a pairwise judge's P(right) on a pair one standard deviation of quality apart
      (default 0.75, above the AlpacaFarm crowd's fitted 0.685 (``pairwise_paid_crowd``): the best
      judges agree with humans more often, 69–71 %, than humans with each other, 65.7 %).
    - ``judge_left``: the judge's P(first) on two equal items (AlpacaEval judges: 42–57 %);
      ``judge_length_weight``: its weight on the standardised log-length difference (> 0 prefers the longer;
      AlpacaEval judges prefer the longer answer 51–79 % of the time); ``judge_ties``: its P(tie) on two
      equal items (judges rarely say tie).
    """

    model: ModelClass = Field("auto", description="classifier class, or a confusion profile")
    train_share: Annotated[float, Field(gt=0, le=0.8)] = Field(
        0.2, description="share of the dataset a classifier is trained on (out-of-fold answers)"
    )
    accuracy: OpenRate = Field(0.85, description="confusion profile's accuracy (datasets without features)")
    judge_skill: OpenRate = Field(0.75, description="pairwise judge: P(right) one standard deviation apart")
    judge_left: OpenRate = Field(0.55, description="pairwise judge: P(first) on two equal items")
    judge_length_weight: Annotated[float, Field(ge=-5, le=5)] = Field(
        0.5, description="pairwise judge: weight on the log-length difference (> 0: prefers longer)"
    )
    judge_ties: Annotated[float, Field(ge=0, lt=1)] = Field(
        0.02, description="pairwise judge: P(tie) on two equal items"
    )

    @classmethod
    def from_dict(cls, values: dict[str, Any], source: str = "reference model options") -> ReferenceSettings:
        """Validate ``values`` (errors name ``source``, the key and what is allowed)."""
        return validate(cls, values, source)


@dataclass(frozen=True)
class ReferenceModel:
    """A campaign's stand-in model (see the module docstring): ``answers`` (variants × tasks, int codes),
    ``probabilities`` (variants × tasks × K, rows sum to 1) and ``description`` (what it stands in for)."""

    answers: NDArray[np.int64]
    probabilities: NDArray[np.float64]
    description: str

    @property
    def variants(self) -> int:
        """Number of model variants."""
        return int(self.answers.shape[0])

    def subset(self, rows: NDArray[Any]) -> ReferenceModel:
        """The model on the dataset's ``rows`` only (positions), in that order."""
        return ReferenceModel(self.answers[:, rows], self.probabilities[:, rows], self.description)

    def accuracy(self, truth: NDArray[Any], variant: int = 0) -> float:
        """Share of tasks the variant's deterministic answer gets right."""
        return float(np.mean(self.answers[variant] == np.asarray(truth)))

    def wrong_rows(self, truth: NDArray[Any]) -> NDArray[np.int64]:
        """Rows where the reference model (variant 0) is wrong: where adversarial gold goes."""
        return np.flatnonzero(self.answers[0] != np.asarray(truth))
