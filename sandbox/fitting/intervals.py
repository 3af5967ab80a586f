"""Predictive intervals for a digital twin, whatever the task kind: is the real value one the twin
could have produced, and does the twin say so sharply?

Contract. A kind validates a fit on held-out data in *splits*. For each split it supplies

- ``real``: the statistics of the real held-out half, ``{metric: value}``;
- ``fit(rng)``: the model fitted on a bootstrap resample of the split's fitted half, the resample
  drawn with ``rng`` (the kind knows what a task is);
- ``replay(model, rng)``: the statistics of one replica of the held-out half, ``{metric: value}``,
  on the held-out half's exact structure (who answered what), with fresh item traits and answers.

:func:`replica_draws` runs ``refits`` fits and ``replays`` replays (replay ``r`` uses fit
``r mod refits``) and returns the replicas' values per metric; :func:`predictive_check` pools the
draws of every split and judges the real values against them, metric by metric (:class:`Metric`
names the binomial reference and the verdict group of each).

What an interval covers, and why coverage is about the stated level. The real held-out value is one
draw of (i) which items are hard or misleading and how the workers answered them, given the
held-out structure, and (ii) the real crowd's parameters, which the fit only estimates. A replay
redraws (i) from the fitted model; the bootstrap refits redraw (ii) at the size of the fitted half
(the spread of a parameter re-estimated on resampled tasks approximates its sampling error). So each
replica is a draw from an approximate posterior predictive distribution of the held-out value, and
if the model is right the real value falls inside the central ``level`` interval of the draws with
probability ``level``. Both structure (which tasks, their truth, which workers) and the split are
conditioned on, not redrawn: the real value is conditional on them too. Not included: model error
(a structure the model cannot express), which is what the check is meant to find. With one fit and
no refits the planted test covers about 70 % for majority vote (README, "validate"): fitting noise is
as large as the held-out noise when the two halves are the same size.

Several splits. The real value compared is the mean of the splits' real values. Each split's draws
are shifted so that their median is the mean of the splits' medians, then pooled: the spread of one
held-out half around the twins' prediction (fitting noise included, by the refits), centred on the
mean prediction, without the between-split spread of the predictions themselves. The real mean's
error is the mean of the splits' errors, which varies no more than one split's, so with more than one
split the coverage is at least ``level`` (exactly it with one split), and the interval is as sharp as
one split's.

The interval is the pair of order statistics ``(j, n + 1 - j)`` of the ``n`` pooled draws with
``j = floor((1 - level) / 2 * (n + 1))``: a new draw from the same distribution falls inside with
probability ``(n + 1 - 2j) / (n + 1)`` (at least ``level``, within ``1 / (n + 1)`` of it), whatever
the distribution. Sharpness is the interval's half-width over the binomial half-width of a share
``p`` (the draws' median) measured on ``trials`` trials at the same level, ``z * sqrt(p (1 - p) /
trials)``: 1 means as sharp as the noise of counting ``trials`` independent outcomes. The verdict of a
group of metrics holds when its real values lie inside (one metric: the interval; several: the
global ``level`` envelope of Myllymäki et al. 2017, by extreme tail probability, so that a faithful
twin passes a group of ten histogram bins as often as a single metric) and the group's sharpness —
its half-widths summed over their binomial half-widths summed, so that a rare bin's lumpy interval
does not decide alone — is at most ``max_sharpness``. ``all`` holds when every group's verdict
does: each group alone misses 10 % of the time for a faithful twin, so ``all`` misses more often
(groups are correlated: majority vote and the wrong-majority share are one number seen twice).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray
from scipy.stats import norm

from foundation.errors import SandboxError
from sandbox.randomness import SeedLike

#: The stated coverage of a replica interval.
LEVEL = 0.9
#: A twin's interval may be at most this many binomial half-widths wide (issue 25).
MAX_SHARPNESS = 1.5
#: Fewest pooled draws that define a 90 % interval by order statistics (j >= 1 needs n >= 19).
MIN_DRAWS = 19

Model = TypeVar("Model")
Statistics = Mapping[str, float]
Draws = dict[str, NDArray[np.float64]]


@dataclass(frozen=True)
class Metric:
    """A compared quantity: its ``name`` (key of the statistics), the ``trials`` behind a real
    value (the binomial reference of its sharpness: tasks for an accuracy, answers for a worker's
    accuracy) and the ``group`` whose verdict it enters (e.g. the ten bins of a histogram)."""

    name: str
    trials: int
    group: str


@dataclass(frozen=True)
class SplitDraws:
    """One split: the real held-out statistics and the replicas' values per metric."""

    real: Statistics
    draws: Draws


