"""A ratings population fitted to the raters of an export (``crowd-sandbox fit``), usable by ``run``.

:func:`fit_ratings_population` reads the raters through :func:`~sandbox.kinds.ratings.report.ratings_report`
(each rater's verdict, and the affine model's offset, slope and noise) and writes

- each archetype's share (the verdicts), and for the raters who look (honest, lenient, harsh,
  central tendency, extreme, speeders) their fitted ``offset`` and ``slope``, as values to draw from;
- each such rater's own ``noise``, separated from the items' ambiguity: a rating's squared residual
  under the model is the rater's variance plus the item's (``E r² = σ_w² + α_i²``), solved by
  alternating moment estimates; an item's ambiguity becomes its difficulty (``α_i / ITEM_NOISE``,
  the population's ``[items] difficulty`` values), so that the twin's items disagree as much, and as
  unevenly, as the real ones;
- straight-liners' ``point`` (their one rating, as a share of the range); random raters' own level and
  scatter (``point``, ``noise``: the mean and sd of their ratings); speeders' share of answers
  left where the interface starts them (``stays``) and that start (the middle of their one favourite
  rating);
- activity (Zipf exponent of answers per rater).

Everything is in shares of the scale's range. Without gold the crowd's average rater is unbiased by
definition (the model's convention); with gold on at least :data:`MIN_GOLD` items, offsets and slopes
are measured against the gold (the consensus regressed on the gold scores). Lists of values longer
than :data:`MAX_VALUES` are summarised by that many quantiles (each trait is drawn on its own).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sandbox.aggregation.fast.ratings import RaterModel, RaterOffsetScale
from sandbox.fitting.population import shares, zipf_exponent
from sandbox.kinds.ratings.aggregation import encode_rating_codes
from sandbox.kinds.ratings.answers import scale_of
from sandbox.kinds.ratings.calibration import LOOKING, calibrate_noise, item_difficulty
from sandbox.kinds.ratings.report import ARCHETYPES, MODEL, ratings_report

MIN_GOLD = 10
MAX_VALUES = 1000
#: Noise of a rater, in shares of the range, is kept at least this (a perfect fit of a few ratings).
MIN_NOISE = 0.005


@dataclass(frozen=True)
class FittedRatingsCrowd:
    """``population``: a dict in the population TOML schema (kind ratings); ``workers``: per rater
    ``answers, archetype, reason, noise, offset, slope, point, stays`` (shares of the range);
    ``difficulty``: per item, the fitted difficulty; ``positions``: per item, its fitted latent score
    as a position on the range (beyond 0..1 for an item every rater puts at an end; what a twin's
    items are drawn from)."""

    population: dict[str, Any]
    workers: pd.DataFrame
    difficulty: pd.Series
    positions: pd.Series


def _values(values: pd.Series, digits: int = 4) -> list[float]:
    """A trait's values for the population file: rounded, and as :data:`MAX_VALUES` quantiles when
    there are more."""
    array = np.sort(values.dropna().to_numpy(dtype=float))
    if len(array) > MAX_VALUES:
        array = np.quantile(array, (np.arange(MAX_VALUES) + 0.5) / MAX_VALUES)
    return [round(float(v), digits) for v in array]


def fit_ratings_population(
    answers: pd.DataFrame,
    *,
    name: str,
    gold: pd.Series | None = None,
    cost_per_label: float = 0.0,
    engine: str = "fast",
) -> FittedRatingsCrowd:
    """A ratings population fitted to the raters of ``answers`` (see the module docstring)."""
    scale = scale_of(answers)
    span = scale.span
    report = ratings_report(answers, aggregator=MODEL, engine=engine, gold=gold)
    raters = report.annotators
    codes = encode_rating_codes(answers)
    model = RaterOffsetScale(pool=False).fit_coded(codes.ratings)  # each rater's own estimate
    names, tasks = codes.ratings.worker_names, codes.ratings.task_names
    latent = pd.Series((model.latent_ - scale.low) / span - 0.5, index=tasks)  # centred positions
    offset = pd.Series(model.unit_["a"], index=names).reindex(raters.index)
    slope = pd.Series(model.unit_["b"], index=names).reindex(raters.index)
    if gold is not None:
        known = gold.reindex(latent.index).dropna()
        if len(known) >= MIN_GOLD and known.std() > 0:
            d, c = np.polyfit((known - scale.low) / span - 0.5, latent[known.index], 1)
            offset, slope = offset + slope * c, slope * d
    workers = raters[["answers", "archetype", "reason"]].copy()
    workers["offset"], workers["slope"] = offset, slope
    workers["noise"] = pd.Series(np.sqrt(model.unit_["variance"]), index=names).reindex(workers.index)
    ambiguity = item_ambiguity(
        codes.ratings, model, workers["archetype"].reindex(names).isin(LOOKING).to_numpy()
    )
    favourite = (raters["top_rating"] - scale.low) / span
    workers["favourite"] = favourite
    workers["point"] = favourite.where(workers["archetype"] == "straight_liner")
    careless = workers["archetype"] == "random"  # their own level and scatter, not the item
    by_rater = answers.groupby("worker")["label"]
    workers.loc[careless, "point"] = ((by_rater.mean() - scale.low) / span).reindex(workers.index)[careless]
    scatter = (by_rater.std(ddof=0) / span).reindex(workers.index)
    workers.loc[careless, "noise"] = scatter[careless]
    speeders = workers["archetype"] == "speeder"
    workers["stays"] = (
        ((raters["top_share"] - raters["others_rate"]) / (1 - raters["others_rate"]))
        .clip(0, 1)
        .where(speeders)
    )
    population = _population(workers, pd.Series(0.0, index=tasks), name, len(answers), scale, cost_per_label)
    fitted = FittedRatingsCrowd(
        population, workers, pd.Series(0.0, index=tasks), (latent + 0.5).rename("position")
    )
    noise_scale, item_share = calibrate_noise(answers, fitted, ambiguity)
    difficulty = item_difficulty(ambiguity, workers, noise_scale, item_share)  # from the raters' σ_w
    looking = workers["archetype"].isin(LOOKING)
    workers["noise"] = (noise_scale * np.sqrt(1 - item_share) * workers["noise"]).where(
        looking, workers["noise"]
    )
    workers["noise"] = workers["noise"].clip(lower=MIN_NOISE)
    population = _population(workers, difficulty, name, len(answers), scale, cost_per_label)
    population["items"] = {"difficulty": {"values": _values(difficulty)}}
    return FittedRatingsCrowd(population, workers, difficulty, fitted.positions)


def _population(
    workers: pd.DataFrame, difficulty: pd.Series, name: str, n_answers: int, scale: Any, cost_per_label: float
) -> dict[str, Any]:
    """The population file of the fitted raters (``workers``) and items."""
    counts = workers["archetype"].value_counts().to_dict()
    archetype_shares = shares({a: int(counts.get(a, 0)) for a in ARCHETYPES})
    archetypes: dict[str, dict[str, Any]] = {}
    for archetype, share in archetype_shares.items():
        members = workers[workers["archetype"] == archetype]
        table: dict[str, Any] = {"share": share}
        if archetype in LOOKING:
            table["noise"] = {"values": _values(members["noise"].clip(0, 1))}
            table["offset"] = {"values": _values(members["offset"].clip(-1, 1))}
            table["slope"] = {"values": _values(members["slope"].clip(0, 10))}
        if archetype in ("straight_liner", "random"):
            table["point"] = {"values": _values(members["point"].clip(0, 1))}
        if archetype == "random":
            table["noise"] = {"values": _values(members["noise"].clip(0, 1))}
        if archetype == "speeder":
            table["stays"] = {"values": _values(members["stays"].fillna(0.0))}
            table["start"] = round(float(np.clip(members["favourite"].median(), 0, 1)), 4)
        archetypes[archetype] = table
    exponent = zipf_exponent(workers["answers"])
    return {
        "kind": "ratings",
        "name": name,
        "description": f"fitted from {n_answers} real ratings of {len(workers)} raters on {scale}",
        "pool_size": len(workers),
        "cost_per_label": float(cost_per_label),
        "activity": {"zipf": exponent} if exponent >= 0.05 else "uniform",
        "archetypes": archetypes,
        "items": {"difficulty": {"values": _values(difficulty)}},
    }


def item_ambiguity(coded: Any, model: RaterModel, looking: np.ndarray[Any, Any]) -> pd.Series:
    """Each item's relative ambiguity: the root mean square of the ratings of raters who look around
    what the model expects of them (on the scale, clipped), scaled to a mean square of 1."""
    a, b, mu = model.unit_["a"], model.unit_["b"], model.unit_["mu"]
    expected = np.clip(a[coded.worker] + b[coded.worker] * mu[coded.task], -0.5, 0.5)
    residual = coded.unit() - 0.5 - expected
    keep = looking[coded.worker]
    squares = np.bincount(coded.task[keep], weights=residual[keep] ** 2, minlength=coded.n_tasks)
    counts = np.bincount(coded.task[keep], minlength=coded.n_tasks)
    mean_square = np.divide(squares, counts, out=np.zeros(coded.n_tasks), where=counts > 0)
    level = float(np.mean(mean_square[counts > 0])) if (counts > 0).any() else 0.0
    relative = np.sqrt(mean_square / level) if level > 0 else np.ones(coded.n_tasks)
    relative[counts == 0] = 1.0
    return pd.Series(relative, index=coded.task_names, name="ambiguity")


def ratings_population_toml(fitted: FittedRatingsCrowd, source: str) -> str:
    """The fitted population as a TOML file with a comment header."""
    import tomli_w

    counts = fitted.workers["archetype"].value_counts()
    header = [
        f"# Ratings population fitted by `crowd-sandbox fit` from {source}",
        f"# ({int(fitted.workers['answers'].sum())} ratings, {len(fitted.workers)} raters).",
        "# Raters mapped to archetypes: " + ", ".join(f"{k} {v}" for k, v in counts.items()) + ".",
        "# noise, offset and slope are shares of the scale's range (offset at its middle; slope 1 = as far",
        "# apart as the items are); the items' difficulty is their fitted ambiguity (sd / 0.5 of the range).",
        "",
    ]
    return "\n".join(header) + tomli_w.dumps(fitted.population)
