"""Which annotators to trust: a report on real (or simulated) answers.

:func:`annotator_report` takes the answers table (``task, worker, label``), optional gold (Series
indexed by task), a consensus aggregator and an engine; it fits each method once through
:func:`sandbox.aggregation.aggregate.aggregate` (the consensus, and Dawid–Skene for the confusions
unless the consensus is Dawid–Skene itself) and gives

- per annotator: answers, agreement with the consensus, accuracy on gold (where gold exists),
  Dawid–Skene estimated accuracy and confusion, and a suspected-spammer flag with its reason;
- per task: consensus, its confidence (the aggregator's top probability), answers, gold;
- overall: Krippendorff's alpha (crowd-kit's arithmetic) with its bootstrap interval, Fleiss'
  kappa, a summary of Cohen's kappa between annotator pairs, the consensus accuracy on gold,
  counts; the agreement statistics in full (per class, per pair, per task:
  :mod:`sandbox.metrics.agreement_report`) go to the report's ``agreement``;
- with gold, each annotator's one-sided binomial test of their gold accuracy against their chance
  accuracy (``p_gold_above_chance``, Benjamini–Hochberg adjusted over annotators: small when they
  are clearly better than chance);
- what removing the suspects changes (:mod:`sandbox.kinds.classification.removal`), from
  :func:`annotator_report`;
- with times (the answers' ``seconds``): each annotator's share of implausibly fast answers against
  the crowd's, their median seconds, and a ``fast`` flag where a test on their own answers says so
  (:func:`sandbox.fitting.speed.speed_flags`: against the crowd's own times on the same task, or a
  ``min_seconds`` the user gives), with its evidence; a fast annotator is a suspect whatever their
  archetype.

Spammer rules (checked in this order, on workers with at least ``MIN_ANSWERS`` (10) answers):
``fixed_spammer`` — one label in ≥ 90 % of the answers while that label is the consensus of
< 70 % of the same tasks; ``adversary`` — ``ds_kappa`` below −0.2 (systematically wrong);
``uniform_spammer`` — ``ds_kappa`` within 0.2 of 0 (the answers carry no signal). A worker's chance is the
accuracy their answers would have if they were independent of the truth (Σ prior(c) × their share
of answers c), and ``ds_kappa`` = (Dawid–Skene accuracy − chance) / (1 − chance): on two balanced classes
this is accuracy within 0.1 of 0.5, and it does not flag honest workers of imbalanced data, where
always answering the frequent class is already "accurate".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from foundation.errors import SandboxError
from sandbox.aggregation.aggregate import Aggregation
from sandbox.aggregation.ties import TieBreak
from sandbox.fitting.evidence import adjusted, binomial_p
from sandbox.fitting.reference import add_model, reference_totals
from sandbox.fitting.report import AnnotatorReport, add_verdicts
from sandbox.fitting.speed import speed_flags
from sandbox.kinds.classification.aggregation import aggregate
from sandbox.kinds.classification.removal import removal_effect
from sandbox.metrics.agreement import krippendorff_alpha
from sandbox.metrics.agreement_report import AgreementReport, agreement_report
from sandbox.metrics.alpha_bootstrap import DEFAULT_RESAMPLES
from sandbox.randomness import SeedLike, substream

FIXED_SHARE = 0.9
FIXED_CONSENSUS_SHARE = 0.7
KAPPA_MARGIN = 0.2
MIN_ANSWERS = 10  # Dawid–Skene estimates of fewer answers are mostly the prior


def confusions_of(dawid_skene: Aggregation, labels: list[Any]) -> dict[Any, pd.DataFrame]:
    """Per-worker confusion (rows: true label, columns: answered label, rows sum to 1) from a
    Dawid–Skene aggregation's ``confusion`` (P(answered | true), answered labels on the rows)."""
    if dawid_skene.confusion is None:
        raise ValueError(f"{dawid_skene.aggregator} estimates no confusion matrices")
    errors = dawid_skene.confusion.reindex(columns=labels, fill_value=0.0)
    worker_rows, workers = pd.factorize(errors.index.get_level_values("worker"), sort=True)
    answered = pd.Index(labels).get_indexer(errors.index.get_level_values("label"))
    cube = np.zeros((len(workers), len(labels), len(labels)))  # worker × true × answered
    cube[worker_rows, :, answered] = errors.to_numpy(dtype=float)
    sums = cube.sum(axis=2, keepdims=True)
    cube /= np.where(sums > 0, sums, 1.0)
    index = pd.Index(labels, name="true")
    columns = pd.Index(labels, name="answered")
    return {w: pd.DataFrame(cube[i], index=index, columns=columns) for i, w in enumerate(workers)}


