"""The pairwise kind's reference model: a stand-in language-model judge of every pair.

Nothing is downloaded and no language model runs. The judge is the honest rater model of this kind
(:mod:`annotators.archetypes.pairwise.honest`, Bradley–Terry link) with a judge's settings: it
perceives ``a·d + β + w·Δlength + ε`` for a pair whose items are ``d`` standard deviations of quality
apart, with skill ``judge_skill`` (a = logit(judge_skill)), position lean ``judge_left``
(β = −logit(judge_left)), length weight ``judge_length_weight`` on the standardised log-length
difference (none when the items have no length) and a low tie propensity ``judge_ties`` (ties only
when the dataset offers a tie button). The
noise ε is drawn once per pair and then fixed: asked again, the judge says the same thing.

AlpacaEval's human-annotation figures the defaults stand for: the best judges agree with humans
69–71 % of the time (a single human: 65.7 %); judges prefer the longer answer 51–79 % of the time and
the first position 42–57 %.

Variant 0 is the judge assisted raters paste. Further variants (an ``llm_judge`` pool's other prompts)
share variant 0's noise on :data:`VARIANT_OVERLAP` of the pairs and draw the rest afresh.
Probabilities: 1/2 on its verdict plus 1/2 the judge's Bradley–Terry probabilities without the fixed
noise (what a temperature samples from).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import expit, logit

from annotators.archetypes.pairwise.context import LEFT, RIGHT, TIE, PairContext
from annotators.archetypes.pairwise.honest import tie_threshold
from foundation.errors import SandboxError
from sandbox.datasets.dataset import Dataset
from sandbox.randomness import SeedLike, substream
from sandbox.resources import check_memory
from sandbox.simulation.reference import REFERENCE_STREAM, ReferenceModel, ReferenceSettings

#: The item feature the judge's length weight applies to.
LENGTH_FEATURE = "length"
#: Share of pairs on which a further judge variant has variant 0's noise.
VARIANT_OVERLAP = 0.5


def reference_model(
    dataset: Dataset, settings: ReferenceSettings, variants: int, seed: SeedLike
) -> ReferenceModel:
    """The campaign's stand-in judge on every pair of ``dataset`` (see the module docstring)."""
    context = dataset.task_context()
    if not isinstance(context, PairContext):
        raise SandboxError(f"dataset {dataset.name!r} is not a pairwise dataset")
    n, k = dataset.n_tasks, dataset.n_classes
    check_memory(8.0 * n * k * (variants + 1), f"a reference judge of {variants} variants on {n} pairs")
    rng = substream(seed, REFERENCE_STREAM)
    a = float(logit(settings.judge_skill))
    lean = float(logit(settings.judge_left))
    signal = a * np.nan_to_num(context.right_quality - context.left_quality) - lean
    if LENGTH_FEATURE in context.features:
        left, right = context.features[LENGTH_FEATURE]
        signal = signal + settings.judge_length_weight * np.nan_to_num(right - left)
    ties = k == 3
    margin = float(tie_threshold(np.asarray(settings.judge_ties), "bt")) if ties else 0.0
    first = rng.logistic(size=n)
    noises = [first]
    for _ in range(1, variants):
        noises.append(np.where(rng.random(n) < VARIANT_OVERLAP, first, rng.logistic(size=n)))
    perceived = signal[None, :] + np.stack(noises)
    answers = np.where(perceived > 0, RIGHT, LEFT).astype(np.int64)
    if ties:
        answers[np.abs(perceived) < margin] = TIE
    return ReferenceModel(
        answers=answers,
        probabilities=0.5 * np.eye(k)[answers] + 0.5 * _judge_probabilities(signal, margin, k)[None],
        description=(
            f"stand-in judge: skill {settings.judge_skill:g}, P(first) {settings.judge_left:g}, "
            f"length weight {settings.judge_length_weight:g}, P(tie) {settings.judge_ties:g}; "
            "fixed verdict per pair"
        ),
    )


def _judge_probabilities(signal: NDArray[Any], margin: float, k: int) -> NDArray[np.float64]:
    """n × K: P(left), P(right) (and P(tie)) of a judge who perceives ``signal`` + logistic noise."""
    upper, lower = expit(signal - margin), expit(signal + margin)  # P(ε > margin - s), P(ε > -margin - s)
    out = np.zeros((len(signal), k))
    out[:, RIGHT] = upper
    out[:, LEFT] = 1.0 - lower
    if k == 3:
        out[:, TIE] = lower - upper
    out /= out.sum(axis=1, keepdims=True)
    return out
