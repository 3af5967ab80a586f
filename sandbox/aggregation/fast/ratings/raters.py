"""Rater models fitted jointly with the item scores (continuous-label truth inference): each rater
``w`` sees item ``i`` as ``a_w + b_w · μ_i + ε``, ε ~ N(0, σ_w²) — an *additive* model (an offset
``a_w`` per rater, ``b_w = 1``: :class:`RaterOffset`) or an *affine* one (an offset and a scale use
``b_w``: :class:`RaterOffsetScale`). Lenient and harsh raters are offsets, central-tendency and
extreme raters slopes below and above 1, careless ones a large σ_w, which weighs them down.

Everything is in shares of the scale's range, measured from its middle (ratings ``y = (rating −
low) / range − ½``, so an offset is a rater's distance from an unbiased one at the middle of the
scale, and a slope pivots there, as in the archetypes' model). A rating at an end of the scale is
*censored* (``censored=True``, the default): it says only that what the rater saw was beyond half a
step short of the end (beyond the end on a continuous scale) — a rater who rates an item 100 on a
0–100 slider may have seen 100 or 130. The fit is the maximum a posteriori point of

    J = Σ_{k inside} [ (y_k − m_k)² / (2 σ_w²) + ½ log σ_w² ] − Σ_{k at the top} log Φ((m_k − c_hi) / σ_w)
        − Σ_{k at the bottom} log Φ((c_lo − m_k) / σ_w)
        + Σ_w [ ν/2 · log σ_w² + ν σ0² / (2 σ_w²) + a_w² / (2 τ_a²) + (b_w − 1)² / (2 τ_b²) ]
        + Σ_i (μ_i − m)² / (2 s²),       m_k = a_w + b_w μ_i,

(``m``: the mean rating; the priors keep raters with few answers near an unbiased rater, and pin
the offsets and slopes against the item scores, which could otherwise trade places). With
``pool=True`` (the default) the priors' spreads are the crowd's own (empirical Bayes): after each
fit, τ_a, τ_b, σ0 and s are set to the spread the fit finds in the offsets, slopes, noise and item
scores (squared estimates plus posterior variances), and the fit is repeated until they settle
(:data:`POOL_ROUNDS`), so that a crowd of a few ratings per rater shrinks its offsets hard and one of
hundreds hardly at all; the hyperparameters are then where they start. J is maximised for given
priors by
expectation–conditional maximisation: censored ratings are replaced by their expected value beyond
the threshold (the truncated normal's mean, its variance added to the rater's residuals), then item
scores, each rater's (a, b) (a 2 × 2 linear system) and σ_w² are each maximised in closed form, and
two exact line moves along which the ratings do not change (``μ + c, a − b c`` and ``λ μ, b / λ``)
take the slow directions in one step; J never increases. An item's ``latent_`` score may lie beyond
the scale (an item every rater puts at the top); its ``scores_`` are clipped to the scale. The fit's
zero and unit are the crowd's average rater's (:func:`average_rater`). Validated against a plain
reference that minimises the same J with scipy's L-BFGS (``tests/fast/test_ratings_raters.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, ClassVar

import numpy as np
from numpy.typing import NDArray
from pydantic import Field
from scipy.special import log_ndtr

from sandbox.aggregation.fast.ratings.base import FastRatings
from sandbox.aggregation.fast.ratings.coding import CodedRatings
from sandbox.aggregation.hyperparameters import Iterations, NonNegative, Positive

FloatArray = NDArray[np.float64]
#: A convergence tolerance on the item scores (shares of the range).
ScoreTolerance = Annotated[float, Field(ge=0.0, lt=1.0)]
#: Variances are kept at least this large (shares of the range, squared): a rater whose every answer
#: is fitted exactly would otherwise weigh infinitely.
VARIANCE_FLOOR = 1e-10
#: Ratings and item scores are measured from the middle of the range (see the module docstring).
MIDDLE = 0.5
_LOG_ROOT_TWO_PI = 0.5 * np.log(2 * np.pi)
#: Empirical Bayes rounds (``pool=True``): fit, set the priors' spreads from the fit, refit, ...
POOL_ROUNDS = 20
POOL_TOLERANCE = 0.02
#: How closely each fit of the pooling rounds converges (the last fit converges to ``tol``).
POOL_FIT_TOLERANCE = 1e-3
#: The priors' spreads are kept at least this (shares of the range; a slope's spread likewise).
PRIOR_FLOOR = 0.005


def censoring(coded: CodedRatings) -> tuple[NDArray[np.bool_], NDArray[np.bool_], float, float]:
    """Which ratings are at the top and at the bottom of the scale, and the thresholds beyond which
    they say the rater's view lay (centred shares of the range: half a step short of the ends)."""
    half_step = 0.5 * coded.step / coded.span
    return (
        coded.value >= coded.high,
        coded.value <= coded.low,
        MIDDLE - half_step,
        -MIDDLE + half_step,
    )


