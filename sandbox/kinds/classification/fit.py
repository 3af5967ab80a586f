"""A crowd fitted from real answers: who the annotators are, as a population and as individuals.

:func:`fit_population` takes the answers (``task, worker, label``) and, when there is any, gold
(Series indexed by task). The truth of a task is its gold label, else its Dawid–Skene consensus
(without gold, misleading items cannot be told apart: the consensus sides with the lure). It fits:

- archetypes: each annotator mapped to honest, uniform_spammer, fixed_spammer or adversary (rules in
  :mod:`sandbox.kinds.classification.report`);
- items and skills (:mod:`sandbox.kinds.classification.item_model`, EM): per true class the share of
misleading
  items and where they pull (lures), how strongly the annotators who try are pulled, each honest
  annotator's P(right | true class) on ordinary items, and where wrong answers go;
- activity: answers per annotator, and the exponent of a Zipf (rank-frequency) fit to them.

``population`` is a dict in the population TOML schema for ``run`` and sweeps: archetype shares;
honest skill as the empirical values of each honest annotator's P(right) on ordinary items (class
prior weighted), its per-class accuracy and mistakes; the item structure; adversaries' ``malice``;
activity. :func:`known_workers` turns the individual fits into replay twins
(:func:`sandbox.simulation.replay.replay`), which is how :mod:`sandbox.kinds.classification.validation` checks
a fit on held-out tasks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from annotators.population import Population
from foundation.errors import SandboxError, printable
from sandbox.aggregation.ties import DEFAULT_TIES, TieBreak
from sandbox.fitting.population import shares as _shares
from sandbox.fitting.population import zipf_exponent
from sandbox.kinds.classification.aggregation import aggregate
from sandbox.kinds.classification.item_model import ItemFit, fit_items, shares_of
from sandbox.kinds.classification.report import build_report
from sandbox.resources import check_memory
from sandbox.simulation.replay import KnownWorker

ARCHETYPE_ORDER = ("honest", "uniform_spammer", "fixed_spammer", "adversary")
#: Peak memory of a fit, measured (tracemalloc) on crowds of 50k–200k tasks, 1–500 workers and 2–8
#: labels and rounded up by a quarter: per task, per task and label (the item model's posteriors
#: over lures and easiness, several copies), per answer, and per worker × label² (the confusions).
FIT_BYTES_PER_TASK = 1600
FIT_BYTES_PER_TASK_LABEL = 1000
FIT_BYTES_PER_ANSWER = 250
FIT_BYTES_PER_CONFUSION_CELL = 64


def check_fit_size(answers: pd.DataFrame, k: int) -> None:
    """Refuse a fit whose memory (the constants above) exceeds the budget, before any work: one
    worker with a million answers peaked at 3.6 GB and died in the item model's E-step."""
    n_tasks, n_workers = int(answers["task"].nunique()), int(answers["worker"].nunique())
    needed = (
        n_tasks * (FIT_BYTES_PER_TASK + FIT_BYTES_PER_TASK_LABEL * k)
        + FIT_BYTES_PER_ANSWER * len(answers)
        + FIT_BYTES_PER_CONFUSION_CELL * n_workers * k * k
    )
    check_memory(
        needed,
        f"fit on {len(answers)} answers, {n_tasks} tasks, {n_workers} workers and {k} labels",
        "fit a sample of the tasks",
    )


