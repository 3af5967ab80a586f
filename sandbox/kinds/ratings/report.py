"""Which raters of a ratings export to trust, with the evidence: offsets, scale use, straight-lining,
random rating and speed.

:func:`ratings_report` aggregates the ratings once (``aggregator``; the consensus of each item) and
fits the affine rater model (``offset_scale``: each rater's offset, slope and noise jointly with the
items), then gives

- per rater: answers, mean rating, ``offset`` (how far above an unbiased rater at the middle of the
  scale, scale units) with its standard error, ``slope`` (scale use: 1 as far apart as the items
  are, < 1 the middle, > 1 the ends) with its standard error, ``noise`` (error sd), ``agreement``
  (Pearson correlation with the mean of the other raters of the same items), the share of ratings at
  the scale's ends, the most frequent rating and its share, the median seconds per rating when the
  export has times, gold error where gold exists, and a verdict with its reason;
- per item: the consensus, its ``confidence`` (1 − 2 sd / range of its ratings), answers, sd (+ gold);
- overall: counts, the scale, Krippendorff's alpha (interval and ordinal), ICC(1) and ICC(1,k),
  pooled pairwise quadratic-weighted kappa, the consensus error on gold.

Verdicts, each a test on the rater's own answers (raters with at least :data:`MIN_ANSWERS` answers;
the p-values of each test are corrected for testing every rater at once: Benjamini–Hochberg at
false-discovery rate :data:`FDR`), checked in this order:

- ``straight_liner``: one rating in ≥ :data:`STRAIGHT_SHARE` of their answers, far more often than
  the other raters gave it on the same items (binomial tail of the count at the others' rate);
- ``random``: their ratings follow the other raters' mean less than half as closely as the crowd's
  typical rater does (one-sided Fisher-z test of their correlation against half the crowd's median);
- ``speeder``: a median time per rating below :data:`SPEED_SHARE` of the crowd's (descriptive: the
  export's times, e.g. MTurk's per assignment, are too coarse for a test);
- ``extreme`` / ``central_tendency``: a slope beyond :data:`SLOPE_MARGIN` (above 1/0.6 or below 0.6;
  z-test of the slope against that bound);
- ``lenient`` / ``harsh``: an offset of at least :data:`OFFSET_MARGIN` of the range (z-test against
  that bound);

else ``honest``. A rater with fewer answers is "too few answers to judge". The standard errors are
those of each rater's least-squares fit with the items held at their fitted scores.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from foundation.errors import SandboxError
from sandbox.fitting.report import AnnotatorReport, add_verdicts
from sandbox.kinds.ratings.aggregation import RatingsAggregation, aggregate_ratings
from sandbox.kinds.ratings.agreement import agreement_summary
from sandbox.kinds.ratings.answers import SECONDS, scale_of
from sandbox.kinds.ratings.metrics import errors, paired, pooled_qwk

MIN_ANSWERS = 10
FDR = 0.05
STRAIGHT_SHARE = 0.9
#: A random rater follows the others less than this share of how closely the crowd's median rater does.
RANDOM_SHARE = 0.5
SPEED_SHARE = 0.25
SLOPE_MARGIN = 0.6
OFFSET_MARGIN = 0.1
MODEL = "offset_scale"
ARCHETYPES = (
    "honest",
    "lenient",
    "harsh",
    "central_tendency",
    "extreme",
    "straight_liner",
    "random",
    "speeder",
)


def benjamini_hochberg(p: pd.Series) -> pd.Series:
    """Adjusted p-values (q-values) of Benjamini–Hochberg over the finite ones (NaN stays NaN)."""
    values = p.to_numpy(dtype=float)
    known = np.flatnonzero(np.isfinite(values))
    adjusted = np.full(len(values), np.nan)
    if len(known):
        order = known[np.argsort(values[known], kind="stable")]
        ranked = values[order] * len(known) / np.arange(1, len(known) + 1)
        adjusted[order] = np.minimum(np.minimum.accumulate(ranked[::-1])[::-1], 1.0)
    return pd.Series(adjusted, index=p.index)


def _others_mean(frame: pd.DataFrame) -> pd.Series:
    """Each answer's leave-one-out mean: the mean of the item's other ratings (NaN when alone)."""
    group = frame.groupby("task")["label"]
    total, count = group.transform("sum"), group.transform("size")
    return ((total - frame["label"]) / (count - 1)).where(count > 1)


def _straight_lining(frame: pd.DataFrame, top: pd.Series) -> pd.DataFrame:
    """Per worker: how often the other raters of the same items gave the worker's most frequent
    rating, and the binomial tail p-value of the worker's own count at that rate."""
    values = frame.assign(top=frame["worker"].map(top))
    rows = []
    counts = frame.groupby(["task", "label"]).size()
    totals = frame.groupby("task").size()
    for worker, mine in values.groupby("worker", sort=True):
        value = top[worker]
        n = len(mine)
        gave = int((mine["label"] == value).sum())
        others = counts.reindex(pd.MultiIndex.from_arrays([mine["task"], np.full(n, value)])).fillna(0)
        others = others.to_numpy() - (mine["label"].to_numpy() == value)
        other_totals = totals.reindex(mine["task"]).to_numpy() - 1
        known = other_totals > 0
        rate = (others[known].sum() + 0.5) / (other_totals[known].sum() + 1.0)
        rows.append({"worker": worker, "others_rate": rate, "p_straight": stats.binom.sf(gave - 1, n, rate)})
    return pd.DataFrame(rows).set_index("worker")