def _show(value: Any) -> str:
    """A label for a message: numpy scalars as plain Python values."""
    return repr(value.item() if isinstance(value, np.generic) else value)


def _flag(row: Mapping[Hashable, Any], consensus_share: float) -> tuple[str, str]:
    """(archetype, reason) for one annotator row."""
    if row["answers"] < MIN_ANSWERS:
        return "honest", f"too few answers to judge ({int(row['answers'])} < {MIN_ANSWERS})"
    if row["top_label_share"] >= FIXED_SHARE and consensus_share < FIXED_CONSENSUS_SHARE:
        return "fixed_spammer", (
            f"answers {_show(row['top_label'])} in {row['top_label_share']:.0%} of answers; "
            f"the consensus is {_show(row['top_label'])} on {consensus_share:.0%} of those tasks"
        )
    accuracy, chance, kappa = row["ds_accuracy"], row["chance"], row["ds_kappa"]
    if kappa < -KAPPA_MARGIN:
        return "adversary", (
            f"estimated accuracy {accuracy:.2f} is below chance {chance:.2f} (ds_kappa {kappa:.2f}): "
            "systematically wrong"
        )
    if kappa < KAPPA_MARGIN:
        return "uniform_spammer", (
            f"estimated accuracy {accuracy:.2f} is near chance {chance:.2f} (ds_kappa {kappa:.2f}, "
            f"within {KAPPA_MARGIN} of 0)"
        )
    return "honest", ""


def annotator_report(
    answers: pd.DataFrame,
    *,
    aggregator: str = "ds",
    engine: str = "fast",
    gold: pd.Series | None = None,
    min_seconds: float | None = None,
    ties: TieBreak | None = None,
    reference: pd.Series | None = None,
    seed: SeedLike = 0,
    resamples: int = DEFAULT_RESAMPLES,
) -> AnnotatorReport:
    """The report of :func:`report_and_consensus`, without the consensus."""
    return report_and_consensus(
        answers,
        aggregator=aggregator,
        engine=engine,
        gold=gold,
        min_seconds=min_seconds,
        ties=ties,
        reference=reference,
        seed=seed,
        resamples=resamples,
    )[0]


def report_and_consensus(
    answers: pd.DataFrame,
    *,
    aggregator: str = "ds",
    engine: str = "fast",
    gold: pd.Series | None = None,
    min_seconds: float | None = None,
    ties: TieBreak | None = None,
    reference: pd.Series | None = None,
    seed: SeedLike = 0,
    resamples: int = DEFAULT_RESAMPLES,
) -> tuple[AnnotatorReport, Aggregation]:
    """The report with ``aggregator``'s consensus (``engine``, tie rule ``ties``: the default's
    when None), each method fitted once, and what re-aggregating without the suspects changes;
    and that consensus. ``seed`` draws the bootstraps (``resamples`` for the agreement interval).
    ``reference``: a model's labels by task (aligned with the answers:
    :func:`sandbox.kinds.classification.reference_answers.align_reference`)."""
    if answers.empty:
        raise SandboxError("no answers to report on")
    consensus = aggregate(aggregator, answers, engine, ties=ties)
    confusion = consensus if consensus.confusion is not None else aggregate("ds", answers, engine, ties=ties)
    report = build_report(
        answers,
        consensus=consensus,
        dawid_skene=confusion,
        gold=gold,
        min_seconds=min_seconds,
        reference=reference,
        seed=seed,
        resamples=resamples,
    )
    suspects = report.annotators.index[report.annotators["suspect"].astype(bool)].tolist()
    removal = removal_effect(
        answers,
        report.tasks["consensus"],
        suspects,
        aggregator=aggregator,
        engine=engine,
        ties=ties,
        gold=gold,
        rng=substream(seed, 2),
    )
    return dataclasses.replace(report, removal=removal), consensus