@dataclass(frozen=True)
class PredictiveCheck:
    """The judgement of a twin (module docstring).

    ``real``: mean over splits; ``replica``: mean of the pooled (aligned) draws; ``interval``: (lo, hi);
    ``calibrated``: real inside the interval; ``sharpness``: half-width / binomial half-width;
    ``group_sharpness``: per group, the sum of its half-widths over the sum of their binomial ones;
    ``envelope``: per group the share of draws at least as extreme as the real values
    (a p-value; the group is calibrated when it exceeds ``1 - level``); ``verdict``: per group and
    ``all``, calibrated and every sharpness at most ``max_sharpness``. Metrics whose real value is
    undefined (NaN) are left out.
    """

    metrics: tuple[Metric, ...]
    real: dict[str, float]
    replica: dict[str, float]
    interval: dict[str, tuple[float, float]]
    calibrated: dict[str, bool]
    sharpness: dict[str, float]
    group_sharpness: dict[str, float]
    envelope: dict[str, float]
    verdict: dict[str, bool]
    draws: int
    level: float
    max_sharpness: float


def replica_draws(
    fit: Callable[[np.random.Generator], Model],
    replay: Callable[[Model, np.random.Generator], Statistics],
    *,
    replays: int,
    refits: int,
    seed: SeedLike,
) -> Draws:
    """``replays`` replica statistics: ``refits`` models (``fit``, each on its own resample) and
    replay ``r`` on model ``r mod refits``. Every fit and replay has its own stream of ``seed``, so
    the draws do not depend on the order they run in. Returns ``{metric: array of replays}``."""
    if replays < 1 or not 1 <= refits <= replays:
        raise SandboxError(f"need replays >= 1 and 1 <= refits <= replays, got {replays} and {refits}")
    root = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(_entropy(seed))
    fit_seeds, replay_seeds = root.spawn(2)
    models = [fit(np.random.default_rng(s)) for s in fit_seeds.spawn(refits)]
    rows = [
        replay(models[r % refits], np.random.default_rng(s))
        for r, s in enumerate(replay_seeds.spawn(replays))
    ]
    names = list(rows[0])
    return {name: np.array([row.get(name, np.nan) for row in rows], dtype=float) for name in names}


def _entropy(seed: SeedLike) -> int:
    if isinstance(seed, int):
        return seed
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(2**63))
    raise SandboxError("replica draws need an int seed, a SeedSequence or a Generator")


def interval_of(values: NDArray[np.float64], level: float = LEVEL) -> tuple[float, float]:
    """The central ``level`` interval of ``values`` by order statistics (module docstring)."""
    ordered = np.sort(values[~np.isnan(values)])
    n = len(ordered)
    j = int(np.floor((1.0 - level) / 2.0 * (n + 1) + 1e-9))
    if j < 1:
        raise SandboxError(
            f"a {level:.0%} interval needs at least {MIN_DRAWS} replica draws, got {n}: give more replays"
        )
    return float(ordered[j - 1]), float(ordered[n - j])


def binomial_half_width(p: float, trials: int, level: float = LEVEL) -> float:
    """``z * sqrt(p (1 - p) / trials)``, with ``p`` kept half a trial away from 0 and 1."""
    if trials < 1:
        return float("nan")
    edge = 0.5 / trials
    p = min(max(p, edge), 1.0 - edge)
    return float(norm.ppf(0.5 + level / 2.0) * np.sqrt(p * (1.0 - p) / trials))


