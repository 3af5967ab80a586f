"""The aggregator registry: one spec per method, holding both engines' implementations and its
capabilities. Each task kind registers the methods for its answers when it loads.

Every consumer (CLI choices, the dashboard's menus, aggregation, the report, ``fit``, sweeps, the
parametrized tests) reads this one table. It imports no heavy library: an implementation's class
is imported when it is first built, so that listing methods or building the CLI stays fast.

Engines: ``fast`` runs the vectorized implementations in :mod:`sandbox.aggregation.fast` where a
method has one (crowd-kit otherwise); ``crowdkit`` runs crowd-kit 1.4.2 throughout.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from foundation.errors import SandboxError
from foundation.registry import Registry
from sandbox.aggregation import skills
from sandbox.kinds import load_kinds

if TYPE_CHECKING:
    from sandbox.aggregation.fast.coding import CodedAnswers
    from sandbox.aggregation.hyperparameters import Hyperparameter

Engine = Literal["fast", "crowdkit"]
ENGINES: tuple[Engine, ...] = ("fast", "crowdkit")
ENGINE_HELP = "fast: vectorized implementations where they exist (default); crowdkit: crowd-kit throughout"

#: Memory (or other) guard run on the coded answers before fitting; raises SandboxError to refuse.
Guard = Callable[["CodedAnswers"], None]


@dataclass(frozen=True)
class Implementation:
    """One engine's implementation of a method: the class (``module`` and ``class_name``, imported
    when first needed), keyword arguments it is always built with (``fixed``), and how to read
    worker skills from the fitted model (``None``: it estimates none)."""

    module: str
    class_name: str
    skills: skills.SkillReader | None = None
    fixed: Mapping[str, Any] = field(default_factory=dict)

    def model_class(self) -> type[Any]:
        """The implementing class."""
        found: type[Any] = getattr(importlib.import_module(self.module), self.class_name)
        return found

    def build(self, params: Mapping[str, Any] | None = None) -> Any:
        """A fresh, unfitted model with ``params`` (validated hyperparameters) over the fixed ones;
        SandboxError for a hyperparameter this implementation does not take."""
        cls = self.model_class()
        if params:
            accepted = inspect.signature(cls).parameters
            unknown = [name for name in params if name not in accepted]
            if unknown:
                library = "crowd-kit" if self.module.startswith("crowdkit") else "the fast engine"
                raise SandboxError(
                    f"{self.class_name} of {library} takes no hyperparameter {unknown[0]!r} "
                    "(it belongs to the other engine: see --engine)"
                )
        return cls(**{**self.fixed, **(params or {})})


def crowdkit(
    class_name: str, skills_reader: skills.SkillReader | None = None, **fixed: Any
) -> Implementation:
    """crowd-kit's ``class_name`` (always built with ``fixed``)."""
    return Implementation("crowdkit.aggregation", class_name, skills_reader, fixed)


def project(module: str, class_name: str, skills_reader: skills.SkillReader | None = None) -> Implementation:
    """The project's own ``module``'s ``class_name`` (the fast engine's classes)."""
    return Implementation(module, class_name, skills_reader)


@dataclass(frozen=True)
class AggregatorSpec:
    """A registered method and what it can do.

    ``kinds``: the task kinds whose answers it aggregates. ``engines``: its implementation per
    engine (a method with one implementation runs it under both: crowd-kit's when it has no fast
    one, the project's own when crowd-kit lacks the method). ``gives_posteriors``: it estimates
    P(label | task). ``estimates_confusion``: the fitted model has Dawid–Skene's ``errors_`` and
    ``priors_``. ``binary_only``: it handles two classes only. ``min_labels``: the fewest distinct
    labels it works with (crowd-kit's KOS and MMSR divide by K - 1). ``guard``: checked before
    fitting. ``undefined_skills_fail``: worker skills that come out undefined mean it did not
    converge. ``counts_ties``: (pairwise) a tie answer counts in the fit; otherwise ties are left
    out. ``dense_confusions``: it holds a K × K matrix per worker while fitting.

    Its hyperparameters are declared by its class — the fast implementation's ``__init__``, or, for
    a method crowd-kit alone runs, the ``declared`` class listing the ones users may set — and so
    is how many passes it makes (:meth:`passes`), which
    the kinds' size checks (e.g. ``check_aggregation_size`` of classification) estimate work from.
    """

    name: str
    summary: str
    engines: Mapping[Engine, Implementation]
    kinds: tuple[str, ...] = ()
    gives_posteriors: bool = True
    estimates_confusion: bool = False
    binary_only: bool = False
    min_labels: int = 1
    guard: Guard | None = None
    undefined_skills_fail: bool = False
    counts_ties: bool = False
    dense_confusions: bool = False
    declared: Implementation | None = None
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

    def declaring_class(self) -> type[Any] | None:
        """The class whose ``__init__`` declares the hyperparameters."""
        if "fast" in self.engines:
            return self.engines["fast"].model_class()
        return self.declared.model_class() if self.declared is not None else None

    def hyperparameters(self) -> dict[str, Hyperparameter]:
        """The hyperparameters users may set, name → declaration (in ``__init__``'s order)."""
        from sandbox.aggregation.hyperparameters import hyperparameters

        cls = self.declaring_class()
        return hyperparameters(cls) if cls is not None else {}

    def check_params(self, values: Mapping[str, Any], where: str = "") -> dict[str, Any]:
        """``values`` validated against :meth:`hyperparameters`; SandboxError naming the key."""
        from sandbox.aggregation.hyperparameters import check_hyperparameters

        return check_hyperparameters(self.hyperparameters(), values, where or self.name)

    def passes(self, params: Mapping[str, Any] | None = None) -> int:
        """The most passes a fit with ``params`` makes over the task × label posteriors."""
        passes = getattr(self.declaring_class(), "passes", None)
        return int(passes(params or {})) if passes is not None else 1


