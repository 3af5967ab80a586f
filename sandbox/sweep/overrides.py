"""Typed ``KEY=VALUE`` parsing and dotted-path edits of a scenario dict.

Rules (documented in the README):

- A value is read as a TOML value (``3`` → int, ``0.3`` → float, ``true`` → bool, ``[1, 2]`` → list,
  ``"x"`` → str); anything that is not valid TOML is taken as a bare string (``snow_rte``).
- A grid value list is split on top-level commas: ``redundancy=1,3,5``.
- A dotted path walks nested tables: ``policy.redundancy``, ``population.pool_size``. A path that
  does not exist in the scenario is an error naming the key and the keys allowed at that level;
  the only tables where new keys may be created are those listed as *open* (the population, whose
  own validator names the allowed keys).
- Archetype shares: setting ``population.archetypes.NAME.share = s`` pins that share; the shares
  of the archetypes not pinned in the same cell are rescaled proportionally so that all shares
  still sum to 1. Setting the share of an archetype the population lacks adds it with only its
  ``share``.
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import Field

from foundation.config import is_number, validate_value
from foundation.errors import SandboxError
from foundation.toml_text import MAX_TOML_DEPTH, bracket_depth

SHARE_TOLERANCE = 1e-9
Share = Annotated[float, Field(ge=0, le=1)]


def parse_value(text: str) -> Any:
    """Return ``text`` read as a TOML value, or as a plain string when it is not valid TOML."""
    stripped = text.strip()
    if bracket_depth(stripped) > MAX_TOML_DEPTH:
        raise SandboxError(
            f"value {stripped[:40]!r}… nests arrays and tables deeper than {MAX_TOML_DEPTH} levels "
            "(limit MAX_TOML_DEPTH)"
        )
    try:
        return tomllib.loads(f"v = {stripped}")["v"]
    except tomllib.TOMLDecodeError:
        return stripped


def split_top_level(text: str) -> list[str]:
    """Split ``text`` on commas that are not inside brackets, braces or quotes."""
    parts: list[str] = []
    depth = 0
    quote = ""
    current: list[str] = []
    for char in text:
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def parse_assignment(text: str, option: str) -> tuple[str, str]:
    """Split ``KEY=VALUE`` into its key and raw value; ``option`` names the flag in errors."""
    key, sep, value = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise SandboxError(f"{option} {text!r}: expected KEY=VALUE, e.g. {option} redundancy=3")
    return key, value


def parse_set(text: str) -> tuple[str, Any]:
    """Parse one ``--set KEY=VALUE`` into ``(key, typed value)``."""
    key, raw = parse_assignment(text, "--set")
    return key, parse_value(raw)


def parse_grid(text: str) -> tuple[str, list[Any]]:
    """Parse one ``--grid KEY=V1,V2,...`` into ``(key, typed values)``."""
    key, raw = parse_assignment(text, "--grid")
    values = [parse_value(part) for part in split_top_level(raw) if part.strip()]
    if not values:
        raise SandboxError(f"--grid {text!r}: no values; expected KEY=V1,V2,...")
    return key, values


def get_path(tree: Mapping[str, Any], path: str) -> Any:
    """Return the value at dotted ``path`` of ``tree`` (KeyError when absent)."""
    node: Any = tree
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            raise KeyError(path)
        node = node[part]
    return node


def set_path(
    tree: dict[str, Any], path: str, value: Any, *, open_tables: frozenset[str] = frozenset()
) -> None:
    """Set dotted ``path`` of ``tree`` to ``value`` in place.

    Every key along the path must already exist, except an open table itself and anything inside
    it (a table whose dotted path is in ``open_tables``: there, missing tables and keys are created). A number
    may not be replaced by a non-number. Raises SandboxError naming the key and the allowed ones.
    """
    parts = path.split(".")
    node: dict[str, Any] = tree
    for depth, part in enumerate(parts):
        here = ".".join(parts[:depth])
        is_open = any(here == table or here.startswith(table + ".") for table in open_tables)
        last = depth == len(parts) - 1
        opens = ".".join(parts[: depth + 1]) in open_tables
        if part not in node and not is_open and not opens:
            allowed = ", ".join(sorted(node)) or "(none)"
            where = f": no {part!r} in {here!r}" if here else ""
            raise SandboxError(f"unknown key {path!r}{where}; allowed: {allowed}")
        if last:
            old = node.get(part)
            if is_number(old) and not is_number(value):
                raise SandboxError(f"{path!r} must be a number (like {old!r}), got {value!r}")
            node[part] = copy.deepcopy(value)
            return
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise SandboxError(
                f"unknown key {path!r}: {'.'.join(parts[: depth + 1])!r} is a value ({child!r}), not a table"
            )
        node = child


def share_target(path: str) -> tuple[str, str] | None:
    """Return ``(archetypes table path, archetype name)`` if ``path`` sets an archetype share."""
    parts = path.split(".")
    if len(parts) >= 3 and parts[-1] == "share" and parts[-3] == "archetypes":
        return ".".join(parts[:-2]), parts[-2]
    return None


def rescale_shares(archetypes: dict[str, Any], pinned: Mapping[str, float], where: str) -> None:
    """Set pinned shares and rescale the others proportionally so all shares sum to 1 (in place)."""
    for name, share in pinned.items():
        validate_value(Share, share, f"{where}.{name}.share")
    pinned_total = float(sum(pinned.values()))
    free = {
        name: float(table.get("share", 0.0))
        for name, table in archetypes.items()
        if name not in pinned and isinstance(table, dict)
    }
    free_total = sum(free.values())
    remainder = 1.0 - pinned_total
    if remainder < -SHARE_TOLERANCE:
        raise SandboxError(
            f"{where}: set shares {dict(pinned)} sum to {pinned_total:g}, more than 1; allowed: "
            "a total of at most 1"
        )
    if free_total <= 0.0 and remainder > SHARE_TOLERANCE:
        raise SandboxError(
            f"{where}: set shares {dict(pinned)} sum to {pinned_total:g} and no other archetype "
            "has a share to rescale; allowed: shares that sum to 1"
        )
    for name, share in pinned.items():
        archetypes.setdefault(name, {})["share"] = float(share)
    for name, share in free.items():
        archetypes[name]["share"] = share * max(remainder, 0.0) / free_total if free_total else 0.0