def _rater_table(
    frame: pd.DataFrame, model: RatingsAggregation, span: float, low: float, high: float
) -> pd.DataFrame:
    """Per worker: counts, model traits with standard errors, agreement, scale use, straight-lining."""
    by = frame.groupby("worker", sort=True)
    top = by["label"].agg(lambda s: s.value_counts().sort_index().idxmax())
    table = pd.DataFrame(
        {
            "answers": by.size(),
            "mean_rating": by["label"].mean(),
            "offset": model.offsets,
            "slope": model.slopes,
            "noise": model.noise,
            "agreement": pd.Series(
                {worker: _correlation(g["label"], g["others"]) for worker, g in by[["label", "others"]]}
            ),
            "end_share": by["label"].agg(lambda s: float(((s == low) | (s == high)).mean())),
            "top_rating": top,
            "top_share": by["label"].agg(lambda s: float(s.value_counts().max() / len(s))),
        }
    )
    scores = model.scores.reindex(frame["task"]).to_numpy(dtype=float) - low
    design = frame.assign(x=scores / span - 0.5)
    spread = design.groupby("worker")["x"].agg(lambda s: float(((s - s.mean()) ** 2).sum()))
    noise_unit = table["noise"] / span
    table["offset_se"] = span * noise_unit / np.sqrt(table["answers"])
    table["slope_se"] = noise_unit / np.sqrt(spread.reindex(table.index).clip(lower=1e-12))
    if SECONDS in frame.columns and frame[SECONDS].notna().any():
        table["median_seconds"] = by[SECONDS].median()
    return table.join(_straight_lining(frame, top))


def _correlation(x: pd.Series, y: pd.Series) -> float:
    keep = x.notna() & y.notna()
    if keep.sum() < 3 or x[keep].std() == 0 or y[keep].std() == 0:
        return math.nan
    return float(np.corrcoef(x[keep], y[keep])[0, 1])


def _tests(table: pd.DataFrame, span: float) -> pd.DataFrame:
    """The p-values of every verdict's test (module docstring), corrected across raters."""
    judged = table["answers"] >= MIN_ANSWERS
    typical = float(table.loc[judged, "agreement"].median()) if judged.any() else math.nan
    target = RANDOM_SHARE * typical if math.isfinite(typical) and typical > 0 else math.nan
    n = table["answers"].astype(float)
    z_observed = np.arctanh(table["agreement"].clip(-0.999999, 0.999999))
    p_random = pd.Series(
        stats.norm.cdf((z_observed - np.arctanh(target)) * np.sqrt((n - 3).clip(lower=1))), index=table.index
    )
    slope, slope_se = table["slope"], table["slope_se"]
    p_extreme = pd.Series(stats.norm.sf((slope - 1 / SLOPE_MARGIN) / slope_se), index=table.index)
    p_central = pd.Series(stats.norm.cdf((slope - SLOPE_MARGIN) / slope_se), index=table.index)
    offset, offset_se = table["offset"] / span, table["offset_se"] / span
    p_lenient = pd.Series(stats.norm.sf((offset - OFFSET_MARGIN) / offset_se), index=table.index)
    p_harsh = pd.Series(stats.norm.cdf((offset + OFFSET_MARGIN) / offset_se), index=table.index)
    q = pd.DataFrame(index=table.index)
    for name, p in (
        ("straight", table["p_straight"]),
        ("random", p_random),
        ("extreme", p_extreme),
        ("central", p_central),
        ("lenient", p_lenient),
        ("harsh", p_harsh),
    ):
        q[f"q_{name}"] = benjamini_hochberg(p.where(judged))
    q["typical_agreement"] = typical
    return q