AGGREGATORS: Registry[AggregatorSpec] = Registry("aggregator", load_kinds)


def register_aggregator(spec: AggregatorSpec) -> AggregatorSpec:
    """Add ``spec`` (called by the packages of the kinds it serves, when they load); a method that
    serves several kinds is registered by one of them and listed in each one's ``kinds``."""
    return AGGREGATORS.register(spec.name, spec)


def serve_kind(name: str, kind: str) -> AggregatorSpec:
    """Let the registered method ``name`` aggregate ``kind``'s answers too (called by ``kind``'s
    package when it loads, after the kind that registered the method: the order of
    ``KIND_PACKAGES``). The kind's codec decides how its answers become the method's input and how
    the result comes back (e.g. ratings as the classes of Dawid–Skene). Returns the widened spec."""
    if name not in AGGREGATORS:  # registered by a kind listed before ``kind``
        raise ValueError(f"aggregator {name!r} is not registered (yet) for {kind} to serve")
    spec = AGGREGATORS[name]
    if kind in spec.kinds:
        return spec
    widened = replace(spec, kinds=(*spec.kinds, kind))
    AGGREGATORS.replace(name, widened)
    return widened


def aggregator_names(kind: str) -> list[str]:
    """Registered names for one task kind, in registry order."""
    return [name for name, spec in AGGREGATORS.items() if kind in spec.kinds]


def aggregator_spec(name: str) -> AggregatorSpec:
    """The spec of ``name``; SandboxError naming the registered ones otherwise."""
    return AGGREGATORS[name]


def split_names(text: str) -> list[str]:
    """``"mv, ds"`` → ``["mv", "ds"]`` (empty parts dropped; checking them is the kind's)."""
    return [n.strip() for n in text.split(",") if n.strip()]


def check_engine(engine: str) -> Engine:
    """``engine`` if it is a known engine name; SandboxError naming the allowed ones otherwise."""
    for known in ENGINES:
        if engine == known:
            return known
    raise SandboxError(f"unknown engine {engine!r}; allowed: {', '.join(ENGINES)}")


def engine_used(name: str, engine: str = "fast") -> Engine:
    """The engine that runs ``name``: ``fast`` only where a fast implementation exists."""
    return aggregator_spec(name).implementation(check_engine(engine))[0]


def make_aggregator(name: str, engine: str = "fast", params: Mapping[str, Any] | None = None) -> Any:
    """A fresh, unfitted model of ``name`` from the engine that runs it under ``engine``."""
    return aggregator_spec(name).implementation(check_engine(engine))[1].build(params)


def fast_methods(kind: str) -> tuple[str, ...]:
    """The methods of ``kind`` with a fast implementation, in registry order."""
    return tuple(name for name in aggregator_names(kind) if "fast" in AGGREGATORS[name].engines)


def fast_class(name: str) -> type[Any]:
    """The fast engine's class of ``name`` (for tests and benchmarks that fit it directly)."""
    spec = aggregator_spec(name)
    if "fast" not in spec.engines:
        fast = [n for n, s in AGGREGATORS.items() if "fast" in s.engines]
        raise SandboxError(f"{name} has no fast implementation; fast: {', '.join(fast)}")
    return spec.engines["fast"].model_class()
