"""The import direction of ARCHITECTURE.md: annotators ← sandbox core ← reporting ← cli / dashboards.

Every import in every module (function-level and type-only imports included) is checked against the
packages its package may use. A new dependency means a deliberate edit here and in ARCHITECTURE.md.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

#: package → the project packages it may import (besides itself), lowest layers first.
ALLOWED: dict[str, set[str]] = {
    "foundation": set(),
    "annotators": set(),
    "sandbox.randomness": set(),
    "sandbox.dataset_cache": set(),
    "sandbox.resources": {"annotators"},
    "sandbox.io": {"annotators", "sandbox.resources"},
    "sandbox.aggregation": {"annotators", "sandbox.resources"},
    "sandbox.datasets": {"annotators", "sandbox.resources", "sandbox.io"},
    "sandbox.simulation": {"annotators", "sandbox.randomness", "sandbox.resources", "sandbox.datasets"},
    "sandbox.metrics": {"sandbox.resources", "sandbox.aggregation", "sandbox.datasets", "sandbox.simulation"},
    "sandbox.kinds": {
        "annotators",
        "sandbox.dataset_cache",
        "sandbox.io",
        "sandbox.aggregation",
        "sandbox.datasets",
        "sandbox.metrics",
    },
    "sandbox.fitting": {
        "annotators",
        "sandbox.randomness",
        "sandbox.resources",
        "sandbox.aggregation",
        "sandbox.datasets",
        "sandbox.simulation",
        "sandbox.metrics",
    },
    "sandbox.experiment": {
        "annotators",
        "sandbox.randomness",
        "sandbox.resources",
        "sandbox.io",
        "sandbox.aggregation",
        "sandbox.datasets",
        "sandbox.simulation",
        "sandbox.metrics",
        "sandbox.kinds",
    },
}
CORE = set(ALLOWED) - {"annotators"}
ALLOWED["sandbox.sweep"] = {"annotators", *CORE}
ALLOWED["sandbox.reporting"] = {"annotators", *CORE, "sandbox.sweep", "sandbox.fitting"}
ALLOWED["sandbox.cli"] = {"annotators", *CORE, "sandbox.sweep", "sandbox.reporting"}
ALLOWED["dashboards"] = {"annotators", *CORE, "sandbox.sweep", "sandbox.reporting"}


def package_of(module: str) -> str | None:
    """``sandbox.aggregation.fast.classification.ds`` → ``sandbox.aggregation``; other projects'
    modules → None."""
    parts = module.split(".")
    if parts[0] in ("foundation", "annotators", "dashboards"):
        return parts[0]
    if parts[0] == "sandbox" and len(parts) > 1:
        return f"sandbox.{parts[1]}"
    return None


def imports(path: Path) -> list[str]:
    """Every module ``path`` imports, wherever the import statement is."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
    return found


def modules() -> list[Path]:
    """Every module of the three packages (``sandbox/__init__.py``, a docstring, aside)."""
    tops = ("foundation", "annotators", "sandbox", "dashboards")
    found = (p for top in tops for p in (REPO / top).rglob("*.py"))
    return sorted(p for p in found if p != REPO / "sandbox" / "__init__.py")


def test_every_package_has_a_place_in_the_map() -> None:
    for path in modules():
        module = ".".join(path.relative_to(REPO).with_suffix("").parts)
        package = package_of(module)
        assert package in ALLOWED, f"{module} is in {package}, which ARCHITECTURE.md does not place"


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(REPO)))
def test_imports_point_down_the_layers(path: Path) -> None:
    module = ".".join(path.relative_to(REPO).with_suffix("").parts)
    own = package_of(module)
    assert own is not None
    for imported in imports(path):
        target = package_of(imported)
        if target is None or target == own or target == "foundation":  # the ground floor: for all
            continue
        assert target in ALLOWED[own], f"{module} imports {imported}: {own} may import {sorted(ALLOWED[own])}"