def build_report(
    answers: pd.DataFrame,
    *,
    consensus: Aggregation,
    dawid_skene: Aggregation,
    gold: pd.Series | None = None,
    agreement: bool = True,
    min_seconds: float | None = None,
    reference: pd.Series | None = None,
    seed: SeedLike = 0,
    resamples: int = DEFAULT_RESAMPLES,
) -> AnnotatorReport:
    """The report (see the module docstring) from aggregations already fitted on ``answers``:
    ``consensus`` (any method) and ``dawid_skene`` (a method with confusions and skills).
    ``agreement=False`` leaves the agreement statistics out (alpha NaN; they are the slowest part
    on large exports, and a fit does not use them); ``seed`` draws their bootstrap of ``resamples``.
    ``min_seconds``: answers faster than this are too fast; ``reference``: a model's labels by
    task, aligned with the answers."""
    if answers.empty:
        raise SandboxError("no answers to report on")
    if dawid_skene.skills is None:
        raise ValueError(f"{dawid_skene.aggregator} estimates no worker skills")
    labels = sorted(answers["label"].unique().tolist())
    tasks = consensus_table(answers, consensus, labels)
    priors = (
        dawid_skene.priors.reindex(labels, fill_value=0.0)
        if dawid_skene.priors is not None
        else pd.Series(np.nan, index=labels)
    )
    frame = answers.assign(consensus=answers["task"].map(tasks["consensus"]))
    annotators, counts = worker_statistics(frame, dawid_skene.skills, gold)
    if gold is not None:
        tasks["gold"] = gold.reindex(tasks.index)
    chance = float((tasks["consensus"].value_counts(normalize=True) ** 2).sum())
    add_chance_and_ds_kappa(annotators, counts, priors, labels)
    if gold is not None:
        add_gold_test(annotators)
    add_verdicts(annotators, flags(annotators, frame))
    evidence = add_speed(annotators, answers, min_seconds)
    if reference is not None:
        evidence = add_model(annotators, tasks, answers, reference, gold, evidence)
    statistics = agreement_report(answers, substream(seed, 1), resamples=resamples) if agreement else None
    if statistics is not None:
        tasks["pair_agreement"] = statistics.tasks["pair_agreement"].reindex(tasks.index)
    overall = totals(answers, tasks, annotators, labels, chance, gold, statistics)
    if reference is not None:
        overall.update(reference_totals(tasks, annotators))
    return AnnotatorReport(
        annotators=annotators,
        tasks=tasks,
        overall=overall,
        confusions=confusions_of(dawid_skene, labels),
        priors=priors,
        evidence=evidence,
        agreement=statistics,
    )


def add_gold_test(annotators: pd.DataFrame) -> None:
    """``p_gold_above_chance``: per annotator, the one-sided binomial test of their right gold
    answers against their ``chance`` accuracy (:mod:`sandbox.fitting.evidence`), adjusted over
    annotators; small when they are clearly better than chance, NaN without gold answers."""
    right = (annotators["gold_accuracy"].fillna(0.0) * annotators["gold_answers"]).round()
    p_values = binomial_p(right, annotators["gold_answers"], annotators["chance"].fillna(0.0), "greater")
    annotators["p_gold_above_chance"] = adjusted(p_values)


def add_speed(
    annotators: pd.DataFrame, answers: pd.DataFrame, min_seconds: float | None
) -> dict[Any, list[dict[str, Any]]]:
    """With times: ``fast_share``, ``crowd_fast_share``, ``median_seconds``, ``p_fast`` and the ``fast``
    flag per annotator (a fast annotator is a suspect, the reason says why); the flags' evidence."""
    found = speed_flags(answers, "task", min_seconds)
    if found is None:
        return {}
    table, flagged = found
    for column in ("fast_share", "crowd_fast_share", "median_seconds", "p_fast"):
        annotators[column] = table[column].reindex(annotators.index)
    annotators["fast"] = annotators.index.isin(list(flagged))
    annotators["suspect"] = annotators["suspect"] | annotators["fast"]
    reasons = annotators["reason"].tolist()
    for row, worker in enumerate(annotators.index):
        if worker in flagged:
            reasons[row] = "; ".join(r for r in (reasons[row], flagged[worker].text()) if r)
    annotators["reason"] = reasons
    return {worker: [evidence.to_dict()] for worker, evidence in flagged.items()}


def consensus_table(answers: pd.DataFrame, consensus: Aggregation, labels: list[Any]) -> pd.DataFrame:
    """Per task: ``consensus`` (the aggregation's label, its ties broken by the run's rule), its
    ``confidence`` (the top probability; 1 for methods without posteriors) and the number of
    ``answers``."""
    if consensus.probas is not None:
        probas = consensus.probas.reindex(columns=labels, fill_value=0.0)
    else:  # a method without posteriors: its labels, certain
        probas = pd.get_dummies(consensus.labels).astype(float).reindex(columns=labels, fill_value=0.0)
    chosen = consensus.labels.reindex(probas.index)  # a method may leave tasks out (MMSR)
    tasks = pd.DataFrame(
        {
            "consensus": chosen.where(chosen.notna(), probas.idxmax(axis=1)),
            "confidence": probas.max(axis=1),
            "answers": answers.groupby("task").size(),
        }
    )
    tasks.index.name = "task"
    return tasks


