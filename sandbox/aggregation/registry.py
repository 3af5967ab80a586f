"""The aggregator registry: one spec per method, holding both engines' factories and its capabilities.

Every consumer (CLI choices, the dashboard's menus, ``aggregate``, the report, ``fit``, sweeps, the
parametrized tests) reads this one table. It imports no heavy library: factories import their
implementation when called, so that listing methods or building the CLI stays fast.

Engines: ``fast`` runs the vectorized implementations in :mod:`sandbox.aggregation.fast` where a
method has one (crowd-kit otherwise); ``crowdkit`` runs crowd-kit 1.4.2 throughout.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol, cast

from annotators.errors import SandboxError
from sandbox.aggregation import skills

if TYPE_CHECKING:
    import pandas as pd

    from sandbox.aggregation.fast.classification.base import FastAggregator
    from sandbox.aggregation.fast.coding import CodedAnswers

Engine = Literal["fast", "crowdkit"]
ENGINES: tuple[Engine, ...] = ("fast", "crowdkit")
ENGINE_HELP = "fast: vectorized implementations where they exist (default); crowdkit: crowd-kit throughout"


class Aggregator(Protocol):
    """crowd-kit's estimator API, which both engines implement: fit on a ``task, worker, label``
    frame (integer codes here) and return the labels, a Series indexed by task code."""

    def fit_predict(self, data: pd.DataFrame) -> pd.Series: ...


Factory = Callable[[], Aggregator]
#: Memory (or other) guard run on the coded answers before fitting; raises SandboxError to refuse.
Guard = Callable[["CodedAnswers"], None]


@dataclass(frozen=True)
class Implementation:
    """One engine's implementation of a method: how to build it and how to read worker skills from
    the fitted model (``None``: the method estimates none)."""

    build: Factory
    skills: skills.SkillReader | None = None


@dataclass(frozen=True)
class AggregatorSpec:
    """A registered method and what it can do.

    ``kind``: the task kind it aggregates. ``engines``: its implementation per engine (a method
    with one implementation runs it under both: crowd-kit's when it has no fast one, the project's
    own when crowd-kit lacks the method). ``gives_posteriors``: it estimates P(label | task).
    ``estimates_confusion``: the fitted model has Dawid–Skene's ``errors_`` and ``priors_``.
    ``binary_only``: it handles two classes only. ``min_labels``: the fewest distinct labels it
    works with (crowd-kit's KOS and MMSR divide by K - 1). ``guard``: checked before fitting.
    ``undefined_skills_fail``: worker skills that come out undefined mean it did not converge.
    ``counts_ties``: (pairwise) a tie answer counts in the fit; otherwise ties are left out.
    ``passes``: the most passes it makes over the task × label posteriors (its iteration limit),
    and ``dense_confusions``: it holds a K × K matrix per worker while fitting — what
    :func:`sandbox.aggregation.aggregate.check_aggregation_size` estimates memory and work from.
    """

    name: str
    summary: str
    engines: Mapping[Engine, Implementation]
    kind: str = "classification"
    gives_posteriors: bool = True
    estimates_confusion: bool = False
    binary_only: bool = False
    min_labels: int = 1
    guard: Guard | None = None
    undefined_skills_fail: bool = False
    counts_ties: bool = False
    passes: int = 1
    dense_confusions: bool = False
    references: tuple[str, ...] = field(default=())

    @property
    def estimates_skill(self) -> bool:
        """Whether the method estimates per-worker skill (under the crowd-kit engine, the reference)."""
        return self.implementation("crowdkit")[1].skills is not None

    def implementation(self, engine: Engine) -> tuple[Engine, Implementation]:
        """The engine that runs this method under ``engine`` and its implementation."""
        if engine in self.engines:
            return engine, self.engines[engine]
        other: Engine = "crowdkit" if "crowdkit" in self.engines else "fast"
        return other, self.engines[other]


def _imported(module_name: str, class_name: str, params: dict[str, Any]) -> Factory:
    """A factory of ``module_name``'s ``class_name`` built with ``params`` (the module is imported
    when the factory is called, so that listing the registry imports no engine)."""

    def build() -> Aggregator:
        model: Aggregator = getattr(importlib.import_module(module_name), class_name)(**params)
        return model

    return build


def crowdkit(class_name: str, **params: Any) -> Factory:
    """A factory of crowd-kit's ``class_name`` with ``params``."""
    return _imported("crowdkit.aggregation", class_name, params)


def fast(class_name: str) -> Factory:
    """A factory of :mod:`sandbox.aggregation.fast`'s ``class_name``."""
    return _imported("sandbox.aggregation.fast.classification", class_name, {})


def fast_pairwise(class_name: str) -> Factory:
    """A factory of :mod:`sandbox.aggregation.fast.pairwise`'s ``class_name``."""
    return _imported("sandbox.aggregation.fast.pairwise", class_name, {})


def _mmsr_guard(coded: CodedAnswers) -> None:
    from sandbox.aggregation.crowdkit_adapter import check_mmsr_memory

    check_mmsr_memory(coded)


def _both(
    class_name: str, reader: skills.SkillReader | None, **crowdkit_params: Any
) -> dict[Engine, Implementation]:
    return {
        "fast": Implementation(fast(class_name), reader),
        "crowdkit": Implementation(crowdkit(class_name, **crowdkit_params), reader),
    }


