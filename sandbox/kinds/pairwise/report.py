"""Which raters of a pairwise export to trust, and a pairwise population fitted to them.

:func:`pairwise_report` aggregates the comparisons once (``aggregator``) and gives

- per rater: answers, the share of left clicks and of ties, agreement with the aggregated
  preference of each pair (ties count as disagreement unless the scores are equal), accuracy on
  gold pairs where there are any, and a suspected-cheater flag with its reason;
- per task: the aggregated side, the share of the task's answers that agree with it (confidence)
  and the number of answers (+ gold);
- overall: counts, Krippendorff's alpha of the sides, the consensus accuracy on gold.

Flags (checked in this order, on raters with at least 10 answers): ``tie_clicker`` — ≥ 90 % ties;
``position_biased`` — ≥ 90 % of the answers on one side (sides are shuffled in a sound design, so an
honest rater clicks each about half the time); ``adversary`` — kappa below −0.2; ``random_clicker``
— kappa within 0.2 of 0, where kappa = 2 × agreement − 1 (agreement beyond the coin of two sides).

:func:`fit_pairwise_population` maps raters to those archetypes (else ``honest``) and fits each
honest rater's skill as a one-parameter Bradley–Terry logistic regression of their choices on the
difference of the converged Bradley–Terry scores in standard deviations: P(right) = σ(a · d), skill =
σ(a), the population file's "P(right) one standard deviation apart".
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from foundation.errors import SandboxError
from sandbox.fitting.population import shares, zipf_exponent
from sandbox.fitting.report import AnnotatorReport, add_verdicts
from sandbox.kinds.pairwise.aggregation import aggregate_pairs
from sandbox.metrics.agreement import krippendorff_alpha

MIN_ANSWERS = 10
ONE_SIDE = 0.9
KAPPA_MARGIN = 0.2
#: Precision of the N(0, 1) prior on a rater's slope: a rater of a few answers stays near a coin.
PRIOR = 1.0
ARCHETYPES = ("honest", "position_biased", "random_clicker", "adversary", "tie_clicker")


def _flag(row: Mapping[Hashable, Any]) -> tuple[str, str]:
    if row["answers"] < MIN_ANSWERS:
        return "honest", f"too few answers to judge ({int(row['answers'])} < {MIN_ANSWERS})"
    if row["tie_share"] >= ONE_SIDE:
        return "tie_clicker", f"clicks tie in {row['tie_share']:.0%} of answers"
    side = max(row["left_share"], row["right_share"])
    if side >= ONE_SIDE:
        which = "left" if row["left_share"] >= row["right_share"] else "right"
        return "position_biased", f"clicks {which} in {side:.0%} of answers (sides are shown at random)"
    kappa = 2 * row["agreement"] - 1
    if kappa < -KAPPA_MARGIN:
        return (
            "adversary",
            f"agrees with the consensus on {row['agreement']:.0%} of pairs: prefers the worse item",
        )
    if kappa < KAPPA_MARGIN:
        return "random_clicker", (
            f"agrees with the consensus on {row['agreement']:.0%} of pairs, near a coin (kappa {kappa:.2f})"
        )
    return "honest", ""


def pairwise_report(
    answers: pd.DataFrame, *, aggregator: str = "bt", engine: str = "fast", gold: pd.Series | None = None
) -> AnnotatorReport:
    """The report (see the module docstring); ``gold``: the better side by task, if known."""
    if answers.empty:
        raise SandboxError("no answers to report on")
    consensus = aggregate_pairs(aggregator, answers, engine)
    frame = answers.assign(consensus=answers["task"].map(consensus.labels))
    frame["agrees"] = frame["label"] == frame["consensus"]
    by_worker = frame.groupby("worker", sort=True)
    annotators = pd.DataFrame(
        {
            "answers": by_worker.size(),
            "left_share": by_worker["label"].agg(lambda s: float((s == "left").mean())),
            "right_share": by_worker["label"].agg(lambda s: float((s == "right").mean())),
            "tie_share": by_worker["label"].agg(lambda s: float((s == "tie").mean())),
            "agreement": by_worker["agrees"].mean(),
        }
    )
    tasks = pd.DataFrame(
        {
            "consensus": consensus.labels,
            "confidence": frame.groupby("task")["agrees"].mean(),
            "answers": frame.groupby("task").size(),
        }
    )
    tasks.index.name = "task"
    if gold is not None:
        known = frame[frame["task"].isin(gold.index)]
        right = (known["label"] == known["task"].map(gold)).groupby(known["worker"])
        annotators["gold_answers"] = right.size().reindex(annotators.index, fill_value=0)
        annotators["gold_accuracy"] = right.mean().reindex(annotators.index)
        tasks["gold"] = gold.reindex(tasks.index)
    flags = [_flag(row) for row in annotators.to_dict("records")]
    add_verdicts(annotators, flags)
    overall: dict[str, Any] = {
        "tasks": int(tasks.shape[0]),
        "items": len(consensus.scores),
        "workers": int(annotators.shape[0]),
        "answers": len(answers),
        "ties": int((answers["label"] == "tie").sum()),
        "krippendorff_alpha": krippendorff_alpha(answers),
        "suspected_cheaters": int(annotators["suspect"].sum()),
    }
    if gold is not None:
        scored = tasks.dropna(subset=["gold"])
        overall["gold_tasks"] = len(scored)
        overall["consensus_accuracy_on_gold"] = (
            float((scored["consensus"] == scored["gold"]).mean()) if len(scored) else float("nan")
        )
    return AnnotatorReport(annotators=annotators, tasks=tasks, overall=overall)


@dataclass(frozen=True)
class FittedPairwiseCrowd:
    """``population``: a dict in the population TOML schema (kind pairwise); ``workers``: per rater
    ``answers, agreement, skill, archetype, reason``."""

    population: dict[str, Any]
    workers: pd.DataFrame


def rater_skills(answers: pd.DataFrame, scores: pd.Series, iterations: int = 50) -> pd.Series:
    """Per rater, σ(a) of the logistic fit P(right) = σ(a · d) on their non-tie answers, d being the
    score difference (right − left) in standard deviations of the scores (Newton's method for the
    maximum a posteriori slope under an N(0, 1) prior, so that a handful of answers is not read as
    certainty; a in ±10)."""
    decided = answers[answers["label"] != "tie"]
    sd = float(scores.std()) or 1.0
    d = (
        scores.reindex(pd.Index(decided["right"])).to_numpy(dtype=float)
        - scores.reindex(pd.Index(decided["left"])).to_numpy(dtype=float)
    ) / sd
    keep = np.isfinite(d)
    workers, codes = np.unique(decided["worker"].to_numpy()[keep], return_inverse=True)
    x, y = d[keep], (decided["label"].to_numpy()[keep] == "right").astype(float)
    a: np.ndarray[Any, np.dtype[np.float64]] = np.zeros(len(workers))
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-a[codes] * x))
        gradient = np.bincount(codes, x * (y - p), len(workers)) - PRIOR * a
        curvature = np.bincount(codes, x * x * p * (1 - p), len(workers)) + PRIOR
        a = np.clip(a + gradient / curvature, -10.0, 10.0)
    return pd.Series(1 / (1 + np.exp(-a)), index=workers, name="skill")


def fit_pairwise_population(
    answers: pd.DataFrame,
    *,
    name: str,
    gold: pd.Series | None = None,
    cost_per_label: float = 0.0,
    engine: str = "fast",
) -> FittedPairwiseCrowd:
    """A pairwise population fitted to the raters of ``answers`` (see the module docstring)."""
    report = pairwise_report(answers, aggregator="bt_mle", engine=engine, gold=gold)
    scores = aggregate_pairs("bt_mle", answers, engine).scores
    workers = report.annotators[["answers", "agreement", "left_share", "archetype", "reason"]].copy()
    workers.insert(2, "skill", rater_skills(answers, scores).reindex(workers.index))
    counts = workers["archetype"].value_counts().to_dict()
    archetype_shares = shares({a: int(counts.get(a, 0)) for a in ARCHETYPES})
    archetypes: dict[str, dict[str, Any]] = {}
    for archetype, share in archetype_shares.items():
        table: dict[str, Any] = {"share": share}
        members = workers[workers["archetype"] == archetype]
        if archetype == "honest":
            table["skill"] = {"values": [round(float(s), 6) for s in members["skill"].fillna(0.5)]}
        elif archetype == "position_biased":
            table["bias"] = round(float(np.clip(2 * (members["left_share"].mean()) - 1, 0.0, 1.0)), 6)
        elif archetype == "adversary":
            table["skill"] = {"values": [round(float(1 - s), 6) for s in members["skill"].fillna(0.5)]}
        archetypes[archetype] = table
    exponent = zipf_exponent(workers["answers"])
    population = {
        "kind": "pairwise",
        "name": name,
        "description": f"fitted from {len(answers)} real comparisons of {len(workers)} raters",
        "pool_size": len(workers),
        "cost_per_label": float(cost_per_label),
        "activity": {"zipf": exponent} if exponent >= 0.05 else "uniform",
        "archetypes": archetypes,
    }
    return FittedPairwiseCrowd(population=population, workers=workers)


def pairwise_population_toml(fitted: FittedPairwiseCrowd, source: str) -> str:
    """The fitted population as a TOML file with a comment header."""
    import tomli_w

    counts = fitted.workers["archetype"].value_counts()
    header = [
        f"# Pairwise population fitted by `crowd-sandbox fit` from {source}",
        f"# ({int(fitted.workers['answers'].sum())} comparisons, {len(fitted.workers)} raters).",
        "# Raters mapped to archetypes: " + ", ".join(f"{k} {v}" for k, v in counts.items()) + ".",
        "# Honest skill: P(right) one standard deviation of the converged Bradley-Terry scores apart.",
        "",
    ]
    return "\n".join(header) + tomli_w.dumps(fitted.population)
