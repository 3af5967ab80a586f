"""Which raters of a pairwise export to trust: a tie-aware report whose flags rest on evidence.

:func:`pairwise_report` gives

- per rater: answers and decisive answers; agreement with the leave-one-out majority of the others
  on the same pairs (``agree`` of ``agree_of``) and with the whole crowd's majority; their tie share
  against the crowd's on the same pairs; their share of left picks against the crowd's choice of the
  same items; for every numeric item feature (``--items``), their share of picks of the larger item
  against the crowd's; with times, their share of implausibly fast answers against the crowd's and
  their median seconds; gold accuracy where gold exists; the adjusted p-value of every test; and a
  verdict: the flags the tests raise (:mod:`sandbox.kinds.pairwise.evidence`), each with its evidence
  (``evidence``: count, n, rate, reference rate, p-value), or "too few answers to tell" for an
  unflagged rater whose decisive answers do not yet show agreement beyond slight;
- per task: the consensus outcome (the aggregator's preferred side; with a method that models ties,
  its most probable outcome and the probability of a tie, ``p_tie``), the share of the task's answers
  that give it (``confidence``), the number of answers (+ gold);
- with a reference model's preferences (``reference``): each rater's agreement with the model beyond
  what their agreement with the crowd explains and the ``pasting`` flags
  (:mod:`sandbox.fitting.reference`; tested on the pairs where the model and the standard both
  prefer an item: saying "same" is a rater's own propensity), the model's side per task, its
  coverage and accuracy;
- overall: counts, the crowd's tie share and left share, Krippendorff's alpha, flags by kind, the
  consensus accuracy on gold (decisive gold pairs) and with ties (every gold pair, three-way).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from foundation.errors import SandboxError
from sandbox.fitting.reference import add_model, reference_totals
from sandbox.fitting.report import AnnotatorReport, add_verdicts
from sandbox.kinds.pairwise.aggregation import PairwiseAggregation, aggregate_pairs
from sandbox.kinds.pairwise.answers import TIE_LABEL
from sandbox.kinds.pairwise.evidence import PRIORITY, RaterEvidence, rater_evidence, too_few_to_tell
from sandbox.metrics.agreement import krippendorff_alpha

#: The rater columns the report shows (the evidence table holds more: counts and p-values).
SHOWN = (
    "answers",
    "decisive",
    "agreement",
    "agree_of",
    "crowd_agreement",
    "majority_agreement",
    "tie_share",
    "crowd_tie_share",
    "left_share",
    "crowd_left_share",
    "left_against",
    "right_against",
)


def consensus_outcomes(consensus: PairwiseAggregation, tasks: pd.DataFrame) -> pd.DataFrame:
    """Per task (``tasks``: ``left, right`` by task): the consensus outcome and, for a method that
    models ties, ``p_tie``."""
    outcome = consensus.predicted_outcomes(tasks["left"], tasks["right"])
    frame = pd.DataFrame({"consensus": outcome})
    if consensus.models_ties:
        frame["p_tie"] = consensus.outcomes(tasks["left"], tasks["right"])["tie"]
    return frame


def pairwise_report(
    answers: pd.DataFrame,
    *,
    aggregator: str = "davidson",
    engine: str = "fast",
    gold: pd.Series | None = None,
    items: pd.DataFrame | None = None,
    min_seconds: float | None = None,
    reference: pd.Series | None = None,
) -> AnnotatorReport:
    """The report (see the module docstring); ``gold``: the true outcome by task, if known; ``items``:
    numeric item features by item; ``min_seconds``: the user's minimum time per answer;
    ``reference``: a model's side by task (:mod:`sandbox.kinds.pairwise.reference_answers`)."""
    if answers.empty:
        raise SandboxError("no answers to report on")
    consensus = aggregate_pairs(aggregator, answers, engine)
    shown = answers.drop_duplicates("task").set_index("task")[["left", "right"]]
    tasks = consensus_outcomes(consensus, shown)
    frame = answers.assign(consensus=answers["task"].map(tasks["consensus"]))
    frame["agrees"] = frame["label"] == frame["consensus"]
    tasks["confidence"] = frame.groupby("task")["agrees"].mean()
    tasks["answers"] = frame.groupby("task").size()
    tasks.index.name = "task"
    evidence = rater_evidence(answers, items, min_seconds)
    annotators = _annotator_table(evidence)
    if gold is not None:
        known = frame[frame["task"].isin(gold.index)]
        right = (known["label"] == known["task"].map(gold)).groupby(known["worker"])
        annotators["gold_answers"] = right.size().reindex(annotators.index, fill_value=0)
        annotators["gold_accuracy"] = right.mean().reindex(annotators.index)
        tasks["gold"] = gold.reindex(tasks.index)
    unknown = too_few_to_tell(evidence.table)
    verdicts = []
    for row, worker in enumerate(annotators.index):
        flags = evidence.flags.get(worker, [])
        if flags:
            verdicts.append((flags[0].flag, "; ".join(e.text() for e in flags)))
        elif unknown[row]:
            table = evidence.table.loc[worker]
            verdicts.append(
                (
                    "honest",
                    f"too few answers to tell ({int(table['agree'])} of {int(table['agree_of'])} decisive "
                    "answers agree with the others' majority)",
                )
            )
        else:
            verdicts.append(("honest", ""))
    add_verdicts(annotators, verdicts)
    annotators["flags"] = [",".join(e.flag for e in evidence.flags.get(w, [])) for w in annotators.index]
    found = {w: [e.to_dict() for e in flags] for w, flags in evidence.flags.items()}
    if reference is not None:
        found = add_model(annotators, tasks, answers, reference, gold, found, neutral=TIE_LABEL)
        annotators["flags"] = [
            ",".join(f for f in (flags, "pasting" if pasting else "") if f)
            for flags, pasting in zip(annotators["flags"], annotators["pasting"], strict=True)
        ]
    overall = _overall(answers, tasks, annotators, consensus, gold, evidence)
    if reference is not None:
        overall.update(reference_totals(tasks, annotators))
    return AnnotatorReport(annotators=annotators, tasks=tasks, overall=overall, evidence=found)


