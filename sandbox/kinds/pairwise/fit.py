"""A pairwise population fitted to real raters: the mixture, each rater's comparing traits, their
times, as a population TOML usable by ``run`` and as individual twins for ``validate``.

:func:`fit_pairwise_population`:

1. the quality scale of the items: the gold item scores when known (``score`` of ``--items`` or a
   ``--gold`` item file) as normal scores (gold scores are grades: only their order is taken, on
   the standard normal scale the simulation's quality has), else the Davidson (Bradley–Terry with
   ties) scores of the answers, standardised;
2. the archetype of each rater: the report's flags (:mod:`sandbox.kinds.pairwise.report`):
   ``adversary``, ``random_clicker`` and ``tie_clicker`` are those archetypes; everyone else is
   ``honest`` — position and length biases and speed are traits of honest raters, fitted below;
3. each rater's skill, tie propensity, position lean and weight on the bias feature (``length``,
   else the first numeric item feature): :mod:`sandbox.kinds.pairwise.rater_model`;
4. a random clicker's shares of left, right and tie; a tie clicker's tie rate;
5. times per archetype and per rater (:mod:`sandbox.fitting.times`), when the answers have them;
6. activity: a Zipf exponent of the answers per rater.

The population holds each archetype's traits as the values fitted to its raters (``{ values }``); the
twins (:func:`known_raters`) keep every rater's own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from annotators.population import Population
from foundation.errors import printable
from sandbox.fitting.population import shares, zipf_exponent
from sandbox.fitting.times import FittedTimes, fit_times
from sandbox.kinds.pairwise.aggregation import aggregate_pairs
from sandbox.kinds.pairwise.dataset import normal_scores, nuisance_scale, standardised
from sandbox.kinds.pairwise.evidence import pair_codes
from sandbox.kinds.pairwise.items import bias_feature, item_scores
from sandbox.kinds.pairwise.kind import KIND
from sandbox.kinds.pairwise.rater_model import rater_traits
from sandbox.kinds.pairwise.report import pairwise_report
from sandbox.simulation.replay import KnownWorker

ARCHETYPES = ("honest", "adversary", "random_clicker", "tie_clicker")
#: Archetypes fitted as comparing raters (with skill, ties, lean and weight).
COMPARING = ("honest", "adversary")
#: Decimals kept in the population file.
DIGITS = 6


@dataclass(frozen=True)
class FittedPairwiseCrowd:
    """``population``: a dict in the population TOML schema (kind pairwise); ``workers``: per rater
    ``answers, skill, tie_propensity, left, weight, shares of left/right/tie, median_seconds,
    archetype, reason``; ``feature``: the bias feature (or None); ``times``: the fitted times;
    ``quality``: the standardised quality by item the skills refer to, and where it came from."""

    population: dict[str, Any]
    workers: pd.DataFrame
    feature: str | None
    times: FittedTimes | None
    quality: pd.Series
    quality_source: str = "the items' Davidson scores"


def quality_scale(
    answers: pd.DataFrame, items: pd.DataFrame | None, gold_scores: pd.Series | None, engine: str
) -> tuple[pd.Series, str]:
    """Standardised quality by item, and its source: the gold scores, else the Davidson scores of
    the answers."""
    scores = gold_scores if gold_scores is not None else item_scores(items)
    if scores is not None and not scores.dropna().empty:
        known = scores.dropna()
        values = normal_scores(known.to_numpy(dtype=float))
        return pd.Series(values, index=known.index, name="quality"), "the gold item scores (normal scores)"
    columns = ["task", "worker", "left", "right", "label"]
    fitted = aggregate_pairs("davidson", answers[columns], engine).scores.dropna()
    standard = pd.Series(standardised(fitted.to_numpy(dtype=float)), index=fitted.index, name="quality")
    return standard, "the items' Davidson scores"


def feature_scale(items: pd.DataFrame | None, feature: str | None) -> pd.Series | None:
    """The bias feature by item, standardised as the archetypes see it (log length when positive)."""
    if items is None or feature is None:
        return None
    values = items[feature].dropna()
    return pd.Series(nuisance_scale(values), index=values.index, name=feature)


def fit_pairwise_population(
    answers: pd.DataFrame,
    *,
    name: str,
    items: pd.DataFrame | None = None,
    gold: pd.Series | None = None,
    gold_scores: pd.Series | None = None,
    cost_per_label: float = 0.0,
    engine: str = "fast",
    min_seconds: float | None = None,
) -> FittedPairwiseCrowd:
    """A pairwise population fitted to the raters of ``answers`` (see the module docstring);
    ``gold``: the true outcome by task, ``gold_scores``: the true quality by item, if known."""
    report = pairwise_report(answers, engine=engine, gold=gold, items=items, min_seconds=min_seconds)
    quality, source = quality_scale(answers, items, gold_scores, engine)
    feature = bias_feature(items)
    traits = rater_traits(answers, quality, feature_scale(items, feature))
    workers = traits.join(report.annotators[["archetype", "reason"]])
    workers["archetype"] = [a if a in ARCHETYPES else "honest" for a in workers["archetype"]]
    labels = answers.groupby("worker")["label"].value_counts(normalize=True).unstack(fill_value=0)
    for side in ("left", "right", "tie"):
        workers[f"{side}_share"] = labels[side].reindex(workers.index).fillna(0.0) if side in labels else 0.0
    times = fit_times(answers.assign(pair=pair_codes(answers)), workers["archetype"], group="pair")
    if times is not None:
        workers["median_seconds"] = times.workers["median_seconds"].reindex(workers.index)
    offers_ties = bool((answers["label"] == "tie").any())
    population = {
        "kind": KIND,
        "name": name,
        "description": f"fitted from {len(answers)} real comparisons of {len(workers)} raters",
        "pool_size": len(workers),
        "cost_per_label": float(cost_per_label),
        "activity": _activity(workers["answers"]),
        "archetypes": _archetype_tables(workers, feature, times, offers_ties),
    }
    return FittedPairwiseCrowd(population, workers, feature, times, quality, source)


def _activity(activity: pd.Series) -> str | dict[str, float]:
    exponent = zipf_exponent(activity)
    return {"zipf": exponent} if exponent >= 0.05 else "uniform"


def _values(values: pd.Series) -> dict[str, list[float]]:
    return {"values": [round(float(v), DIGITS) for v in values]}


def _archetype_tables(
    workers: pd.DataFrame, feature: str | None, times: FittedTimes | None, offers_ties: bool
) -> dict[str, dict[str, Any]]:
    counts = workers["archetype"].value_counts()
    tables: dict[str, dict[str, Any]] = {}
    for archetype, share in shares({a: int(counts.get(a, 0)) for a in ARCHETYPES}).items():
        members = workers[workers["archetype"] == archetype]
        table: dict[str, Any] = {"share": share}
        if archetype in COMPARING:
            skill = members["skill"] if archetype == "honest" else 1.0 - members["skill"]
            table["skill"] = _values(skill)
            if offers_ties:
                table["ties"] = _values(members["tie_propensity"])
            table["left"] = _values(members["left"])
            if feature is not None:
                table["weight"] = _values(members["weight"])
                table["feature"] = feature
        elif archetype == "random_clicker":
            sides = ("left", "right", "tie") if offers_ties else ("left", "right")
            mean = members[[f"{s}_share" for s in sides]].mean().to_numpy(dtype=float)
            rounded = [round(float(v), DIGITS) for v in mean / mean.sum()]
            rounded[-1] = round(1.0 - sum(rounded[:-1]), DIGITS)
            table["preference"] = rounded
        elif archetype == "tie_clicker":
            table["rate"] = round(float(members["tie_share"].mean()), DIGITS)
        if times is not None and archetype in times.tables:
            table["time"] = times.tables[archetype]
        tables[archetype] = table
    return tables


def fitted_population(fitted: FittedPairwiseCrowd) -> Population:
    """The fitted crowd as a :class:`Population`."""
    return Population.from_dict(fitted.population, source=f"population fitted as {fitted.population['name']}")


def known_raters(fitted: FittedPairwiseCrowd) -> dict[Any, KnownWorker]:
    """Each fitted rater as a replay twin: archetype, skill, traits (tie propensity, lean, weight; a
    tie clicker's own rate), a random clicker's own shares and their own times."""
    twins: dict[Any, KnownWorker] = {}
    offers_ties = "ties" in fitted.population["archetypes"].get("honest", {})
    for worker, row in fitted.workers.iterrows():
        archetype = str(row["archetype"])
        time = fitted.times.of(worker) if fitted.times is not None else None
        traits: dict[str, float] = {}
        preference = None
        if archetype in COMPARING:
            tie = float(row["tie_propensity"])
            traits = {
                "tie": tie if offers_ties and not math.isnan(tie) else math.nan,
                "left": float(row["left"]),
            }
            traits["weight"] = float(row["weight"])
        elif archetype == "random_clicker":
            sides = ("left", "right", "tie") if offers_ties else ("left", "right")
            counts = np.array([row[f"{s}_share"] for s in sides], dtype=float) * row["answers"] + 1.0
            preference = tuple(float(v) for v in counts / counts.sum())
        elif archetype == "tie_clicker":
            traits = {"tie_rate": float(row["tie_share"])}
        twins[worker] = KnownWorker(
            archetype, float(row["skill"]), preference=preference, traits=traits, time=time
        )
    return twins


def pairwise_population_toml(fitted: FittedPairwiseCrowd, source: str) -> str:
    """The fitted population as a TOML file with a comment header."""
    import tomli_w

    counts = fitted.workers["archetype"].value_counts()
    scale = fitted.quality_source
    header = [
        f"# Pairwise population fitted by `crowd-sandbox fit` from {printable(source)}",
        f"# ({int(fitted.workers['answers'].sum())} comparisons, {len(fitted.workers)} raters).",
        "# Raters mapped to archetypes by the report's flags: "
        + ", ".join(f"{k} {v}" for k, v in counts.items())
        + ".",
        f"# Skill: P(right) on a pair one standard deviation of {scale} apart; ties: P(tie) on two",
        "# equal items; left: P(left) on two equal items; weight: on the standardised "
        + (f"{printable(fitted.feature)}." if fitted.feature else "feature (none here)."),
        "",
    ]
    return "\n".join(header) + tomli_w.dumps(fitted.population)