def _flag(row: Mapping[Hashable, Any], span: float, crowd_seconds: float) -> tuple[str, str]:
    """(archetype, evidence) of one rater row (module docstring)."""
    n = int(row["answers"])
    if n < MIN_ANSWERS:
        return "honest", f"too few answers to judge ({n} < {MIN_ANSWERS})"
    if row["top_share"] >= STRAIGHT_SHARE and row["q_straight"] <= FDR:
        return "straight_liner", (
            f"gave {row['top_rating']:g} on {round(row['top_share'] * n)} of {n} items "
            f"({row['top_share']:.0%}); the other raters of those items gave it {row['others_rate']:.0%} of "
            f"the time (q = {row['q_straight']:.1e})"
        )
    if row["q_random"] <= FDR:
        return "random", (
            f"ratings follow the other raters' mean with correlation {row['agreement']:.2f} (n = {n}); "
            f"the crowd's median rater {row['typical_agreement']:.2f} (q = {row['q_random']:.1e})"
        )
    seconds = row.get("median_seconds", math.nan)
    if math.isfinite(crowd_seconds) and math.isfinite(seconds) and seconds < SPEED_SHARE * crowd_seconds:
        return "speeder", f"a median of {seconds:.1f} s per rating against the crowd's {crowd_seconds:.1f} s"
    slope, slope_se = row["slope"], row["slope_se"]
    if row["q_extreme"] <= FDR:
        return (
            "extreme",
            f"slope {slope:.2f} ± {slope_se:.2f}: pushes items to the ends "
            f"(n = {n}, q = {row['q_extreme']:.1e})",
        )
    if row["q_central"] <= FDR:
        return "central_tendency", (
            f"slope {slope:.2f} ± {slope_se:.2f}: keeps to the middle of the scale "
            f"(n = {n}, q = {row['q_central']:.1e})"
        )
    offset, offset_se = row["offset"], row["offset_se"]
    for name, sign in (("lenient", "above"), ("harsh", "below")):
        if row[f"q_{name}"] <= FDR:
            return name, (
                f"rates {abs(offset):.3g} ± {offset_se:.2g} ({abs(offset) / span:.0%} of the range) {sign} "
                f"an unbiased rater (n = {n}, q = {row[f'q_{name}']:.1e})"
            )
    return "honest", ""


def ratings_report(
    answers: pd.DataFrame, *, aggregator: str = MODEL, engine: str = "fast", gold: pd.Series | None = None
) -> AnnotatorReport:
    """The report (see the module docstring); ``gold``: true scores by task, if known."""
    if answers.empty:
        raise SandboxError("no ratings to report on")
    scale = scale_of(answers)
    span, low, high = scale.span, scale.low, scale.high
    consensus = aggregate_ratings(aggregator, answers, engine)
    model = consensus if aggregator == MODEL else aggregate_ratings(MODEL, answers, engine)
    frame = answers.assign(others=_others_mean(answers))
    annotators = _rater_table(frame, model, span, low, high)
    annotators = annotators.join(_tests(annotators, span))
    crowd_seconds = float(frame[SECONDS].median()) if SECONDS in frame.columns else math.nan
    by_task = answers.groupby("task")["label"]
    sd = by_task.std(ddof=0)
    tasks = pd.DataFrame(
        {
            "consensus": consensus.scores,
            "confidence": (1 - 2 * sd / span).clip(0, 1).where(by_task.size() > 1),
            "answers": by_task.size(),
            "sd": sd,
        }
    )
    tasks.index.name = "task"
    if gold is not None:
        known = answers[answers["task"].isin(gold.index)]
        error = (known["label"] - known["task"].map(gold)).abs().groupby(known["worker"])
        annotators["gold_answers"] = error.size().reindex(annotators.index, fill_value=0)
        annotators["gold_mae"] = error.mean().reindex(annotators.index)
        tasks["gold"] = gold.reindex(tasks.index)
    flags = [_flag(row, span, crowd_seconds) for row in annotators.to_dict("records")]
    add_verdicts(annotators, flags)
    overall: dict[str, Any] = {
        "scale": str(scale),
        "tasks": int(tasks.shape[0]),
        "workers": int(annotators.shape[0]),
        "answers": len(answers),
        **agreement_summary(answers),
        "pairwise_qwk": pooled_qwk(answers, scale),
        "suspected": int(annotators["suspect"].sum()),
        **{f"flagged_{name}": int((annotators["archetype"] == name).sum()) for name in ARCHETYPES[1:]},
    }
    if SECONDS in answers.columns:
        overall["median_seconds"] = crowd_seconds
    if gold is not None:
        estimated, true = paired(consensus.scores, gold)
        overall["gold_tasks"] = len(true)
        overall.update({f"consensus_{k}_on_gold": v for k, v in errors(estimated, true).items()})
    return AnnotatorReport(annotators=annotators, tasks=tasks, overall=overall)