def _annotator_table(evidence: RaterEvidence) -> pd.DataFrame:
    """The shown rater columns of the evidence table, the features' and times' included."""
    table = evidence.table
    columns = list(SHOWN)
    for feature in evidence.features:
        columns += [
            f"larger_{feature}_share",
            f"crowd_larger_{feature}_share",
            f"larger_{feature}_against",
            f"smaller_{feature}_against",
        ]
    columns += [c for c in ("fast_share", "crowd_fast_share", "median_seconds") if c in table.columns]
    columns += [c for c in table.columns if c.startswith("p_")]
    return table[columns].copy()


def _overall(
    answers: pd.DataFrame,
    tasks: pd.DataFrame,
    annotators: pd.DataFrame,
    consensus: PairwiseAggregation,
    gold: pd.Series | None,
    evidence: RaterEvidence,
) -> dict[str, Any]:
    labels = answers["label"]
    decisive = labels != "tie"
    flagged = annotators["archetype"][annotators["suspect"]].value_counts()
    overall: dict[str, Any] = {
        "tasks": int(tasks.shape[0]),
        "items": len(consensus.scores),
        "workers": int(annotators.shape[0]),
        "answers": len(answers),
        "ties": int((~decisive).sum()),
        "tie_share": float((~decisive).mean()),
        "left_share": float((labels[decisive] == "left").mean()) if decisive.any() else float("nan"),
        "krippendorff_alpha": krippendorff_alpha(answers[["task", "worker", "label"]]),
        "suspected_cheaters": int(annotators["suspect"].sum()),
        **{f"flagged_{name}": int(flagged.get(name, 0)) for name in PRIORITY},
        "too_few_to_tell": int(annotators["reason"].str.startswith("too few").sum()),
    }
    if "fast" in evidence.table.columns:
        overall["fast_answers"] = int(evidence.table["fast"].sum())
        overall["timed_answers"] = int(evidence.table["timed"].sum())
    if consensus.tie_parameter is not None:
        overall["tie_parameter"] = consensus.tie_parameter
    if gold is not None:
        scored = tasks.dropna(subset=["gold"])
        overall["gold_tasks"] = len(scored)
        decided = scored[scored["gold"] != "tie"]
        sides = consensus.labels.reindex(decided.index)
        overall["consensus_accuracy_on_gold"] = (
            float((sides == decided["gold"]).mean()) if len(decided) else float("nan")
        )
        overall["consensus_accuracy_with_ties"] = (
            float((scored["consensus"] == scored["gold"]).mean()) if len(scored) else float("nan")
        )
    return {k: (float(v) if isinstance(v, np.floating) else v) for k, v in overall.items()}