AGGREGATORS: dict[str, AggregatorSpec] = {
    spec.name: spec
    for spec in (
        AggregatorSpec(
            "mv", "majority vote (ties → smallest label)", _both("MajorityVote", skills.attribute)
        ),
        AggregatorSpec(
            "wawa", "worker agreement with aggregate (weighted MV)", _both("Wawa", skills.attribute), passes=2
        ),
        AggregatorSpec(
            "zbs",
            "zero-based skill (weighted MV, gradient-fitted skills)",
            _both("ZeroBasedSkill", skills.attribute),
            passes=100,
        ),
        AggregatorSpec(
            "ds",
            "Dawid–Skene (per-worker confusion matrices, EM)",
            _both("DawidSkene", skills.confusion, n_iter=100),
            estimates_confusion=True,
            passes=100,
            dense_confusions=True,
        ),
        AggregatorSpec(
            "onecoin_ds",
            "one-coin Dawid–Skene (one accuracy per worker)",
            _both("OneCoinDawidSkene", skills.attribute),
            passes=100,
            dense_confusions=True,
        ),
        AggregatorSpec(
            "glad", "GLAD (worker expertise × task difficulty)", _both("GLAD", skills.glad), passes=100
        ),
        AggregatorSpec(
            "mace",
            "MACE (spamming vs knowing, per worker)",
            {
                "fast": Implementation(fast("MACE"), skills.mace),
                # crowd-kit's MACE keeps worker rows in order of first appearance, not in code order.
                "crowdkit": Implementation(crowdkit("MACE"), skills.mace_first_appearance),
            },
            passes=50,
        ),
        AggregatorSpec(
            "kos",
            "Karger–Oh–Shah message passing (binary only; unstable on dense assignments)",
            _both("KOS", None),
            gives_posteriors=False,
            binary_only=True,
            min_labels=2,
            passes=100,
        ),
        AggregatorSpec(
            "mmsr",
            "matrix mean-subsequence-reduced (robust to adversaries)",
            {"crowdkit": Implementation(crowdkit("MMSR"), skills.attribute)},
            gives_posteriors=False,
            min_labels=2,
            guard=_mmsr_guard,
            undefined_skills_fail=True,
        ),
        # Pairwise preferences: scores per item from (worker, left, right, side) answers.
        AggregatorSpec(
            "bt",
            "Bradley–Terry, crowd-kit's estimate (two MM steps; ties left out)",
            {
                "fast": Implementation(fast_pairwise("BradleyTerry")),
                "crowdkit": Implementation(crowdkit("BradleyTerry", n_iter=100)),
            },
            kind="pairwise",
            gives_posteriors=False,
        ),
        AggregatorSpec(
            "noisy_bt",
            "noisy Bradley–Terry (per-worker skill and left bias; ties left out)",
            {
                "fast": Implementation(fast_pairwise("NoisyBradleyTerry"), skills.attribute),
                "crowdkit": Implementation(crowdkit("NoisyBradleyTerry"), skills.attribute),
            },
            kind="pairwise",
            gives_posteriors=False,
        ),
        AggregatorSpec(
            "bt_mle",
            "Bradley–Terry maximum likelihood (converged; project's own, not in crowd-kit)",
            {"fast": Implementation(fast_pairwise("BradleyTerryMLE"))},
            kind="pairwise",
            gives_posteriors=False,
        ),
        AggregatorSpec(
            "win_rate",
            "share of comparisons won, a tie half a win (reference; project's own)",
            {"fast": Implementation(fast_pairwise("WinRate"))},
            kind="pairwise",
            gives_posteriors=False,
            counts_ties=True,
        ),
        AggregatorSpec(
            "elo",
            "online Elo in answer order, k = 4 as evalica (reference; project's own)",
            {"fast": Implementation(fast_pairwise("Elo"))},
            kind="pairwise",
            gives_posteriors=False,
            counts_ties=True,
        ),
    )
}


def aggregator_names(kind: str = "classification") -> list[str]:
    """Registered names for one task kind, in registry order."""
    return [name for name, spec in AGGREGATORS.items() if spec.kind == kind]


def aggregator_spec(name: str) -> AggregatorSpec:
    """The spec of ``name``; SandboxError naming the registered ones otherwise."""
    if name not in AGGREGATORS:
        raise SandboxError(f"unknown aggregator {name!r}; allowed: {', '.join(AGGREGATORS)}")
    return AGGREGATORS[name]


def parse_aggregators(text: str) -> list[str]:
    """Split ``"mv,ds"`` and check each name against the registry."""
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise SandboxError(f"no aggregator given; allowed: {', '.join(AGGREGATORS)}")
    for name in names:
        aggregator_spec(name)
    return names


def check_engine(engine: str) -> Engine:
    """``engine`` if it is a known engine name; SandboxError naming the allowed ones otherwise."""
    for known in ENGINES:
        if engine == known:
            return known
    raise SandboxError(f"unknown engine {engine!r}; allowed: {', '.join(ENGINES)}")


def engine_used(name: str, engine: str = "fast") -> Engine:
    """The engine that runs ``name``: ``fast`` only where a fast implementation exists."""
    return aggregator_spec(name).implementation(check_engine(engine))[0]


def make_aggregator(name: str, engine: str = "fast") -> Aggregator:
    """A fresh, unfitted model of ``name`` from the engine that runs it under ``engine``."""
    return aggregator_spec(name).implementation(check_engine(engine))[1].build()


#: Classification methods with a fast implementation, in registry order.
FAST_METHODS: tuple[str, ...] = tuple(
    name for name, spec in AGGREGATORS.items() if "fast" in spec.engines and spec.kind == "classification"
)


def fast_class(name: str) -> type[FastAggregator]:
    """The fast engine's class of ``name`` (for tests and benchmarks that fit it directly)."""
    if name not in FAST_METHODS:
        raise SandboxError(f"{name} has no fast implementation; fast: {', '.join(FAST_METHODS)}")
    model = AGGREGATORS[name].engines["fast"].build()
    return cast("type[FastAggregator]", type(model))
