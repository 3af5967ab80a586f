"""Each rater's comparing traits fitted to their answers: skill, tie propensity, position lean and a
feature weight — the model the pairwise archetypes answer with
(:mod:`annotators.archetypes.pairwise.honest`), read backwards.

A rater answers a pair whose items are d standard deviations of quality apart (right − left) and
differ by x in a standardised feature by comparing η = a·d + β + w·x plus logistic noise with ±τ:

    P(right) = σ(η − τ),   P(left) = σ(−η − τ),   P(tie) = 1 − P(right) − P(left)

(an ordered logit with symmetric thresholds; τ = 0 and no tie outcome when the export has no tie
answer). The archetype's parameters follow: skill = σ(a) (P(right) one standard deviation apart),
tie propensity = 2σ(τ) − 1 (P(tie) on two equal items), left = σ(−β) (P(left) on two equal items),
weight = w.

Fit: Fisher scoring, all raters at once (per-rater sums by ``bincount``; a 3×3 or 4×4 system per
rater), τ = exp(θ) to stay positive. Raters of a few answers borrow from the crowd (empirical
Bayes): a pooled fit of everyone gives the prior's centre; a first per-rater fit under a wide prior
gives the spread of each trait between raters, less what their own few answers add (method of
moments, at least :data:`MIN_PRIOR_SD`); the final fit is each rater's maximum a posteriori under
that normal prior.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.special import expit

FloatArray = NDArray[np.float64]

#: Fisher-scoring rounds; each moves every rater's traits by at most ``MAX_STEP`` (logit units).
ITERATIONS = 60
MAX_STEP = 2.0
#: Bounds of the traits in logit units: |a|, |β|, |w| <= 10 (P within 5e-5 of 0 or 1), τ in
#: [e^-6, e^3] (a tie propensity from 0.001 to 0.9).
BOUND = 10.0
THETA_RANGE = (-6.0, 3.0)
#: The wide prior of the first pass (sd in logit units): it only keeps raters who answered one way
#: every time finite.
WIDE_PRIOR_SD = 10.0
#: The narrowest prior between raters: a trait's spread estimated at 0 still lets each rater's own
#: answers move it (0.1 logit is a 2.5-point change in a probability near one half).
MIN_PRIOR_SD = 0.1
#: Raters whose answers estimate the spread between raters (fewer answers are mostly their prior).
MIN_SPREAD_ANSWERS = 10


@dataclass(frozen=True)
class RaterData:
    """The answers as the model sees them: rater code, d, x, outcome (0 left, 1 right, 2 tie)."""

    rater: NDArray[np.intp]
    d: FloatArray
    x: FloatArray
    outcome: NDArray[np.intp]
    n_raters: int
    ties: bool
    has_feature: bool

    @property
    def n_params(self) -> int:
        return 2 + int(self.has_feature) + int(self.ties)


def _jacobians(data: RaterData, tau: FloatArray) -> tuple[FloatArray, FloatArray]:
    """∂η/∂φ and ∂τ/∂φ per answer (n × P): φ = (a, β[, w][, θ])."""
    n = len(data.d)
    columns_eta = [data.d, np.ones(n)] + ([data.x] if data.has_feature else [])
    eta = np.column_stack(columns_eta + ([np.zeros(n)] if data.ties else []))
    tau_jac = np.zeros_like(eta)
    if data.ties:
        tau_jac[:, -1] = tau
    return eta, tau_jac


def _score_and_information(data: RaterData, params: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per rater: the log-likelihood's gradient (R × P), Fisher information (R × P × P) and value."""
    p = params[data.rater]
    eta = p[:, 0] * data.d + p[:, 1] + (p[:, 2] * data.x if data.has_feature else 0.0)
    if data.ties:
        tau = np.exp(p[:, -1])
        p_right, p_left = expit(eta - tau), expit(-eta - tau)
        p_tie = np.maximum(1.0 - p_right - p_left, 1e-12)
        s_right, s_left = p_right * (1 - p_right), p_left * (1 - p_left)
        grads = {
            0: (-s_left, -s_left, np.maximum(p_left, 1e-12)),
            1: (s_right, -s_right, np.maximum(p_right, 1e-12)),
            2: (s_left - s_right, s_right + s_left, p_tie),
        }
        g_eta = np.zeros(len(eta))
        g_tau = np.zeros(len(eta))
        log_p = np.zeros(len(eta))
        info = np.zeros((len(eta), 2, 2))
        for outcome, (d_eta, d_tau, prob) in grads.items():
            mine = data.outcome == outcome
            g_eta[mine], g_tau[mine] = d_eta[mine] / prob[mine], d_tau[mine] / prob[mine]
            log_p[mine] = np.log(prob[mine])
            info[:, 0, 0] += d_eta * d_eta / prob
            info[:, 0, 1] += d_eta * d_tau / prob
            info[:, 1, 1] += d_tau * d_tau / prob
        info[:, 1, 0] = info[:, 0, 1]
    else:
        tau = np.zeros(len(eta))
        probability = expit(eta)
        right = (data.outcome == 1).astype(float)
        g_eta, g_tau = right - probability, np.zeros(len(eta))
        log_p = np.log(
            np.where(right == 1, np.maximum(probability, 1e-12), np.maximum(1 - probability, 1e-12))
        )
        info = np.zeros((len(eta), 2, 2))
        info[:, 0, 0] = probability * (1 - probability)
    j_eta, j_tau = _jacobians(data, tau)
    per_answer_score = j_eta * g_eta[:, None] + j_tau * g_tau[:, None]
    size = data.n_params
    score = np.column_stack(
        [np.bincount(data.rater, per_answer_score[:, k], data.n_raters) for k in range(size)]
    )
    information = np.zeros((data.n_raters, size, size))
    for j in range(size):
        for k in range(j, size):
            entry = (
                info[:, 0, 0] * j_eta[:, j] * j_eta[:, k]
                + info[:, 0, 1] * (j_eta[:, j] * j_tau[:, k] + j_tau[:, j] * j_eta[:, k])
                + info[:, 1, 1] * j_tau[:, j] * j_tau[:, k]
            )
            information[:, j, k] = information[:, k, j] = np.bincount(data.rater, entry, data.n_raters)
    value = np.bincount(data.rater, log_p, data.n_raters)
    return np.asarray(score, dtype=np.float64), information, np.asarray(value, dtype=np.float64)