@dataclass(frozen=True)
class FittedCrowd:
    """The fit (see the module docstring).

    Attributes:
        population: dict in the population TOML schema.
        workers: DataFrame indexed by ``worker``: ``answers, ds_accuracy, skill, archetype, reason,
            top_label`` (``skill``: P(right) on ordinary items for honest annotators, the observed
            accuracy for the others).
        skills: DataFrame worker × label: P(right answer | true label) on ordinary items.
        preferences: DataFrame worker × label: share of each label in the worker's answers (smoothed
            with one pseudo answer per label): how a worker who ignores the items clicks.
        mistakes: DataFrame true label × answered label: where wrong answers go (rows sum to 1).
        misleading_share: Series by label: share of the items of that true label that mislead.
        lure: DataFrame true label × label: where misleading items pull (rows sum to 1).
        pull: probability that an annotator who tries answers the lure of a misleading item.
        pulls: Series by worker: each one's own pull, when fitted per worker (else None).
        confusions: worker → Dawid–Skene confusion (true × answered).
        labels: label values in class-code order.
        class_prior: Series by label: share of the fitted tasks of each true label.
        n_tasks: number of fitted tasks (tasks with truth).
        activity: Series indexed by worker: number of answers.
        truth_from_gold: share of the fitted tasks whose truth came from gold.
        item_fit: the item model's fit in the codes of ``workers`` (what a refit may start from).
    """

    population: dict[str, Any]
    workers: pd.DataFrame
    skills: pd.DataFrame
    preferences: pd.DataFrame
    mistakes: pd.DataFrame
    misleading_share: pd.Series
    lure: pd.DataFrame
    pull: float
    pulls: pd.Series | None
    confusions: dict[Any, pd.DataFrame]
    labels: tuple[Any, ...]
    class_prior: pd.Series
    n_tasks: int
    activity: pd.Series
    truth_from_gold: float
    item_fit: ItemFit | None = field(default=None, repr=False)


def _rounded_rows(matrix: npt.NDArray[np.float64]) -> list[list[float]]:
    """Rows rounded to 6 decimals that still sum to exactly 1."""
    rows = [[round(float(x), 6) for x in row] for row in matrix]
    for row in rows:
        j = int(np.argmax(row))
        row[j] = round(1.0 - sum(x for i, x in enumerate(row) if i != j), 6)
    return rows


def fit_population(
    answers: pd.DataFrame,
    *,
    name: str,
    gold: pd.Series | None = None,
    description: str = "",
    cost_per_label: float = 0.0,
    engine: str = "fast",
    worker_pull: bool = False,
    worker_mistakes: bool = True,
    start: FittedCrowd | None = None,
    extra_labels: Sequence[Any] = (),
    ties: TieBreak = DEFAULT_TIES,
) -> FittedCrowd:
    """Fit a crowd to ``answers`` (see the module docstring); Dawid–Skene runs once, with ``engine``.
    ``worker_pull``: fit each honest annotator's own pull towards lures (else one for the crowd).
    ``worker_mistakes``: fit each honest annotator's own mistakes (else the crowd's for everyone).
    ``start``: a fit of similar answers (same labels) to start the item EM from, e.g. the fit that a
    bootstrap refit perturbs (its annotators' skills carried over by id, the class mean for others).
    ``extra_labels``: label values to fit besides those answered (e.g. a class the held-out half has
    and this half's answers lack: its accuracy is then the crowd's mean). ``ties``: how Dawid–Skene's
    consensus breaks a tie between labels (:mod:`sandbox.aggregation.ties`)."""
    labels = sorted(set(answers["label"].unique().tolist()) | set(extra_labels))
    k = len(labels)
    if k < 2:
        raise SandboxError(f"cannot fit a crowd on answers with one label ({labels[0]!r})")
    check_fit_size(answers, k)
    dawid_skene = aggregate("ds", answers, engine, ties=ties)
    truth = dawid_skene.labels if gold is None else gold.combine_first(dawid_skene.labels)
    truth = truth[truth.isin(labels)]
    report = build_report(answers, consensus=dawid_skene, dawid_skene=dawid_skene, gold=gold, agreement=False)
    frame = answers[answers["task"].isin(truth.index)]
    worker_index = pd.Index(sorted(frame["worker"].unique(), key=str), name="worker")
    task_index = pd.Index(pd.unique(frame["task"]))
    true_class = np.searchsorted(labels, truth.reindex(task_index).to_numpy())
    t = task_index.get_indexer(pd.Index(frame["task"]))
    w = worker_index.get_indexer(pd.Index(frame["worker"]))
    a = np.searchsorted(labels, frame["label"].to_numpy())
    workers = report.annotators.reindex(worker_index)[
        ["answers", "ds_accuracy", "archetype", "reason", "top_label"]
    ].copy()
    honest = (workers["archetype"] == "honest").to_numpy()
    items = fit_items(
        t.astype(np.int64),
        w.astype(np.int64),
        a,
        true_class,
        honest,
        k,
        worker_pull=worker_pull,
        worker_mistakes=worker_mistakes,
        start=None if start is None else _carried_over(start, worker_index, labels),
    )
    pulls = (
        None if items.worker_pull is None else pd.Series(items.worker_pull, index=worker_index, name="pull")
    )
    prior = np.bincount(true_class, minlength=k) / len(true_class)
    observed = np.bincount(w, weights=a == true_class[t], minlength=len(worker_index)) / np.maximum(
        np.bincount(w, minlength=len(worker_index)), 1
    )
    workers.insert(2, "skill", pd.Series(np.where(honest, items.skill @ prior, observed), index=worker_index))
    population = {
        "name": name,
        "description": description or f"fitted from {len(answers)} real answers of {len(workers)} annotators",
        "pool_size": len(workers),
        "cost_per_label": float(cost_per_label),
        "activity": _activity(workers["answers"]),
        "items": {
            "misleading_share": shares_of(items),
            "lure": _rounded_rows(items.lure),
            "pull": round(items.pull, 6)
            if pulls is None or not honest.any()
            else {"values": [round(float(x), 6) for x in pulls[honest]]},
            "difficulty": {"values": items.difficulty_values()},
        },
        "archetypes": _archetypes(workers, items, labels, report.annotators),
    }
    return FittedCrowd(
        population=population,
        workers=workers,
        skills=pd.DataFrame(items.skill, index=worker_index, columns=labels),
        preferences=_preferences(w, a, len(worker_index), k, worker_index, labels),
        mistakes=pd.DataFrame(items.mistakes, index=labels, columns=labels),
        misleading_share=pd.Series(items.misleading_share, index=labels, name="misleading_share"),
        lure=pd.DataFrame(items.lure, index=labels, columns=labels),
        pull=items.pull,
        pulls=pulls,
        confusions=report.confusions,
        labels=tuple(labels),
        class_prior=pd.Series(prior, index=labels, name="prior"),
        n_tasks=len(task_index),
        activity=workers["answers"].rename("answers"),
        truth_from_gold=float(truth.index.isin(gold.index).mean()) if gold is not None else 0.0,
        item_fit=items,
    )