def truncated_moments(
    mean: FloatArray, sd: FloatArray, threshold: float, above: bool
) -> tuple[FloatArray, FloatArray]:
    """Mean and variance of N(mean, sd²) given it lies above (or below) ``threshold``."""
    alpha = (threshold - mean) / sd
    tail = -alpha if above else alpha
    ratio = np.exp(-0.5 * alpha**2 - _LOG_ROOT_TWO_PI - log_ndtr(tail))  # φ(α) / Φ(tail)
    if above:
        expected, shrink = mean + sd * ratio, 1.0 + alpha * ratio - ratio**2
    else:
        expected, shrink = mean - sd * ratio, 1.0 - alpha * ratio - ratio**2
    return expected, sd**2 * np.clip(shrink, 0.0, 1.0)


@dataclass(frozen=True)
class _Problem:
    """What every step of a fit reads: codes, centred ratings, which are censored where, counts."""

    task: NDArray[np.intp]
    worker: NDArray[np.intp]
    observed: FloatArray
    top: NDArray[np.bool_]
    bottom: NDArray[np.bool_]
    high: float
    low: float
    censored: bool
    counts: FloatArray
    centre: float
    n_tasks: int
    n_workers: int
    top_at: NDArray[np.intp]
    bottom_at: NDArray[np.intp]
    inside: FloatArray
    counts_inside: FloatArray

    @classmethod
    def of(cls, coded: CodedRatings, censored: bool) -> _Problem:
        observed = coded.unit() - MIDDLE
        top, bottom, high, low = censoring(coded)
        censored = censored and bool(top.any() or bottom.any())
        none = np.zeros(len(observed), dtype=bool)
        top, bottom = (top, bottom) if censored else (none, none)
        inside = (~(top | bottom)).astype(float)
        return cls(
            task=coded.task,
            worker=coded.worker,
            observed=observed,
            top=top,
            bottom=bottom,
            high=high,
            low=low,
            censored=censored,
            counts=np.bincount(coded.worker, minlength=coded.n_workers).astype(float),
            centre=float(observed.mean()),
            n_tasks=coded.n_tasks,
            n_workers=coded.n_workers,
            top_at=np.flatnonzero(top),
            bottom_at=np.flatnonzero(bottom),
            inside=inside,
            counts_inside=np.bincount(coded.worker, weights=inside, minlength=coded.n_workers).astype(float),
        )


def _pack(mu: FloatArray, a: FloatArray, b: FloatArray, variance: FloatArray) -> FloatArray:
    """The parameters as one vector (variances as logs, so that extrapolating keeps them positive)."""
    return np.concatenate([mu, a, b, np.log(variance)])


