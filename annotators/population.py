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

The keys, their types and defaults are declared once, in ``annotators.population_file``; an optional
``schema_version = 1`` names the version of the format.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from annotators.archetypes import ARCHETYPES_BY_KIND, DEFAULT_KIND, Archetype
from annotators.items import ItemStructure
from annotators.population_file import MemberTable, members, population_model
from foundation import toml_text
from foundation.config import validate
from foundation.errors import SandboxError


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
        """Validate a TOML-shaped dict (``annotators.population_file``); errors name ``source``, the
        key and what is allowed. Members keep the order of the file's tables."""
        kind = data.get("kind", DEFAULT_KIND) if isinstance(data, Mapping) else DEFAULT_KIND
        if not isinstance(kind, str) or kind not in ARCHETYPES_BY_KIND:
            raise SandboxError(f"{source}: unknown kind {kind!r}; allowed: {', '.join(ARCHETYPES_BY_KIND)}")
        registry = ARCHETYPES_BY_KIND[kind]
        file = validate(population_model(kind), data, source)
        tables = members(file)
        chosen = tuple(_member(registry[name], tables[name]) for name in data["archetypes"] if name in tables)
        return cls(
            name=file.name if file.name is not None else Path(source).stem,
            description=file.description,
            pool_size=file.pool_size,
            cost_per_label=file.cost_per_label,
            fixed_cost=file.fixed_cost,
            members=chosen,
            activity_exponent=file.activity_exponent,
            kind=kind,
            items=ItemStructure(
                misleading_share=(
                    tuple(file.items.misleading_share)
                    if isinstance(file.items.misleading_share, list)
                    else (file.items.misleading_share,)
                ),
                lure=None if file.items.lure is None else tuple(map(tuple, file.items.lure.tolist())),
                pull=file.items.pull.mean,
                worker_pull=None if file.items.pull.fixed is not None else file.items.pull,
                difficulty=file.items.difficulty,
            ),
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
            **({"items": self.items.to_toml()} if self.items != ItemStructure() else {}),
        }

    def reference_variants(self) -> int:
        """How many variants of the campaign's reference model its archetypes consult (0: none)."""
        return max((m.archetype.reference_variants() for m in self.members if m.share > 0), default=0)

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


def _member(kind: type[Archetype], table: MemberTable) -> Member:
    """The member of a validated ``[archetypes.NAME]`` table: its share and the archetype's parameters."""
    params = {key: getattr(table, key) for key in kind.parameters.model_fields}
    return Member(archetype=kind(params), share=table.share)


def preset_names() -> list[str]:
    """Names of the shipped presets (``annotators/presets/*.toml``)."""
    folder = resources.files("annotators") / "presets"
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))


def load_population_dict(name_or_path: str | Path) -> tuple[dict[str, Any], str]:
    """Read a preset (by name) or a TOML file; returns the raw dict and its source for messages."""
    text, source, stem = _read_population_text(str(name_or_path))
    data = toml_text.loads(text, source)
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