def _carried_over(start: FittedCrowd, workers: pd.Index, labels: list[Any]) -> ItemFit | None:
    """``start``'s item fit in the codes of ``workers`` (None when it has none or other labels)."""
    fit = start.item_fit
    if fit is None or list(start.labels) != labels:
        return None
    skills = start.skills.reindex(workers)
    skill = skills.fillna(start.skills.mean()).to_numpy(dtype=float)
    pulls = None
    if start.pulls is not None:
        pulls = start.pulls.reindex(workers).fillna(start.pull).to_numpy(dtype=float)
    own = None
    if fit.worker_mistakes is not None:
        rows = start.skills.index.get_indexer(workers)
        own = np.where((rows >= 0)[:, None, None], fit.worker_mistakes[rows], fit.mistakes[None])
    return replace(fit, skill=skill, worker_pull=pulls, worker_mistakes=own)


def _preferences(
    w: npt.NDArray[np.intp],
    a: npt.NDArray[np.intp],
    n_workers: int,
    k: int,
    index: pd.Index,
    labels: list[Any],
) -> pd.DataFrame:
    """Each worker's share of each label among their answers, with one pseudo answer per label."""
    counts = np.ones((n_workers, k))
    np.add.at(counts, (w, a), 1.0)
    return pd.DataFrame(counts / counts.sum(axis=1, keepdims=True), index=index, columns=labels)


def _activity(answers: pd.Series) -> Any:
    exponent = zipf_exponent(answers)
    return {"zipf": exponent} if exponent >= 0.05 else "uniform"