def predictive_check(
    splits: Sequence[SplitDraws],
    metrics: Sequence[Metric],
    level: float = LEVEL,
    max_sharpness: float = MAX_SHARPNESS,
) -> PredictiveCheck:
    """Judge the real values of ``splits`` against their pooled replica draws (module docstring)."""
    if not splits:
        raise SandboxError("a predictive check needs at least one split")
    kept = [m for m in metrics if not np.isnan(_mean_real(splits, m.name))]
    real = {m.name: _mean_real(splits, m.name) for m in kept}
    pooled = {m.name: _aligned(splits, m.name) for m in kept}
    interval = {name: interval_of(values, level) for name, values in pooled.items()}
    calibrated = {name: bool(lo <= real[name] <= hi) for name, (lo, hi) in interval.items()}
    half = {name: (hi - lo) / 2.0 for name, (lo, hi) in interval.items()}
    reference = {
        m.name: binomial_half_width(float(np.nanmedian(pooled[m.name])), m.trials, level) for m in kept
    }
    sharpness = {name: _ratio(half[name], reference[name]) for name in half}
    groups: dict[str, list[str]] = {}
    for metric in kept:
        groups.setdefault(metric.group, []).append(metric.name)
    envelope, verdict, group_sharpness = {}, {}, {}
    for group, names in groups.items():
        envelope[group] = _envelope_p(real, pooled, names)
        inside = calibrated[names[0]] if len(names) == 1 else envelope[group] > 1.0 - level
        group_sharpness[group] = _ratio(sum(half[n] for n in names), sum(reference[n] for n in names))
        verdict[group] = bool(inside and not group_sharpness[group] > max_sharpness)  # NaN: not judged
    verdict["all"] = all(verdict.values())
    return PredictiveCheck(
        metrics=tuple(kept),
        real=real,
        replica={name: float(np.nanmean(values)) for name, values in pooled.items()},
        interval=interval,
        calibrated=calibrated,
        sharpness=sharpness,
        group_sharpness=group_sharpness,
        envelope=envelope,
        verdict=verdict,
        draws=min(len(v) for v in pooled.values()) if pooled else 0,
        level=level,
        max_sharpness=max_sharpness,
    )


def _aligned(splits: Sequence[SplitDraws], name: str) -> NDArray[np.float64]:
    """The splits' draws of ``name``, each shifted to the mean of their medians, pooled."""
    draws = [np.asarray(s.draws[name], dtype=float) for s in splits]
    medians = [float(np.nanmedian(d)) if not np.isnan(d).all() else np.nan for d in draws]
    centre = float(np.nanmean(medians)) if not np.isnan(medians).all() else np.nan
    return np.concatenate(
        [d - m + centre if not np.isnan(m) else d for d, m in zip(draws, medians, strict=True)]
    )


def _ratio(width: float, reference: float) -> float:
    """``width / reference``; NaN when the reference is 0 or undefined (nothing to compare with)."""
    return width / reference if reference > 0 else float("nan")


def _mean_real(splits: Sequence[SplitDraws], name: str) -> float:
    values = [float(s.real.get(name, np.nan)) for s in splits]
    return float(np.mean(values)) if not any(np.isnan(values)) else float("nan")


def _tail(ordered: NDArray[np.float64], value: NDArray[np.float64]) -> NDArray[np.float64]:
    """Two-sided tail of each ``value`` among the sorted draws: min(P(X <= v), P(X >= v)); ties
    count on both sides, so a value equal to many draws is not extreme."""
    n = len(ordered)
    below = np.searchsorted(ordered, value, side="right") / n
    above = (n - np.searchsorted(ordered, value, side="left")) / n
    out: NDArray[np.float64] = np.minimum(below, above)
    return out


def _envelope_p(
    real: Mapping[str, float], pooled: Mapping[str, NDArray[np.float64]], names: Sequence[str]
) -> float:
    """Share of draws whose most extreme tail over ``names`` is at most the real values' (with the
    real values counted as one more draw): the global envelope's p-value by extreme rank."""
    if not names:
        return float("nan")
    real_tail = np.inf
    draw_tail: NDArray[np.float64] | None = None
    for name in names:
        values = pooled[name]
        ordered = np.sort(values[~np.isnan(values)])
        real_tail = min(real_tail, float(_tail(ordered, np.array([real[name]]))[0]))
        tails = np.where(np.isnan(values), np.inf, _tail(ordered, np.nan_to_num(values)))
        draw_tail = tails if draw_tail is None else np.minimum(draw_tail, tails)
    assert draw_tail is not None
    return float((1 + np.sum(draw_tail <= real_tail)) / (len(draw_tail) + 1))
