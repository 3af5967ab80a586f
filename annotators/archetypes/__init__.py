"""Archetype families, one per task kind: each subpackage of this package is a family (its
``FAMILY``: the kind's name and its archetypes, name → class). Found by listing the subpackages, so a
new kind's archetypes are one new subpackage and no edit here. The single source of archetypes for
the CLI, the dashboard and the tests; a population's ``kind`` picks the family its archetypes come
from (:data:`DEFAULT_KIND` when it names none)."""

from __future__ import annotations

import importlib
import pkgutil

from annotators.archetypes.base import AnswerBatch, Archetype, ArchetypeFamily, EarlierAnswers, WorkerTraits


def _families() -> dict[str, ArchetypeFamily]:
    found: dict[str, ArchetypeFamily] = {}
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
        if module.ispkg:
            family: ArchetypeFamily = importlib.import_module(f"{__name__}.{module.name}").FAMILY
            found[family.kind] = family
    # the default family first: listings and schemas show it first
    return dict(sorted(found.items(), key=lambda item: not item[1].default))


FAMILIES: dict[str, ArchetypeFamily] = _families()
#: Archetype registries by task kind: kind → (name → class).
ARCHETYPES_BY_KIND: dict[str, dict[str, type[Archetype]]] = {
    kind: dict(family.archetypes) for kind, family in FAMILIES.items()
}
#: The kind of a population file that names none.
DEFAULT_KIND: str = next(kind for kind, family in FAMILIES.items() if family.default)

__all__ = [
    "ARCHETYPES_BY_KIND",
    "DEFAULT_KIND",
    "FAMILIES",
    "AnswerBatch",
    "Archetype",
    "ArchetypeFamily",
    "EarlierAnswers",
    "WorkerTraits",
]