def _archetypes(
    workers: pd.DataFrame, items: ItemFit, labels: list[Any], annotators: pd.DataFrame
) -> dict[str, dict[str, Any]]:
    """The population's archetype tables: shares, and each archetype's fitted parameters."""
    counts = workers["archetype"].value_counts().to_dict()
    shares = _shares({a: int(counts.get(a, 0)) for a in ARCHETYPE_ORDER})
    honest = (workers["archetype"] == "honest").to_numpy()
    archetypes: dict[str, dict[str, Any]] = {}
    if "honest" in shares:
        archetypes["honest"] = {
            "share": shares["honest"],
            "skill": {"values": [round(float(x), 6) for x in workers.loc[honest, "skill"]]},
            "class_accuracy": [round(float(x), 6) for x in items.skill[honest].mean(axis=0)],
            "mistakes": "confusion",
            "confusion": _rounded_rows(items.mistakes),
        }
        if items.mistake_concentration is not None:
            archetypes["honest"]["mistake_concentration"] = [
                round(float(x), 6) for x in items.mistake_concentration
            ]
    if "uniform_spammer" in shares:
        archetypes["uniform_spammer"] = {"share": shares["uniform_spammer"]}
    if "fixed_spammer" in shares:
        fixed: dict[str, Any] = {"share": shares["fixed_spammer"]}
        chosen = set(annotators.loc[annotators["archetype"] == "fixed_spammer", "top_label"])
        if len(chosen) == 1:
            fixed["label"] = labels.index(chosen.pop())
        archetypes["fixed_spammer"] = fixed
    if "adversary" in shares:
        wrong = 1.0 - workers.loc[workers["archetype"] == "adversary", "skill"]
        archetypes["adversary"] = {
            "share": shares["adversary"],
            "malice": {"values": [round(float(x), 6) for x in wrong]},
        }
    return archetypes


def population_toml(fitted: FittedCrowd, source: str) -> str:
    """The fitted population as a TOML file, with what was measured but is not in the schema as
    comments. ``source`` names the export it was fitted on."""
    import tomli_w

    counts = fitted.workers["archetype"].value_counts()
    labels = ", ".join(printable(str(label)) for label in fitted.labels)
    header = [
        f"# Population fitted by `crowd-sandbox fit` from {printable(source)}",
        f"# ({int(fitted.activity.sum())} answers, {len(fitted.workers)} annotators, labels "
        f"{labels}; class code i = i-th label).",
        f"# Truth: gold on {fitted.truth_from_gold:.0%} of the tasks, Dawid-Skene consensus elsewhere.",
        "# Annotators mapped to archetypes: " + ", ".join(f"{k} {v}" for k, v in counts.items()) + ".",
        f"# Answers per annotator: median {fitted.activity.median():g}, max {fitted.activity.max()}.",
        "# Misleading items (the crowd is pulled to one wrong label) per true label: "
        + ", ".join(f"{printable(str(k))} {v:.1%}" for k, v in fitted.misleading_share.items())
        + f"; pull {fitted.pull:.2f}.",
        f"# Activity: Zipf exponent {zipf_exponent(fitted.activity):g} fitted to answers per annotator.",
    ]
    if fitted.truth_from_gold == 0.0:
        header += [
            "# No gold: the Dawid-Skene consensus stands in for the truth. It sides with the lure on",
            "# misleading items, so those are hardly seen: the misleading shares above are a lower bound.",
        ]
    return "\n".join([*header, ""]) + tomli_w.dumps(fitted.population)


def fitted_population(fitted: FittedCrowd) -> Population:
    """The fitted crowd as a :class:`Population` (what ``run`` would simulate from the TOML)."""
    return Population.from_dict(fitted.population, source=f"population fitted as {fitted.population['name']}")


def known_workers(fitted: FittedCrowd) -> dict[Any, KnownWorker]:
    """Each fitted annotator as a replay twin: archetype, P(right) and, for a fixed-answer spammer,
    the code of the label they give."""
    codes = {label: code for code, label in enumerate(fitted.labels)}
    twins = {}
    class_skills = fitted.skills.to_numpy()
    preferences = fitted.preferences.to_numpy()
    for row_number, (worker, row) in enumerate(fitted.workers.iterrows()):
        archetype = str(row["archetype"])
        label = codes.get(row["top_label"], -1) if archetype == "fixed_spammer" else -1
        class_skill = tuple(float(x) for x in class_skills[row_number]) if archetype == "honest" else None
        preference = (
            tuple(float(x) for x in preferences[row_number]) if archetype == "uniform_spammer" else None
        )
        pull = (
            float(fitted.pulls.iloc[row_number])
            if fitted.pulls is not None and archetype == "honest"
            else None
        )
        own = fitted.item_fit.worker_mistakes if fitted.item_fit is not None else None
        mistakes = (
            tuple(tuple(float(x) for x in r) for r in own[row_number])
            if own is not None and archetype == "honest"
            else None
        )
        twins[worker] = KnownWorker(
            archetype, float(row["skill"]), int(label), class_skill, preference, pull, mistakes
        )
    return twins
