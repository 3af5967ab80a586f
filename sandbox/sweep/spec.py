"""Sweep specification: base scenario, fixed settings, grid, seeds and a paid-curation reference.

A spec is a TOML file (every table optional)::

    name = "cheating-x-redundancy"
    seed = 2026            # sweep seed: every cell seed derives from it
    seeds = 5              # repetitions of every grid point
    cell = "sandbox.sweep.scenario_cell:SCENARIO_CELL"   # what a cell runs (the default)

    [scenario]             # base scenario, merged over the cell's defaults
    dataset = "snow_rte"
    population = "volunteers"

    [set]                  # fixed dotted-path settings applied to every cell (like --set)
    "policy.redundancy" = 3

    [grid]                 # dotted path -> values; cells are the product of all lists (like --grid)
    "population.archetypes.uniform_spammer.share" = [0.0, 0.1, 0.2]
    redundancy = [1, 3, 5]

    [reference]            # settings for reference cells (base + [set] + these, no grid)
    population = "paid_curation"

A bare key may be an alias declared by the cell (the scenario cell: every policy field), or a key
of exactly one top-level table; either way it is short for its full path (``redundancy`` →
``policy.redundancy``). Command-line ``--set``/``--grid``
entries override the file's. See ``overrides`` for value typing and the archetype-share rule.
The keys, their types and defaults are declared once, in :class:`SpecFile` (``crowd-sandbox schema
sweep`` prints its JSON Schema); an optional ``schema_version = 1`` names the format's version.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, Field

from foundation import toml_text
from foundation.config import SCHEMA_VERSION, ConfigModel, SchemaVersion, is_number, json_schema, validate
from foundation.errors import SandboxError, first_line
from sandbox.sweep.cells import DEFAULT_CELL, CellKind
from sandbox.sweep.overrides import get_path, rescale_shares, set_path, share_target

DEFAULT_SEED = 0
DEFAULT_SEEDS = 3


def _normalize_values(values: list[Any]) -> list[Any]:
    """A grid list: a mix of ints and floats becomes all floats (stable ids and columns); no repeats."""
    if any(isinstance(v, float) for v in values) and all(is_number(v) for v in values):
        values = [float(v) for v in values]
    if len({repr(v) for v in values}) != len(values):
        raise ValueError(f"has repeated values: {values!r}")
    return values


GridValues = Annotated[list[Any], Field(min_length=1), AfterValidator(_normalize_values)]


class SpecFile(ConfigModel):
    """A sweep spec file: what to run (cell), on what ([scenario]), varied how ([grid], [set])."""

    toml_keys: ClassVar[bool] = True

    name: str | None = Field(None, description="name of the sweep (default: the file stem)")
    description: str = Field("", description="one line saying what the sweep shows")
    seed: Annotated[int, Field(ge=0)] = Field(
        DEFAULT_SEED, description="sweep seed: every cell seed derives from it"
    )
    seeds: Annotated[int, Field(ge=1)] = Field(DEFAULT_SEEDS, description="repetitions of every grid point")
    cell: str = Field(DEFAULT_CELL, description='what a cell runs, "package.module:ATTRIBUTE"')
    scenario: dict[str, Any] = Field(
        {}, description="base scenario, merged over the cell's defaults (dataset, population, policy, ...)"
    )
    settings: dict[str, Any] = Field(
        {}, alias="set", description="fixed settings by dotted path, applied to every cell (like --set)"
    )
    grid: dict[str, GridValues] = Field(
        {}, description="dotted path -> list of values; cells are the product of the lists (like --grid)"
    )
    reference: dict[str, Any] | None = Field(
        None, description="reference cells: base + [set] + these, not crossed with the grid"
    )
    schema_version: SchemaVersion = Field(SCHEMA_VERSION, description="version of the file format")


@dataclass(frozen=True)
class SweepSpec:
    """A validated sweep: what to run (``cell``), on what (``scenario``), varied how."""

    scenario: dict[str, Any]
    settings: dict[str, Any] = field(default_factory=dict)
    grid: dict[str, list[Any]] = field(default_factory=dict)
    reference: dict[str, Any] | None = None
    seeds: int = DEFAULT_SEEDS
    seed: int = DEFAULT_SEED
    cell: str = DEFAULT_CELL
    name: str = "sweep"
    description: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the spec as a TOML-ready dict (the file format above)."""
        data: dict[str, Any] = {
            "name": self.name,
            "description": self.description,
            "seed": self.seed,
            "seeds": self.seeds,
            "cell": self.cell,
            "scenario": self.scenario,
            "set": self.settings,
            "grid": self.grid,
        }
        if self.reference is not None:
            data["reference"] = self.reference
        return data


def flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Turn nested tables into dotted keys: ``{"policy": {"k": 3}}`` → ``{"policy.k": 3}``."""
    flat: dict[str, Any] = {}
    for key, value in table.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            flat.update(flatten(value, path + "."))
        else:
            flat[path] = value
    return flat


def spec_from_dict(
    raw: Mapping[str, Any],
    *,
    source: str = "spec",
    sets: Mapping[str, Any] | None = None,
    grids: Mapping[str, list[Any]] | None = None,
    seeds: int | None = None,
    seed: int | None = None,
) -> SweepSpec:
    """Build a SweepSpec from a TOML dict plus command-line overrides (which win), validated as
    :class:`SpecFile` (errors name ``source``, the key and what is allowed)."""
    data = {**raw, **{k: v for k, v in {"seeds": seeds, "seed": seed}.items() if v is not None}}
    if grids and isinstance(raw.get("grid", {}), Mapping):
        data["grid"] = {**raw.get("grid", {}), **grids}
    file = validate(SpecFile, data, source)
    settings = {**flatten(file.settings), **(sets or {})}
    both = sorted(set(settings) & set(file.grid))
    if both:
        raise SandboxError(f"{both[0]!r} is both set and varied; give it in --set or --grid only")
    return SweepSpec(
        scenario=dict(file.scenario),
        settings=settings,
        grid=dict(file.grid),
        reference=flatten(file.reference) if file.reference is not None else None,
        seeds=file.seeds,
        seed=file.seed,
        cell=file.cell,
        name=file.name if file.name is not None else (Path(source).stem if source != "spec" else "sweep"),
        description=file.description,
    )


def spec_json_schema() -> dict[str, Any]:
    """The JSON Schema of a sweep spec file."""
    return json_schema(SpecFile, "Crowd Sandbox sweep spec")


def load_spec_file(path: Path) -> dict[str, Any]:
    """Read a spec TOML file; SandboxError naming the file when it is missing or malformed."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SandboxError(f"spec file {str(path)!r} does not exist") from None
    except (OSError, UnicodeDecodeError) as error:
        raise SandboxError(f"spec file {str(path)!r} cannot be read: {first_line(error)}") from None
    return toml_text.loads(text, f"spec file {str(path)!r}")


def deep_merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``base`` with ``over`` merged in, table by table (``over`` wins)."""
    result = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(result.get(key), dict):
            result[key] = deep_merge(result[key], value)
        else:
            result[key] = value
    return result


def canonical_path(scenario: Mapping[str, Any], key: str) -> str:
    """Resolve a bare key to ``table.key`` when exactly one top-level table holds it."""
    head = key.split(".", 1)[0]
    if head in scenario:
        return key
    owners = [name for name, table in scenario.items() if isinstance(table, dict) and head in table]
    if len(owners) == 1:
        return f"{owners[0]}.{key}"
    if len(owners) > 1:
        options = ", ".join(f"{owner}.{key}" for owner in owners)
        raise SandboxError(f"key {key!r} is ambiguous; write one of: {options}")
    return key


def resolve_scenario(
    kind: CellKind, base: Mapping[str, Any], assignments: Mapping[str, Any]
) -> dict[str, Any]:
    """Apply dotted ``assignments`` in order to the cell defaults merged with ``base``.

    Archetype shares set here are pinned together and the others rescaled (see ``overrides``).
    """
    scenario = deep_merge(kind.defaults(), base)
    pinned: dict[str, dict[str, float]] = {}
    aliases = kind.aliases()
    for key, value in assignments.items():
        path = aliases.get(key) or canonical_path(scenario, key)
        kind.expand(scenario, path)
        target = share_target(path)
        if target is not None:
            table_path, name = target
            try:
                archetypes = get_path(scenario, table_path)
            except KeyError:
                archetypes = None
            if not isinstance(archetypes, dict):
                set_path(scenario, path, value, open_tables=kind.open_tables)  # names the key
                continue
            pinned.setdefault(table_path, {})[name] = value
            continue
        set_path(scenario, path, value, open_tables=kind.open_tables)
    for table_path, shares in pinned.items():
        rescale_shares(get_path(scenario, table_path), shares, table_path)
    return scenario