def worker_statistics(
    frame: pd.DataFrame, skills: pd.Series, gold: pd.Series | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per worker of ``frame`` (answers with their task's ``consensus``): answers, agreement with
    the consensus, top label and its share, Dawid–Skene accuracy, and accuracy on gold; and the
    worker × label answer counts."""
    frame["agrees"] = frame["label"] == frame["consensus"]
    by_worker = frame.groupby("worker", sort=True)
    counts = frame.groupby(["worker", "label"], sort=True).size().unstack(fill_value=0)
    annotators = pd.DataFrame(
        {
            "answers": by_worker.size(),
            "agreement": by_worker["agrees"].mean(),
            # first maximum in sorted label order: ties go to the smallest label
            "top_label": counts.idxmax(axis=1),
            "top_label_share": counts.max(axis=1) / counts.sum(axis=1),
        }
    )
    annotators["ds_accuracy"] = skills.reindex(annotators.index)
    if gold is not None:
        known = frame[frame["task"].isin(gold.index)]
        correct = known["label"] == known["task"].map(gold)
        per = correct.groupby(known["worker"])
        annotators["gold_answers"] = per.size().reindex(annotators.index, fill_value=0)
        annotators["gold_accuracy"] = per.mean().reindex(annotators.index)
    return annotators, counts


def add_chance_and_ds_kappa(
    annotators: pd.DataFrame, counts: pd.DataFrame, priors: pd.Series, labels: list[Any]
) -> None:
    """Per worker: ``chance``, the accuracy of answers independent of the truth (Σ prior(c) × their
    share of answers c), and ``ds_kappa``, their Dawid–Skene accuracy above it (a
    chance-corrected accuracy against the Dawid–Skene model, not Cohen's kappa between annotators)."""
    answer_shares = counts.reindex(columns=labels, fill_value=0).div(counts.sum(axis=1), axis=0)
    annotators["chance"] = answer_shares.to_numpy() @ priors.reindex(labels, fill_value=0.0).to_numpy()
    annotators["ds_kappa"] = (annotators["ds_accuracy"] - annotators["chance"]) / (
        1.0 - annotators["chance"]
    ).clip(lower=1e-9)


def flags(annotators: pd.DataFrame, frame: pd.DataFrame) -> list[tuple[str, str]]:
    """(archetype, reason) per annotator row, by the rules of the module docstring; the fixed-answer
    rule needs how often the consensus is a worker's top label on the tasks they answered."""
    on_top = frame["consensus"] == frame["worker"].map(annotators["top_label"])
    consensus_share = on_top.groupby(frame["worker"]).mean().reindex(annotators.index)
    return [
        _flag(row, float(share))
        for row, share in zip(
            annotators.to_dict("records"),  # keeps each column's type
            consensus_share.to_numpy(dtype=float),
            strict=True,
        )
    ]


def totals(
    answers: pd.DataFrame,
    tasks: pd.DataFrame,
    annotators: pd.DataFrame,
    labels: list[Any],
    chance: float,
    gold: pd.Series | None,
    agreement: AgreementReport | None,
) -> dict[str, Any]:
    """The overall numbers: counts, Krippendorff's alpha (NaN when not asked for or undefined)
    and the other agreement figures when computed, suspects, chance accuracy and, with gold, the
    consensus accuracy on it."""
    overall: dict[str, Any] = {
        "tasks": int(tasks.shape[0]),
        "workers": int(annotators.shape[0]),
        "answers": len(answers),
        "labels": len(labels),
        # NaN when undefined (one answer per task) or not asked for
        "krippendorff_alpha": krippendorff_alpha(answers) if agreement is not None else float("nan"),
        **(agreement.overall() if agreement is not None else {}),
        "suspected_spammers": int(annotators["suspect"].sum()),
        "chance_accuracy": chance,
    }
    if gold is not None:
        scored = tasks.dropna(subset=["gold"])
        overall["gold_tasks"] = len(scored)
        overall["consensus_accuracy_on_gold"] = (
            float((scored["consensus"] == scored["gold"]).mean()) if len(scored) else float("nan")
        )
    return overall
