"""Aggregator registry (name → implementation) and one call to aggregate answers.

Two engines: ``fast`` (the vectorized ``sandbox.aggregation.fast`` implementations, validated
against crowd-kit; the default wherever one exists) and ``crowdkit`` (the reference, and the
fallback for the rest).

Majority-vote ties break towards the smallest label (labels are coded in sorted order and crowd-kit
takes the first maximal column); this reproduces the published majority-vote figures.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from crowdkit.aggregation import (
    GLAD,
    KOS,
    MACE,
    MMSR,
    DawidSkene,
    MajorityVote,
    OneCoinDawidSkene,
    Wawa,
    ZeroBasedSkill,
)

from annotators.errors import SandboxError
from sandbox.aggregation.crowdkit_adapter import (
    AggregationFailed,
    check_mmsr_memory,
    class_mass,
    quiet_crowdkit,
    worker_skills,
)
from sandbox.aggregation.fast import FAST_AGGREGATORS

Engine = Literal["fast", "crowdkit"]
ENGINES: tuple[Engine, ...] = ("fast", "crowdkit")


@dataclass(frozen=True)
class AggregatorSpec:
    """A registered aggregator: how to build it and what it can do."""

    name: str
    summary: str
    build: Callable[[], Any]
    estimates_skill: bool
    gives_posteriors: bool
    binary_only: bool = False


AGGREGATORS: dict[str, AggregatorSpec] = {
    spec.name: spec
    for spec in (
        AggregatorSpec("mv", "majority vote (ties → smallest label)", MajorityVote, True, True),
        AggregatorSpec("wawa", "worker agreement with aggregate (weighted MV)", Wawa, True, True),
        AggregatorSpec(
            "zbs",
            "zero-based skill (weighted MV, gradient-fitted skills)",
            ZeroBasedSkill,
            True,
            True,
        ),
        AggregatorSpec(
            "ds",
            "Dawid–Skene (per-worker confusion matrices, EM)",
            lambda: DawidSkene(n_iter=100),
            True,
            True,
        ),
        AggregatorSpec(
            "onecoin_ds",
            "one-coin Dawid–Skene (one accuracy per worker)",
            OneCoinDawidSkene,
            True,
            True,
        ),
        AggregatorSpec("glad", "GLAD (worker expertise × task difficulty)", GLAD, True, True),
        AggregatorSpec("mace", "MACE (spamming vs knowing, per worker)", MACE, True, True),
        AggregatorSpec(
            "kos",
            "Karger–Oh–Shah message passing (binary only; unstable on dense assignments)",
            KOS,
            False,
            False,
            True,
        ),
        AggregatorSpec("mmsr", "matrix mean-subsequence-reduced (robust to adversaries)", MMSR, True, False),
    )
}


@dataclass(frozen=True)
class Aggregation:
    """Result of one aggregator on one answers table.

    ``labels``: Series indexed by ``task`` (label values as in the answers).
    ``probas``: task × label posterior DataFrame, when the method gives one.
    ``skills``: Series indexed by ``worker`` (higher = better), when the method estimates it.
    """

    aggregator: str
    labels: pd.Series
    probas: pd.DataFrame | None
    skills: pd.Series | None
    seconds: float
    engine: Engine = "crowdkit"


def aggregator_names() -> list[str]:
    """Registered names, in registry order."""
    return list(AGGREGATORS)


def parse_aggregators(text: str) -> list[str]:
    """Split ``"mv,ds"`` and check each name against the registry."""
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise SandboxError(f"no aggregator given; allowed: {', '.join(AGGREGATORS)}")
    for name in names:
        if name not in AGGREGATORS:
            raise SandboxError(f"unknown aggregator {name!r}; allowed: {', '.join(AGGREGATORS)}")
    return names


def check_engine(engine: str) -> Engine:
    """``engine`` if it is a known engine name; SandboxError naming the allowed ones otherwise."""
    for known in ENGINES:
        if engine == known:
            return known
    raise SandboxError(f"unknown engine {engine!r}; allowed: {', '.join(ENGINES)}")


def engine_used(name: str, engine: str = "fast") -> Engine:
    """The engine that runs ``name``: ``fast`` only where a fast implementation exists."""
    return "fast" if check_engine(engine) == "fast" and name in FAST_AGGREGATORS else "crowdkit"


def make_aggregator(name: str, engine: str = "fast") -> Any:
    """A fresh, unfitted aggregator object for registry ``name`` (crowd-kit's estimator API).

    ``engine="fast"`` gives the ``sandbox.aggregation.fast`` class where one exists and crowd-kit's otherwise;
    ``engine="crowdkit"`` always gives crowd-kit's.
    """
    if name not in AGGREGATORS:
        raise SandboxError(f"unknown aggregator {name!r}; allowed: {', '.join(AGGREGATORS)}")
    if engine_used(name, engine) == "fast":
        return FAST_AGGREGATORS[name]()
    return AGGREGATORS[name].build()


def aggregate(name: str, answers: pd.DataFrame, engine: str = "fast") -> Aggregation:
    """Run aggregator ``name`` on ``answers`` (``task, worker, label``) with ``engine``
    (``fast`` where a fast implementation exists, else crowd-kit; or ``crowdkit`` throughout).

    Tasks and workers are coded as integers before crowd-kit sees them (string ids make it 1.5–2.5×
    slower) and decoded afterwards. Raises SandboxError for a method that cannot handle the data.
    """
    if name not in AGGREGATORS:
        raise SandboxError(f"unknown aggregator {name!r}; allowed: {', '.join(AGGREGATORS)}")
    spec = AGGREGATORS[name]
    task_codes, task_names = pd.factorize(answers["task"], sort=True)
    worker_codes, worker_names = pd.factorize(answers["worker"], sort=True)
    label_codes, label_names = pd.factorize(answers["label"], sort=True)
    if spec.binary_only and len(label_names) > 2:
        raise SandboxError(
            f"{name} handles two classes only, these answers have {len(label_names)}; "
            "use mv, ds, glad or mace"
        )
    coded = pd.DataFrame({"task": task_codes, "worker": worker_codes, "label": label_codes})
    used = engine_used(name, engine)
    if name == "mmsr":
        check_mmsr_memory(coded)
    model = make_aggregator(name, used)
    start = time.perf_counter()
    with quiet_crowdkit():
        labels = model.fit_predict(coded)
    seconds = time.perf_counter() - start
    if labels.isna().any():
        raise AggregationFailed(f"{name} did not converge on these answers (it produced no label)")
    # crowd-kit's MACE keeps worker rows in order of first appearance, not in code order.
    rows = worker_names
    if (name, used) == ("mace", "crowdkit"):
        rows = worker_names.take(pd.unique(worker_codes))
    skills = None
    if spec.estimates_skill:
        mass = None
        if getattr(model, "probas_", None) is not None:
            probas = model.probas_.reindex(index=range(len(task_names)), columns=range(len(label_names)))
            mass = pd.DataFrame(
                class_mass(task_codes, worker_codes, probas.fillna(0.0).to_numpy(float), len(worker_names))
            )
        skills = worker_skills(model, rows, mass)
    if name == "mmsr" and skills is not None and not np.isfinite(skills).all():
        raise AggregationFailed(
            f"{name} did not converge on these answers (worker skills are undefined); try ds or glad"
        )
    return Aggregation(
        aggregator=name,
        labels=_decode_labels(labels, task_names, label_names),
        probas=_decode_probas(
            getattr(model, "probas_", None) if spec.gives_posteriors else None, task_names, label_names
        ),
        skills=skills,
        seconds=seconds,
        engine=used,
    )


def _decode_labels(labels: pd.Series, tasks: pd.Index, label_names: pd.Index) -> pd.Series:
    index = pd.Index(tasks[labels.index.to_numpy().astype(np.int64)], name="task")
    values = label_names[labels.to_numpy().astype(np.int64)]
    return pd.Series(values, index=index, name="label").sort_index()


def _decode_probas(
    probas: pd.DataFrame | None, tasks: pd.Index, label_names: pd.Index
) -> pd.DataFrame | None:
    if probas is None:
        return None
    decoded = probas.copy()
    decoded.index = pd.Index(tasks[probas.index.to_numpy().astype(np.int64)], name="task")
    decoded.columns = pd.Index(label_names[probas.columns.to_numpy().astype(np.int64)], name="label")
    return decoded.sort_index()
