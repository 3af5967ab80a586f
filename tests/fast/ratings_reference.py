"""A plain reference for the fast rater models: the same objective J
(``sandbox/aggregation/fast/ratings/raters.py``), written term by term, minimised by scipy's L-BFGS
with its analytic gradient; then the same convention for where the crowd's zero and unit are."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize
from scipy.special import log_ndtr
from scipy.stats import norm


@dataclass(frozen=True)
class ReferenceFit:
    """Item scores and rater offsets, slopes and noise sds (shares of the range, from its middle)."""

    mu: NDArray[np.float64]
    a: NDArray[np.float64]
    b: NDArray[np.float64]
    sd: NDArray[np.float64]
    objective: float


def reference_fit(
    task: NDArray[np.intp],
    worker: NDArray[np.intp],
    y: NDArray[np.float64],
    *,
    slopes: bool,
    top: NDArray[np.bool_],
    bottom: NDArray[np.bool_],
    high: float,
    low: float,
    offset_prior: float = 0.25,
    scale_prior: float = 0.5,
    noise_prior: float = 0.1,
    strength: float = 2.0,
    item_prior: float = 0.5,
) -> ReferenceFit:
    """Minimise J over (μ, a, b, log σ²) for centred ratings ``y`` (censored where ``top`` /
    ``bottom``, beyond ``high`` / ``low``)."""
    n_tasks, n_workers = int(task.max()) + 1, int(worker.max()) + 1
    centre = float(y.mean())
    inside = ~(top | bottom)

    def unpack(theta: NDArray[np.float64]) -> tuple[NDArray[np.float64], ...]:
        mu = theta[:n_tasks]
        a = theta[n_tasks : n_tasks + n_workers]
        b = theta[n_tasks + n_workers : n_tasks + 2 * n_workers] if slopes else np.ones(n_workers)
        s = theta[-n_workers:]
        return mu, a, b, s

    def objective(theta: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        mu, a, b, s = unpack(theta)
        m = a[worker] + b[worker] * mu[task]
        v = np.exp(s[worker])
        sd = np.sqrt(v)
        value = 0.0
        d_m = np.zeros(len(y))
        d_s = np.zeros(len(y))
        value += float(np.sum((y[inside] - m[inside]) ** 2 / (2 * v[inside]) + s[worker][inside] / 2))
        d_m[inside] = -(y[inside] - m[inside]) / v[inside]
        d_s[inside] = -((y[inside] - m[inside]) ** 2) / (2 * v[inside]) + 0.5
        for where, sign, threshold in ((top, 1.0, high), (bottom, -1.0, low)):
            z = sign * (m[where] - threshold) / sd[where]
            value -= float(np.sum(log_ndtr(z)))
            ratio = np.exp(norm.logpdf(z) - log_ndtr(z))
            d_m[where] = -sign * ratio / sd[where]
            d_s[where] = ratio * z / 2
        value += float(np.sum(strength / 2 * s + strength * noise_prior**2 / (2 * np.exp(s))))
        value += float(np.sum(a**2)) / (2 * offset_prior**2)
        value += float(np.sum((mu - centre) ** 2)) / (2 * item_prior**2)
        grad_mu = (
            np.bincount(task, weights=d_m * b[worker], minlength=n_tasks) + (mu - centre) / item_prior**2
        )
        grad_a = np.bincount(worker, weights=d_m, minlength=n_workers) + a / offset_prior**2
        grad_s = (
            np.bincount(worker, weights=d_s, minlength=n_workers)
            + strength / 2
            - strength * noise_prior**2 / (2 * np.exp(s))
        )
        parts = [grad_mu, grad_a]
        if slopes:
            value += float(np.sum((b - 1) ** 2)) / (2 * scale_prior**2)
            parts.append(
                np.bincount(worker, weights=d_m * mu[task], minlength=n_workers) + (b - 1) / scale_prior**2
            )
        parts.append(grad_s)
        return value, np.concatenate(parts)

    start = [np.full(n_tasks, centre), np.zeros(n_workers)] + ([np.ones(n_workers)] if slopes else [])
    start.append(np.full(n_workers, np.log(noise_prior**2)))
    found = minimize(
        objective,
        np.concatenate(start),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": 20000, "gtol": 1e-11, "ftol": 1e-15},
    )
    mu, a, b, s = unpack(found.x)
    counts = np.bincount(worker, minlength=n_workers)
    weights = counts * np.clip(b, 0.0, 1.0) ** 2
    weights = weights / weights.sum()
    c, d = float(weights @ a), float(weights @ b)
    return ReferenceFit(c + d * mu, a - b * c / d, b / d, np.sqrt(np.exp(s)), float(found.fun))
