"""The schema tables of the READMEs, rendered from the configuration models (not written by hand).

Each table sits in a README between ``<!-- schema:NAME -->`` and ``<!-- /schema:NAME -->``;
``tests/test_schema_docs.py`` fails when one differs from what the models render. Regenerate them
from a checkout with ``python -m sandbox.reporting.schema_docs``.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from foundation.config import describe, field_annotation

HEADER = "| key | allowed | default | description |\n|---|---|---|---|"


def key_table(model: type[BaseModel]) -> str:
    """A markdown table of ``model``'s keys: what each allows, its default and what it means."""
    rows = [HEADER]
    for name, field in model.model_fields.items():
        default = (
            "required" if field.is_required() else _default(field.get_default(call_default_factory=True))
        )
        cells = (
            f"`{field.alias or name}`",
            describe(field_annotation(field)),
            default,
            field.description or "",
        )
        rows.append(_row(cells))
    return "\n".join(rows)


def archetype_table(registry: Mapping[str, Any]) -> str:
    """A markdown table of every archetype's parameters (``Archetype.parameters``) in ``registry``,
    without the keys every archetype has (``time``: the table of its own)."""
    from annotators.parameters import ArchetypeParameters

    shared = set(ArchetypeParameters.model_fields)
    rows = ["| archetype | key | allowed | default | description |", "|---|---|---|---|---|"]
    for name, archetype in registry.items():
        fields = {k: f for k, f in archetype.parameters.model_fields.items() if k not in shared}
        if not fields:
            rows.append(_row((f"`{name}`", "", "", "", f"only `share`: {archetype.summary}")))
        for position, (key, field) in enumerate(fields.items()):
            label = f"`{name}`" if position == 0 else ""
            default = "required" if field.is_required() else _default(field.default)
            rows.append(
                _row((label, f"`{key}`", describe(field_annotation(field)), default, field.description or ""))
            )
    return "\n".join(rows)


def _population_table() -> str:
    from annotators.archetypes import DEFAULT_KIND
    from annotators.population_file import population_model

    return key_table(population_model(DEFAULT_KIND))


def _items_table() -> str:
    from annotators.population_file import ItemsTable

    return key_table(ItemsTable)


def _archetypes_table() -> str:
    from annotators.archetypes import ARCHETYPES_BY_KIND, DEFAULT_KIND

    return archetype_table(ARCHETYPES_BY_KIND[DEFAULT_KIND])


def _pairwise_archetypes_table() -> str:
    from annotators.archetypes import ARCHETYPES_BY_KIND, DEFAULT_KIND

    others = [kind for kind in ARCHETYPES_BY_KIND if kind != DEFAULT_KIND]
    return archetype_table(ARCHETYPES_BY_KIND[others[0]]) if others else ""


def _time_table() -> str:
    from annotators.parameters import AnswerTime

    return key_table(AnswerTime)


def _sweep_table() -> str:
    from sandbox.sweep.spec import SpecFile

    return key_table(SpecFile)


def _policy_table() -> str:
    from sandbox.simulation.policy import CampaignPolicy

    return key_table(CampaignPolicy)


#: Table name → renderer. The name is the marker's: ``<!-- schema:NAME -->``.
TABLES: dict[str, Callable[[], str]] = {
    "population": _population_table,
    "items": _items_table,
    "archetypes": _archetypes_table,
    "preference_archetypes": _pairwise_archetypes_table,
    "time": _time_table,
    "sweep": _sweep_table,
    "policy": _policy_table,
}

#: README (relative to the checkout) → the tables it holds.
DOCUMENTS: dict[str, tuple[str, ...]] = {
    "README.md": ("population", "items", "archetypes", "time", "preference_archetypes"),
    "examples/README.md": ("sweep", "policy"),
}


def render(text: str, names: tuple[str, ...]) -> str:
    """``text`` with the table between each ``names`` marker pair replaced by the rendered one."""
    for name in names:
        pattern = re.compile(rf"(<!-- schema:{name} -->\n)(?:.*?\n)?(<!-- /schema:{name} -->)", re.DOTALL)
        match = pattern.search(text)
        if match is None:
            raise ValueError(f"no <!-- schema:{name} --> ... <!-- /schema:{name} --> markers")
        table = TABLES[name]()
        text = f"{text[: match.start()]}{match.group(1)}{table}\n{match.group(2)}{text[match.end() :]}"
    return text


def _default(value: Any) -> str:
    if isinstance(value, BaseModel):  # a table whose keys all have defaults: see its own table
        return "its keys' defaults"
    if value is None or value == []:
        return "not set"
    return f"`{_toml(value)}`"


def _toml(value: Any) -> str:
    """``value`` written as a TOML inline value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        inner = ", ".join(f"{key} = {_toml(item)}" for key, item in value.items())
        return f"{{ {inner} }}" if inner else "{}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    return repr(value)


def _row(cells: tuple[str, ...]) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def main(root: Path) -> int:
    """Rewrite the tables of every README under ``root`` (a checkout); print what changed."""
    for relative, names in DOCUMENTS.items():
        path = root / relative
        text = path.read_text(encoding="utf-8")
        updated = render(text, names)
        if updated != text:
            path.write_text(updated, encoding="utf-8")
            print(f"updated {relative}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd()))