def _unpack(
    theta: FloatArray, n_tasks: int, n_workers: int
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    mu = theta[:n_tasks]
    a = theta[n_tasks : n_tasks + n_workers]
    b = theta[n_tasks + n_workers : n_tasks + 2 * n_workers]
    variance = np.maximum(np.exp(theta[n_tasks + 2 * n_workers :]), VARIANCE_FLOOR)
    return mu, a, b, variance


class RaterModel(FastRatings):
    """The fit of the module docstring; ``fit_slopes`` says whether raters have a scale use of their
    own (the affine model) or not (the additive one)."""

    fit_slopes: ClassVar[bool] = True

    latent_: FloatArray
    expected_squares_: FloatArray
    objective_: float

    def __init__(
        self,
        n_iter: Iterations = 500,
        tol: ScoreTolerance = 1e-7,
        offset_prior: Positive = 0.25,
        scale_prior: Positive = 0.5,
        noise_prior: Positive = 0.1,
        noise_prior_strength: NonNegative = 2.0,
        item_prior: Positive = 0.5,
        censored: bool = True,
        pool: bool = True,
    ) -> None:
        self.n_iter = n_iter
        self.tol = tol
        self.offset_prior = offset_prior
        self.scale_prior = scale_prior
        self.noise_prior = noise_prior
        self.noise_prior_strength = noise_prior_strength
        self.item_prior = item_prior
        self.censored = censored
        self.pool = pool

    def fit_coded(self, coded: CodedRatings) -> RaterModel:
        problem = _Problem.of(coded, self.censored)
        n_workers = coded.n_workers
        self.offset_prior_, self.scale_prior_ = self.offset_prior, self.scale_prior
        self.noise_prior_, self.item_prior_ = self.noise_prior, self.item_prior
        a: FloatArray = np.zeros(n_workers)
        b: FloatArray = np.ones(n_workers)
        variance: FloatArray = np.full(n_workers, self.noise_prior**2)
        mu = self._items(problem, problem.observed, a, b, variance)
        theta = _pack(mu, a, b, variance)
        self.converged_, self.n_iter_ = False, 0
        rounds = POOL_ROUNDS if self.pool else 0
        for _ in range(rounds):  # the priors settle on loose fits; the last fit is to ``tol``
            theta, value = self._fit_given_priors(problem, theta, max(self.tol, POOL_FIT_TOLERANCE))
            if not self._pool_priors(problem, theta):
                break
        theta, value = self._fit_given_priors(problem, theta, self.tol)
        mu, a, b, variance = _unpack(theta, coded.n_tasks, n_workers)
        y, extra = self._expected(problem, a, b, mu, variance)
        counts = problem.counts
        mu, a, b = average_rater(mu, a, b, counts * np.clip(b, 0.0, 1.0) ** 2)
        self.expected_squares_ = (y - a[problem.worker] - b[problem.worker] * mu[problem.task]) ** 2 + extra
        self.objective_ = value
        self._store(coded, mu, a, b, variance, problem.centre)
        return self

    def _fit_given_priors(self, problem: _Problem, theta: FloatArray, tol: float) -> tuple[FloatArray, float]:
        """The maximum of J (module docstring) with the priors as they stand, from ``theta``, to a
        largest change of the item scores of ``tol``."""
        value = self.objective(problem, theta)
        self.converged_ = False
        while self.n_iter_ < self.n_iter:
            proposal = self._squarem(problem, theta, value)
            self.n_iter_ += 3
            change = float(np.max(np.abs(proposal[: problem.n_tasks] - theta[: problem.n_tasks])))
            theta, value = proposal, self.objective(problem, proposal)
            if change <= tol:
                self.converged_ = True
                break
        return theta, value

    def _pool_priors(self, problem: _Problem, theta: FloatArray) -> bool:
        """Empirical Bayes: the priors' spreads set to what the fit says the crowd's offsets, slopes,
        noise and items spread by (their squared estimates plus their posterior variances, averaged);
        returns whether any moved by more than :data:`POOL_TOLERANCE` (relative)."""
        mu, a, b, variance = _unpack(theta, problem.n_tasks, problem.n_workers)
        task, worker, counts = problem.task, problem.worker, problem.counts
        m = mu[task]
        sum_m = np.bincount(worker, weights=m, minlength=problem.n_workers)
        sum_mm = np.bincount(worker, weights=m * m, minlength=problem.n_workers)
        pa, pb = variance / self.offset_prior_**2, variance / self.scale_prior_**2
        r = sum_mm + pb if self.fit_slopes else np.ones(problem.n_workers)
        q = sum_m if self.fit_slopes else np.zeros(problem.n_workers)
        determinant = (counts + pa) * r - q * q
        var_a = variance * r / determinant
        offset = float(np.sqrt(np.mean(a**2 + var_a)))
        scale = self.scale_prior_
        if self.fit_slopes:
            var_b = variance * (counts + pa) / determinant
            scale = float(np.sqrt(np.mean((b - 1) ** 2 + var_b)))
        precision = np.bincount(task, weights=b[worker] ** 2 / variance[worker], minlength=problem.n_tasks)
        item = float(
            np.sqrt(np.mean((mu - problem.centre) ** 2 + 1.0 / (precision + 1.0 / self.item_prior_**2)))
        )
        noise = float(np.sqrt(np.sum(counts * variance) / max(np.sum(counts), 1.0)))
        new = [max(v, PRIOR_FLOOR) for v in (offset, scale, noise, item)]
        old = [self.offset_prior_, self.scale_prior_, self.noise_prior_, self.item_prior_]
        self.offset_prior_, self.scale_prior_, self.noise_prior_, self.item_prior_ = new
        return any(abs(n - o) > POOL_TOLERANCE * o for n, o in zip(new, old, strict=True))

    def sweep(self, problem: _Problem, theta: FloatArray) -> FloatArray:
        """One ECM iteration (module docstring): expected ratings, raters, variances, items, the two
        line moves. J never increases."""
        mu, a, b, variance = _unpack(theta, problem.n_tasks, problem.n_workers)
        task, worker = problem.task, problem.worker
        y, extra = self._expected(problem, a, b, mu, variance)
        a, b = self._raters(problem, y, mu, variance)
        residual = y - a[worker] - b[worker] * mu[task]
        variance = self._variances(problem, residual**2 + extra)
        mu = self._items(problem, y, a, b, variance)
        mu, a = self._shift(mu, a, b, problem.centre)
        if self.fit_slopes:
            mu, b = self._stretch(mu, b, problem.centre)
        return _pack(mu, a, b, variance)

    def _squarem(self, problem: _Problem, theta: FloatArray, value: float) -> FloatArray:
        """Three sweeps' worth of progress by SQUAREM (Varadhan & Roland 2008: squared
        extrapolation of the fixed-point map), kept only when J is no worse than two plain sweeps'."""
        first = self.sweep(problem, theta)
        second = self.sweep(problem, first)
        r, v = first - theta, second - 2 * first + theta
        norm_v = float(np.sqrt(v @ v))
        if norm_v == 0:
            return second
        alpha = min(-float(np.sqrt(r @ r)) / norm_v, -1.0)
        jumped = self.sweep(problem, theta - 2 * alpha * r + alpha**2 * v)
        safe = self.sweep(problem, second)
        if np.all(np.isfinite(jumped)) and self.objective(problem, jumped) <= self.objective(problem, safe):
            return jumped
        return safe

    def objective(self, problem: _Problem, theta: FloatArray) -> float:
        """J of the module docstring at ``theta`` (packed item scores, offsets, slopes, log variances)."""
        mu, a, b, variance = _unpack(theta, problem.n_tasks, problem.n_workers)
        task, worker = problem.task, problem.worker
        mean = a[worker] + b[worker] * mu[task]
        squares = np.bincount(
            worker, weights=problem.inside * (problem.observed - mean) ** 2, minlength=len(a)
        )
        total = float(np.sum(squares / (2 * variance) + 0.5 * problem.counts_inside * np.log(variance)))
        sd = np.sqrt(variance)
        for at, sign, threshold in (
            (problem.top_at, 1.0, problem.high),
            (problem.bottom_at, -1.0, problem.low),
        ):
            if len(at):
                total -= float(np.sum(log_ndtr(sign * (mean[at] - threshold) / sd[worker[at]])))
        strength, s0 = self.noise_prior_strength, self.noise_prior_**2
        total += float(np.sum(0.5 * strength * np.log(variance) + strength * s0 / (2 * variance)))
        total += float(np.sum(a**2)) / (2 * self.offset_prior_**2)
        if self.fit_slopes:
            total += float(np.sum((b - 1) ** 2)) / (2 * self.scale_prior_**2)
        total += float(np.sum((mu - problem.centre) ** 2)) / (2 * self.item_prior_**2)
        return total

    @staticmethod
    def _expected(
        problem: _Problem, a: FloatArray, b: FloatArray, mu: FloatArray, variance: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        """The E-step: censored ratings' expected values beyond their threshold, and their variances."""
        y, extra = problem.observed.copy(), np.zeros(len(problem.observed))
        if not problem.censored:
            return y, extra
        worker, task = problem.worker, problem.task
        sd = np.sqrt(variance)
        for at, threshold, above in (
            (problem.top_at, problem.high, True),
            (problem.bottom_at, problem.low, False),
        ):
            if len(at):
                mean = a[worker[at]] + b[worker[at]] * mu[task[at]]
                y[at], extra[at] = truncated_moments(mean, sd[worker[at]], threshold, above)
        return y, extra

    def _items(
        self, problem: _Problem, y: FloatArray, a: FloatArray, b: FloatArray, variance: FloatArray
    ) -> FloatArray:
        """Each item's score given the raters: a precision-weighted mean of ``(y − a) / b`` with the prior."""
        task, worker, n_tasks = problem.task, problem.worker, problem.n_tasks
        weight = b[worker] / variance[worker]
        prior = 1.0 / self.item_prior_**2
        numerator = (
            np.bincount(task, weights=weight * (y - a[worker]), minlength=n_tasks) + prior * problem.centre
        )
        precision = np.bincount(task, weights=weight * b[worker], minlength=n_tasks) + prior
        result: FloatArray = numerator / precision
        return result

    def _shift(
        self, mu: FloatArray, a: FloatArray, b: FloatArray, centre: float
    ) -> tuple[FloatArray, FloatArray]:
        """The best move along ``μ + c, a − b c`` (the ratings ``a + b μ`` do not change, only the
        priors do): the direction coordinate ascent crawls along, taken in one exact step."""
        pa, pm = 1.0 / self.offset_prior_**2, 1.0 / self.item_prior_**2
        c = (pa * float(a @ b) - pm * float(np.sum(mu - centre))) / (pa * float(b @ b) + pm * len(mu))
        return mu + c, a - b * c

    def _stretch(self, mu: FloatArray, b: FloatArray, centre: float) -> tuple[FloatArray, FloatArray]:
        """The best move along ``λ μ, b / λ`` (the ratings do not change, only the priors do), by
        Newton's method on λ from 1 (steps kept within a factor 2)."""
        pb, pm = 1.0 / self.scale_prior_**2, 1.0 / self.item_prior_**2
        mm, mc = float(mu @ mu), float(np.sum(mu) * centre)
        bb, b1 = float(b @ b), float(np.sum(b))
        scale = 1.0
        for _ in range(20):
            # f(λ) = pb/2 Σ (b/λ − 1)² + pm/2 Σ (λ μ − m)²
            gradient = pb * (-bb / scale**3 + b1 / scale**2) + pm * (scale * mm - mc)
            curvature = pb * (3 * bb / scale**4 - 2 * b1 / scale**3) + pm * mm
            if curvature <= 0:
                return mu, b
            step = gradient / curvature
            scale = float(np.clip(scale - step, 0.5 * scale, 2.0 * scale))
            if abs(step) < 1e-12:
                break
        return scale * mu, b / scale

    def _raters(
        self, problem: _Problem, y: FloatArray, mu: FloatArray, variance: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        """Each rater's offset (and slope) given the items: the 2 × 2 normal equations with the priors."""
        worker, counts, n_workers = problem.worker, problem.counts, problem.n_workers
        m = mu[problem.task]
        sum_m = np.bincount(worker, weights=m, minlength=n_workers)
        sum_y = np.bincount(worker, weights=y, minlength=n_workers)
        offset_precision = variance / self.offset_prior_**2  # the prior's weight against the answers
        if not self.fit_slopes:
            return (sum_y - sum_m) / (counts + offset_precision), np.ones(n_workers)
        sum_mm = np.bincount(worker, weights=m * m, minlength=n_workers)
        sum_ym = np.bincount(worker, weights=y * m, minlength=n_workers)
        slope_precision = variance / self.scale_prior_**2
        # [[n + pa, Sm], [Sm, Smm + pb]] [a, b] = [Sy, Sym + pb]
        p, q, r = counts + offset_precision, sum_m, sum_mm + slope_precision
        u, v = sum_y, sum_ym + slope_precision
        determinant = p * r - q * q
        return (r * u - q * v) / determinant, (p * v - q * u) / determinant

    def _variances(self, problem: _Problem, squares: FloatArray) -> FloatArray:
        """Each rater's error variance: ``(Σ E[r²] + ν σ0²) / (n + ν)``."""
        strength = self.noise_prior_strength
        total = np.bincount(problem.worker, weights=squares, minlength=problem.n_workers)
        result = (total + strength * self.noise_prior_**2) / np.maximum(problem.counts + strength, 1e-12)
        return np.maximum(result, VARIANCE_FLOOR)

    def _store(
        self,
        coded: CodedRatings,
        mu: FloatArray,
        a: FloatArray,
        b: FloatArray,
        variance: FloatArray,
        centre: float,
    ) -> None:
        """The fit in the scale's units: scores (clipped to the scale) and latent scores, offsets (an
        unbiased rater is 0), slopes, noise sd; skill = slope / noise (how far apart items show in the
        rater's ratings per unit of error)."""
        span = coded.span
        self.latent_ = coded.low + span * (mu + MIDDLE)
        self.scores_ = np.clip(self.latent_, coded.low, coded.high)
        self.offsets_ = span * a
        self.slopes_ = b
        self.noise_ = span * np.sqrt(variance)
        self.skills_ = b / np.sqrt(variance)
        self.unit_ = {"mu": mu, "a": a, "b": b, "variance": variance, "centre": np.array([centre])}


def average_rater(
    mu: FloatArray, a: FloatArray, b: FloatArray, weights: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The fit re-expressed so that item scores are what the crowd's average rater would give: with
    ``c``, ``d`` the mean offset and slope weighted by ``weights`` (``n_w · clip(b_w, 0, 1)²``: each
    rater by their answers, and raters who do not look — slope 0 — not at all; not by their noise,
    which clipping at the scale's ends makes smaller for lenient and harsh raters), ``μ' = c + d μ``,
    ``a' = a − b c / d`` and ``b' = b / d`` (the same ratings ``a + b μ = a' + b' μ'``), so that the
    weighted mean offset is 0 and the weighted mean slope 1. Without gold nothing else fixes where the
    crowd's zero and unit are: a crowd of lenient raters is its own average."""
    total = float(weights.sum())
    weights = weights / total if total > 0 else np.full(len(weights), 1.0 / max(len(weights), 1))
    c, d = float(weights @ a), float(weights @ b)
    if not np.isfinite(d) or abs(d) < 1e-12:
        return mu, a, b
    return c + d * mu, a - b * c / d, b / d


class RaterOffset(RaterModel):
    """The additive model: an offset per rater (lenient > 0, harsh < 0), slope 1."""

    fit_slopes: ClassVar[bool] = False


class RaterOffsetScale(RaterModel):
    """The affine model: an offset and a slope (scale use) per rater."""

    fit_slopes: ClassVar[bool] = True
