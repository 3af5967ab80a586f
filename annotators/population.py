"""Populations: a mixture of archetypes with a pool size and a price, read from TOML.

A population file (see ``annotators/presets/*.toml`` for commented examples)::

    kind = "classification"   # the task kind its archetypes answer (optional; the default)
    description = "one line"
    pool_size = 300           # workers available
    cost_per_label = 0.02     # money per answer bought
    fixed_cost = 0.0          # one-off cost (recruiting, vetting), optional
    activity = "uniform"      # or { zipf = 1.0 }: a few workers do most of the tasks

    [archetypes.honest]       # one table per archetype; shares sum to 1
    share = 0.8
    skill = { alpha = 6, beta = 2 }

    [archetypes.uniform_spammer]
    share = 0.2
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from annotators.archetypes import ARCHETYPES_BY_KIND, Archetype
from annotators.errors import SandboxError
from annotators.items import ItemStructure
from annotators.parameters import probability

SHARE_TOLERANCE = 1e-6
DEFAULT_KIND = "classification"
TOP_LEVEL_KEYS = (
    "kind",
    "name",
    "description",
    "pool_size",
    "cost_per_label",
    "fixed_cost",
    "activity",
    "archetypes",
)


@dataclass(frozen=True)
class Member:
    """One archetype of a population and its share of the pool."""

    archetype: Archetype
    share: float


@dataclass(frozen=True)
class Population:
    """Who labels: archetype mixture, pool size and cost. Build with ``from_dict``/``load_population``."""

    name: str
    description: str
    pool_size: int
    cost_per_label: float
    fixed_cost: float
    members: tuple[Member, ...]
    activity_exponent: float = 0.0
    kind: str = DEFAULT_KIND
    items: ItemStructure = field(default_factory=ItemStructure)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str) -> Population:
        """Validate a TOML-shaped dict; errors name ``source``, the key and what is allowed."""
        unknown = sorted(set(data) - set(TOP_LEVEL_KEYS))
        if unknown:
            raise SandboxError(f"{source}: unknown key {unknown[0]!r}; allowed: {', '.join(TOP_LEVEL_KEYS)}")
        pool_size = data.get("pool_size")
        if isinstance(pool_size, bool) or not isinstance(pool_size, int) or pool_size < 1:
            raise SandboxError(f"{source}: pool_size must be an integer >= 1, got {pool_size!r}")
        cost = _non_negative(data.get("cost_per_label", 0.0), f"{source}: cost_per_label")
        fixed_cost = _non_negative(data.get("fixed_cost", 0.0), f"{source}: fixed_cost")
        kind = data.get("kind", DEFAULT_KIND)
        if kind not in ARCHETYPES_BY_KIND:
            raise SandboxError(f"{source}: unknown kind {kind!r}; allowed: {', '.join(ARCHETYPES_BY_KIND)}")
        members = _parse_members(data.get("archetypes"), source, ARCHETYPES_BY_KIND[kind])
        exponent = _activity_exponent(data.get("activity", "uniform"), f"{source}: activity")
        return cls(
            name=str(data.get("name", Path(source).stem)),
            description=str(data.get("description", "")),
            pool_size=pool_size,
            cost_per_label=cost,
            fixed_cost=fixed_cost,
            members=members,
            activity_exponent=exponent,
            kind=kind,
        )

    def to_dict(self) -> dict[str, Any]:
        """The TOML-shaped dict of this population (round-trips through ``from_dict``)."""
        return {
            **({"kind": self.kind} if self.kind != DEFAULT_KIND else {}),
            "name": self.name,
            "description": self.description,
            "pool_size": self.pool_size,
            "cost_per_label": self.cost_per_label,
            "fixed_cost": self.fixed_cost,
            "activity": {"zipf": self.activity_exponent} if self.activity_exponent else "uniform",
            "archetypes": {
                m.archetype.name: {"share": m.share, **m.archetype.to_toml()} for m in self.members
            },
        }

    def worker_counts(self) -> NDArray[Any]:
        """Workers per member: shares × pool size, rounded by largest remainder (sums to pool size)."""
        shares = np.array([m.share for m in self.members])
        exact = shares * self.pool_size
        counts = np.floor(exact).astype(np.int64)
        remainder = self.pool_size - int(counts.sum())
        order = np.argsort(-(exact - counts), kind="stable")
        counts[order[:remainder]] += 1
        return counts

    def activity_weights(self, rng: np.random.Generator) -> NDArray[Any]:
        """Relative activity per worker: 1 for everyone (uniform), or Zipf-like (rank ** -exponent)
        with ranks in random order, so that activity is independent of archetype."""
        if not self.activity_exponent:
            return np.ones(self.pool_size)
        ranks = rng.permutation(self.pool_size) + 1.0
        return ranks ** (-self.activity_exponent)


def _activity_exponent(value: Any, where: str) -> float:
    if value == "uniform":
        return 0.0
    if isinstance(value, Mapping) and set(value) == {"zipf"}:
        exponent = value["zipf"]
        if not isinstance(exponent, bool) and isinstance(exponent, int | float) and 0 <= exponent <= 5:
            return float(exponent)
    raise SandboxError(f'{where} must be "uniform" or {{ zipf = s }} with 0 <= s <= 5, got {value!r}')


def _non_negative(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise SandboxError(f"{where} must be a number >= 0, got {value!r}")
    return float(value)


def _parse_members(tables: Any, source: str, registry: Mapping[str, type[Archetype]]) -> tuple[Member, ...]:
    allowed = ", ".join(registry)
    if not isinstance(tables, Mapping) or not tables:
        raise SandboxError(f"{source}: needs at least one [archetypes.NAME] table; archetypes: {allowed}")
    members = []
    for name, table in tables.items():
        if name not in registry:
            raise SandboxError(f"{source}: unknown archetype {name!r}; allowed: {allowed}")
        if not isinstance(table, Mapping):
            raise SandboxError(f"{source}: archetypes.{name} must be a table")
        members.append(_parse_member(registry[name], table, f"{source}: archetypes.{name}"))
    total = sum(m.share for m in members)
    if abs(total - 1.0) > SHARE_TOLERANCE:
        listed = ", ".join(f"{m.archetype.name}={m.share:g}" for m in members)
        raise SandboxError(f"{source}: archetype shares must sum to 1, got {total:g} ({listed})")
    return tuple(members)


def _parse_member(kind: type[Archetype], table: Mapping[str, Any], where: str) -> Member:
    allowed_keys = ["share", *kind.parameters]
    unknown = sorted(set(table) - set(allowed_keys))
    if unknown:
        raise SandboxError(f"{where}: unknown key {unknown[0]!r}; allowed: {', '.join(allowed_keys)}")
    if "share" not in table:
        raise SandboxError(f"{where}: missing key 'share' (a number in [0, 1])")
    share = probability(table["share"], f"{where}.share")
    params = {
        key: spec.check(table.get(key, spec.default), f"{where}.{key}")
        for key, spec in kind.parameters.items()
    }
    return Member(archetype=kind(params), share=share)


def preset_names() -> list[str]:
    """Names of the shipped presets (``annotators/presets/*.toml``)."""
    folder = resources.files("annotators") / "presets"
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))


def load_population_dict(name_or_path: str | Path) -> tuple[dict[str, Any], str]:
    """Read a preset (by name) or a TOML file; returns the raw dict and its source for messages."""
    text, source, stem = _read_population_text(str(name_or_path))
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SandboxError(f"{source}: not valid TOML ({error})") from None
    data.setdefault("name", stem)
    return data, source


def _read_population_text(name_or_path: str) -> tuple[str, str, str]:
    """Return (text, source for messages, default name)."""
    if name_or_path in preset_names():
        preset = resources.files("annotators") / "presets" / f"{name_or_path}.toml"
        return preset.read_text(encoding="utf-8"), f"preset {name_or_path}.toml", name_or_path
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.exists():
        try:
            return path.read_text(encoding="utf-8"), str(path), path.stem
        except FileNotFoundError:
            raise SandboxError(f"population file {path} does not exist") from None
        except (OSError, UnicodeDecodeError) as error:
            raise SandboxError(f"cannot read population file {path}: {error}") from None
    raise SandboxError(
        f"unknown population {name_or_path!r}; presets: {', '.join(preset_names())} "
        "(or give a path to a .toml file)"
    )


def load_population(name_or_path: str | Path) -> Population:
    """Load and validate a preset by name or a population TOML file."""
    data, source = load_population_dict(name_or_path)
    return Population.from_dict(data, source)