def _clip(params: FloatArray, ties: bool) -> FloatArray:
    clipped = np.clip(params, -BOUND, BOUND)
    if ties:
        clipped[:, -1] = np.clip(clipped[:, -1], *THETA_RANGE)
    return clipped


def maximum_a_posteriori(
    data: RaterData, centre: FloatArray, sd: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Each rater's traits under the normal prior N(``centre``, ``sd``²) and their Fisher information."""
    precision = 1.0 / np.square(sd)
    params = np.tile(centre, (data.n_raters, 1)).astype(float)
    information: FloatArray = np.zeros((data.n_raters, data.n_params, data.n_params))
    for _ in range(ITERATIONS):
        score, information, _ = _score_and_information(data, params)
        score = score - (params - centre) * precision
        system = information + np.diag(precision)[None, :, :]
        step = np.linalg.solve(system, score[:, :, None])[:, :, 0]
        step = np.clip(step, -MAX_STEP, MAX_STEP)
        params = _clip(params + step, data.ties)
        if np.max(np.abs(step)) < 1e-8:
            break
    return params, information


def fit_rater_traits(data: RaterData) -> FloatArray:
    """Every rater's (a, β[, w][, θ]) by empirical Bayes (see the module docstring)."""
    start = np.array([1.0, 0.0] + ([0.0] if data.has_feature else []) + ([0.0] if data.ties else []))
    pooled = RaterData(
        np.zeros_like(data.rater), data.d, data.x, data.outcome, 1, data.ties, data.has_feature
    )
    centre, _ = maximum_a_posteriori(pooled, start, np.full(len(start), WIDE_PRIOR_SD))
    centre = centre[0]
    wide, information = maximum_a_posteriori(data, centre, np.full(len(start), WIDE_PRIOR_SD))
    counts = np.bincount(data.rater, minlength=data.n_raters)
    enough = counts >= MIN_SPREAD_ANSWERS
    if enough.sum() < 2:
        enough = counts > 0
    diagonal = np.diagonal(information, axis1=1, axis2=2)
    noise = np.mean(1.0 / np.maximum(diagonal[enough], 1e-9), axis=0)
    spread = np.var(wide[enough], axis=0, ddof=1) if enough.sum() > 1 else np.zeros(len(start))
    sd = np.sqrt(np.maximum(spread - noise, MIN_PRIOR_SD**2))
    final, _ = maximum_a_posteriori(data, centre, sd)
    return final


def rater_traits(answers: pd.DataFrame, quality: pd.Series, feature: pd.Series | None = None) -> pd.DataFrame:
    """Per rater of ``answers`` (pairwise answers table): ``answers``, ``skill``, ``tie_propensity``
    (NaN when the export has no tie answer), ``left`` and ``weight`` (0 without a feature), from
    ``quality`` (standardised, by item) and ``feature`` (standardised, by item)."""
    d = quality.reindex(pd.Index(answers["right"])).to_numpy(dtype=float) - quality.reindex(
        pd.Index(answers["left"])
    ).to_numpy(dtype=float)
    if feature is not None:
        x = feature.reindex(pd.Index(answers["right"])).to_numpy(dtype=float) - feature.reindex(
            pd.Index(answers["left"])
        ).to_numpy(dtype=float)
    else:
        x = np.zeros(len(answers))
    known = np.isfinite(d)
    x = np.nan_to_num(x)
    workers, codes = np.unique(answers["worker"].to_numpy(), return_inverse=True)
    outcome = pd.Index(["left", "right", "tie"]).get_indexer(pd.Index(answers["label"]))
    ties = bool((outcome == 2).any())
    data = RaterData(
        rater=codes[known].astype(np.intp),
        d=d[known],
        x=x[known],
        outcome=outcome[known].astype(np.intp),
        n_raters=len(workers),
        ties=ties,
        has_feature=feature is not None and bool(np.any(x[known] != 0)),
    )
    params = fit_rater_traits(data)
    column = 2
    weight: FloatArray = np.zeros(len(workers))
    if data.has_feature:
        weight = params[:, column]
        column += 1
    table = pd.DataFrame(
        {
            "answers": np.bincount(codes, minlength=len(workers)),
            "skill": expit(params[:, 0]),
            "tie_propensity": 2 * expit(np.exp(params[:, -1])) - 1 if ties else np.nan,
            "left": expit(-params[:, 1]),
            "weight": weight,
        },
        index=pd.Index(workers, name="worker"),
    )
    return table
