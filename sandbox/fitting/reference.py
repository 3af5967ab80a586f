"""Agreement with a reference model beyond what agreement with the crowd explains, whatever the task
kind: the statistics behind ``report --reference`` and its ``pasting`` flags.

A kind's report hands over its answers (``task, worker, label``) and, per task, the model's answer,
the consensus and gold, all in the terms of the answers' ``label`` (a class; a side of a pair), so
that "the same answer" is equality (:func:`add_model`). :func:`reference_matches` turns them into one
row per answer on a task with a model answer and a standard (the consensus, or gold): ``on_model``
(the answer is the model's) and ``on_standard`` (it is the standard's), and per task ``model_right``
(the model's answer is the standard's).

**The null model.** An annotator who does not consult the model agrees with it on a task where the
model gives the standard's answer exactly as often as they agree with the standard: such tasks say
nothing about pasting. On a task where the model departs from the standard, they give the model's
answer as often as the *other* annotators of that task do (``s_t``, leave-one-out: their own answer
is not counted; with half a pseudo-answer on each side, :data:`JEFFREYS`), scaled by how often they
depart from the standard compared with the crowd on the tasks where the model is right (``r_w`` =
their departures / the departures the other annotators' rates predict on the same tasks, with one
pseudo-departure on each side, so that a few answers shrink it towards 1). An annotator weaker than
the crowd departs more, and gives the model's answer where it is wrong more often, without
consulting it; the expected rate is min(1, r_w × s_t).

Against gold a departure is a mistake, and an annotator better than the crowd makes fewer of them
everywhere. Against the consensus it is not: where the model departs from the consensus, the
consensus is often the one that is wrong, and there a good annotator takes the model's side *more*
often than the others, not less. So against the consensus r_w is at least 1: an annotator is
expected to take the model's side there at least as often as the other annotators of the task do
(without this floor, the best honest annotators of snow_rte were flagged in 3 of 5 crowds with no
pasting at all).

**The test.** The count of answers on the model's side, over the tasks where it departs from the
standard, against the mean expected rate: the one-sided binomial test of
:mod:`sandbox.fitting.evidence` (conservative for a count whose null is Poisson-binomial). Pasting
annotators in the crowd raise ``s_t`` as well, so the expected rate errs towards clearing them: the
test is conservative there too. Each test's p-values are adjusted by Benjamini–Hochberg over the
annotators for the report's columns. One test per annotator decides the ``pasting`` flag
(:func:`deciding_test`): against gold, the model's mistakes (the strongest evidence: nothing but the
model draws an honest annotator to its wrong answers), wherever the annotator answered a task on
which the model is wrong against gold; else against the consensus. The deciding p-values are adjusted
together over the annotators, and the flag is raised at most
:data:`~sandbox.fitting.evidence.FALSE_DISCOVERY_RATE`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from foundation.errors import SandboxError, printable
from sandbox.fitting.evidence import FALSE_DISCOVERY_RATE, Evidence, adjusted, binomial_p
from sandbox.io.values import in_type_of, name_or_error

#: Pseudo-departures added to an annotator's observed and expected departures from the standard.
PSEUDO_DEPARTURES = 1.0
#: Half an answer on each side of s_t (Jeffreys' Beta(½, ½) prior on a proportion): nine other
#: answers none of which is the model's say s_t = 0.05, not 0 (a rate of 0 would make any single
#: answer on the model's side certain evidence).
JEFFREYS = 0.5
MATCH_COLUMNS = ("task", "worker", "on_model", "on_standard")


@dataclass(frozen=True)
class RelianceTest:
    """One test of agreement with the model against a standard, per worker: ``n`` answers on tasks
    where the model departs from the standard, ``count`` of them on the model's side, ``expected``
    (the null's mean rate), ``ratio`` (r_w) and the raw one-sided ``p`` (a DataFrame by worker)."""

    name: str
    what: str
    table: pd.DataFrame


def reliance_test(
    matches: pd.DataFrame, model_right: pd.Series, name: str, what: str, standard_is_truth: bool
) -> RelianceTest:
    """The test of the module docstring on ``matches`` (columns :data:`MATCH_COLUMNS`, one row per
    answer on a task with both a model answer and a standard) with ``model_right`` by task; answers
    on tasks with no other answer cannot be judged and are left out. Unless ``standard_is_truth``
    (gold), r_w is at least 1 (see the module docstring)."""
    frame = matches[list(MATCH_COLUMNS)].reset_index(drop=True)
    codes, _ = pd.factorize(frame["task"])
    size = np.bincount(codes)[codes].astype(float)
    on_model = frame["on_model"].to_numpy(dtype=bool)
    on_standard = frame["on_standard"].to_numpy(dtype=bool)
    others = size - 1.0
    judged = others > 0
    safe = np.where(judged, others, 1.0)
    others_model = (np.bincount(codes, weights=on_model)[codes] - on_model + JEFFREYS) / (
        others + 2 * JEFFREYS
    )
    others_standard = (np.bincount(codes, weights=on_standard)[codes] - on_standard) / safe
    right = frame["task"].map(model_right).to_numpy(dtype=bool)
    workers = frame["worker"].to_numpy()
    clean = judged & right
    split = judged & ~right
    per = pd.DataFrame(
        {
            "worker": workers,
            "clean": clean.astype(float),
            "departed": (clean & ~on_standard).astype(float),
            "predicted": np.where(clean, 1.0 - others_standard, 0.0),
            "split": split.astype(float),
            "count": (split & on_model).astype(float),
        }
    )
    sums = per.groupby("worker", sort=True).sum()
    ratio = (sums["departed"] + PSEUDO_DEPARTURES) / (sums["predicted"] + PSEUDO_DEPARTURES)
    if not standard_is_truth:
        ratio = ratio.clip(lower=1.0)
    expected_each = np.minimum(1.0, pd.Series(workers).map(ratio).to_numpy(dtype=float) * others_model)
    expected_sum = pd.Series(np.where(split, expected_each, 0.0)).groupby(workers, sort=True).sum()
    n = sums["split"]
    expected = (expected_sum / n.where(n > 0)).reindex(sums.index)
    table = pd.DataFrame(
        {
            "n": n.astype(int),
            "count": sums["count"].astype(int),
            "expected": expected,
            "ratio": ratio,
        }
    )
    table["p"] = binomial_p(table["count"], table["n"], np.nan_to_num(table["expected"]), "greater")
    table.index.name = "worker"
    return RelianceTest(name, what, table)


def model_agreement(on_model: pd.DataFrame) -> pd.DataFrame:
    """Per worker of ``on_model`` (``worker``, ``on_model``: one row per answer on a task the model
    answered): ``model_answers`` and ``model_agreement`` (the share on the model's side)."""
    by = on_model.groupby("worker", sort=True)["on_model"]
    table = pd.DataFrame({"model_answers": by.size(), "model_agreement": by.mean()})
    table.index.name = "worker"
    return table


WHAT_CROWD = "gives the model's answer where it departs from the consensus"
WHAT_GOLD = "gives the model's answer where the model is wrong against gold"


def reference_matches(
    answers: pd.DataFrame, reference: pd.Series, standard: pd.Series
) -> tuple[pd.DataFrame, pd.Series]:
    """The answers (``task, worker, label``) on tasks with both a reference answer and a ``standard``
    answer (consensus or gold; Series by task) as ``task, worker, on_model, on_standard``, and
    ``model_right`` by task."""
    known = reference.index.intersection(standard.index)
    rows = answers[answers["task"].isin(known)]
    model = rows["task"].map(reference)
    right = standard.reindex(known)
    frame = pd.DataFrame(
        {
            "task": rows["task"].to_numpy(),
            "worker": rows["worker"].to_numpy(),
            "on_model": (rows["label"].to_numpy() == model.to_numpy()),
            "on_standard": (rows["label"].to_numpy() == rows["task"].map(standard).to_numpy()),
        }
    )
    model_right = pd.Series(reference.reindex(known).to_numpy() == right.to_numpy(), index=known)
    return frame, model_right


def reference_tests(
    answers: pd.DataFrame,
    reference: pd.Series,
    consensus: pd.Series,
    gold: pd.Series | None,
    neutral: Any = None,
) -> tuple[pd.DataFrame, list[RelianceTest]]:
    """Per worker of ``answers`` (``task, worker, label``; ``reference``, ``consensus`` and ``gold``:
    one answer per task, in the answers' ``label`` terms), agreement with the model
    (:func:`model_agreement`), and the tests against the consensus and, with gold, against gold.
    ``neutral``: an answer that is a trait of the annotator rather than a judgment the model can
    lend (pairwise: ``tie``): the tests leave out the tasks where the model or the standard gives it
    and the answers that give it (a judge that rarely ties would otherwise make everyone who rarely
    ties look like it, and departures would mix ties with the opposite judgment)."""
    rows = answers[answers["task"].isin(reference.index)]
    agreement = model_agreement(
        pd.DataFrame(
            {
                "worker": rows["worker"].to_numpy(),
                "on_model": rows["label"].to_numpy() == rows["task"].map(reference).to_numpy(),
            }
        )
    )
    tested = answers
    if neutral is not None:
        tested = answers[answers["label"] != neutral]
        reference = reference[reference != neutral]
        consensus = consensus[consensus != neutral]
        gold = gold[gold != neutral] if gold is not None else None
    tests = [reliance_test(*reference_matches(tested, reference, consensus), "crowd", WHAT_CROWD, False)]
    if gold is not None and len(gold):
        tests.append(reliance_test(*reference_matches(tested, reference, gold), "gold", WHAT_GOLD, True))
    return agreement, tests


#: The report columns of each test: (n, count, expected rate, adjusted p-value).
TEST_COLUMNS = {
    "crowd": ("contested_answers", "contested_on_model", "contested_expected", "p_model"),
    "gold": ("model_wrong_answers", "model_wrong_on_model", "model_wrong_expected", "p_model_wrong"),
}


def reference_columns(
    agreement: pd.DataFrame, tests: list[RelianceTest], index: pd.Index
) -> tuple[pd.DataFrame, dict[Any, list[Evidence]]]:
    """The report's columns per worker of ``index``: ``model_answers``, ``model_agreement``,
    ``model_agreement_expected`` and ``model_excess`` (agreement beyond the crowd test's null: its
    excess count over all the worker's answers on the model's tasks), each test's columns of
    :data:`TEST_COLUMNS` (p-values adjusted over the workers), and ``pasting``, decided by one test
    per worker (:func:`deciding_test`) adjusted over the workers; and the evidence of each flag."""
    out = agreement.reindex(index)
    out["model_answers"] = out["model_answers"].fillna(0).astype(int)
    tables = [test.table.reindex(index) for test in tests]
    for test, table in zip(tests, tables, strict=True):
        n_col, count_col, expected_col, p_col = TEST_COLUMNS[test.name]
        out[n_col] = table["n"].fillna(0).astype(int)
        out[count_col] = table["count"].fillna(0).astype(int)
        out[expected_col] = table["expected"]
        out[p_col] = adjusted(table["p"].to_numpy(dtype=float))
        if test.name == "crowd":
            excess = (table["count"] - table["expected"] * table["n"]).fillna(0.0)
            shares = excess / out["model_answers"].where(out["model_answers"] > 0)
            out["model_excess"] = shares
            out["model_agreement_expected"] = out["model_agreement"] - shares
    evidence: dict[Any, list[Evidence]] = {}
    if tests:
        choice = deciding_test(tables)
        raw = np.choose(choice, [table["p"].to_numpy(dtype=float) for table in tables])
        decided = adjusted(raw)
        for row, worker in enumerate(index):
            if decided[row] <= FALSE_DISCOVERY_RATE:
                table, test = tables[choice[row]], tests[choice[row]]
                count, n = int(table["count"].iloc[row]), int(table["n"].iloc[row])
                rate = float(table["expected"].iloc[row])
                evidence[worker] = [
                    Evidence("pasting", count, n, count / n, rate, float(decided[row]), test.what)
                ]
    out["pasting"] = index.isin(list(evidence))
    return out, evidence


def deciding_test(tables: list[pd.DataFrame]) -> NDArray[np.intp]:
    """Per worker, which test decides the flag: the last one (against gold) where the worker answered
    a task on which the model is wrong, else the first (against the consensus). Against the consensus
    a skilled annotator and a good model agree where the crowd is wrong, which only gold can tell from
    pasting; which test decides depends on where the worker answered, never on the answers."""
    choice = np.zeros(len(tables[0]), dtype=np.intp)
    if len(tables) > 1:
        choice[tables[-1]["n"].fillna(0).to_numpy() > 0] = len(tables) - 1
    return choice


def add_reference(
    annotators: pd.DataFrame,
    agreement: pd.DataFrame,
    tests: list[RelianceTest],
    evidence: dict[Any, list[dict[str, Any]]],
) -> dict[Any, list[dict[str, Any]]]:
    """Write :func:`reference_columns` into ``annotators`` (a pasting annotator is a suspect; the
    reason says why, and that they also answer implausibly fast when the ``fast`` flag is up) and
    return ``evidence`` with the pasting flags' evidence added."""
    columns, flagged = reference_columns(agreement, tests, annotators.index)
    order = [
        "model_answers",
        "model_agreement",
        "model_agreement_expected",
        "model_excess",
        *(c for test in tests for c in TEST_COLUMNS[test.name]),
        "pasting",
    ]
    for column in order:
        if column in columns:
            annotators[column] = columns[column]
    annotators["suspect"] = annotators["suspect"] | annotators["pasting"]
    fast = annotators["fast"] if "fast" in annotators else pd.Series(False, index=annotators.index)
    reasons = annotators["reason"].tolist()
    merged = {worker: list(items) for worker, items in evidence.items()}
    for row, worker in enumerate(annotators.index):
        if worker not in flagged:
            continue
        said = [e.text() for e in flagged[worker]]
        if bool(fast.iloc[row]):
            said.append("and answers implausibly fast")
        reasons[row] = "; ".join(r for r in (reasons[row], *said) if r)
        merged.setdefault(worker, []).extend(e.to_dict() for e in flagged[worker])
    annotators["reason"] = reasons
    return merged


def add_model(
    annotators: pd.DataFrame,
    tasks: pd.DataFrame,
    answers: pd.DataFrame,
    reference: pd.Series,
    gold: pd.Series | None,
    evidence: dict[Any, list[dict[str, Any]]],
    neutral: Any = None,
) -> dict[Any, list[dict[str, Any]]]:
    """A report's reference columns and ``pasting`` flags written into ``annotators`` (by worker) and
    the model's answer into ``tasks`` (by task, with its ``consensus``: column ``reference``), from
    ``answers`` (``task, worker, label``) and ``reference`` and ``gold`` by task in the answers'
    ``label`` terms (``neutral``: see :func:`reference_tests`); returns the evidence with the new
    flags."""
    tasks["reference"] = reference.astype(object).reindex(tasks.index)
    agreement, tests = reference_tests(answers, reference, tasks["consensus"], gold, neutral)
    return add_reference(annotators, agreement, tests, evidence)


def reference_totals(tasks: pd.DataFrame, annotators: pd.DataFrame) -> dict[str, Any]:
    """Overall: the tasks the reference answers, how often it is the consensus and, with gold
    (``tasks["gold"]``), how often it is right, and the annotators flagged as pasting."""
    answered = tasks.dropna(subset=["reference"])
    overall: dict[str, Any] = {
        "reference_tasks": len(answered),
        "reference_agreement_with_consensus": float((answered["reference"] == answered["consensus"]).mean()),
        "suspected_pasting": int(annotators["pasting"].sum()),
    }
    if "gold" in tasks:
        scored = answered.dropna(subset=["gold"])
        overall["reference_accuracy_on_gold"] = (
            float((scored["reference"] == scored["gold"]).mean()) if len(scored) else float("nan")
        )
    return overall


def new_annotator_name(worker: str, answers: pd.DataFrame) -> Any:
    """``worker`` (``--reference-as-worker``) as an annotator id under the rule of
    :mod:`sandbox.io.values`; SandboxError when it is not a valid id or names an annotator of
    ``answers`` already."""
    name = name_or_error(worker, "--reference-as-worker", "annotator")
    existing = in_type_of(pd.Series([name], dtype=object), answers["worker"], "--reference-as-worker")
    if answers["worker"].isin(existing).any():
        raise SandboxError(
            f"--reference-as-worker {printable(repr(worker))}: the answers have an annotator of that "
            "name already; choose another"
        )
    return name
