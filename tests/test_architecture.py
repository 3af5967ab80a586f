"""The import direction of ARCHITECTURE.md, and the task-kind boundary.

Every import in every module (function-level and type-only imports included) is checked against the
packages its package may use. A new dependency means a deliberate edit here and in ARCHITECTURE.md.
Task kinds are plug-ins: outside a kind's own package and its archetypes, no module names the kind
by its string, and no kind imports another.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from sandbox.kinds.base import kind_names

REPO = Path(__file__).resolve().parents[1]
KIND_PACKAGES = sorted(
    p.name for p in (REPO / "sandbox" / "kinds").iterdir() if (p / "__init__.py").is_file()
)
KINDS = {f"sandbox.kinds.{name}" for name in KIND_PACKAGES}

#: package → the project packages it may import (besides itself and the ground floor), lowest first.
ALLOWED: dict[str, set[str]] = {
    "foundation": set(),
    "annotators": set(),
    # the one list of kinds and their loader: imports nothing, loads the kind packages by name
    "sandbox.kinds": set(),
    "sandbox.randomness": set(),
    "sandbox.dataset_cache": set(),
    "sandbox.resources": set(),
    "sandbox.io": {"sandbox.resources"},
    # the seeded tie rule draws from a run's seed
    "sandbox.aggregation": {"sandbox.kinds", "sandbox.randomness", "sandbox.resources"},
    "sandbox.datasets": {"sandbox.kinds", "sandbox.resources", "sandbox.io"},
    "sandbox.simulation": {"annotators", "sandbox.randomness", "sandbox.resources", "sandbox.datasets"},
    "sandbox.metrics": {"sandbox.resources", "sandbox.aggregation", "sandbox.datasets", "sandbox.simulation"},
    "sandbox.fitting": {
        "annotators",
        "sandbox.randomness",
        "sandbox.resources",
        "sandbox.io",
        "sandbox.aggregation",
        "sandbox.datasets",
        "sandbox.simulation",
        "sandbox.metrics",
    },
}
LOWER = set(ALLOWED) - {"foundation", "annotators"}
# what a kind is to the shared machinery, and the registry of kinds
ALLOWED["sandbox.kinds.base"] = {"annotators", *LOWER}
ALLOWED["sandbox.experiment"] = {"annotators", *LOWER, "sandbox.kinds.base"}
ALLOWED["sandbox.sweep"] = {"annotators", *LOWER, "sandbox.kinds.base", "sandbox.experiment"}
SHARED = {"annotators", *LOWER, "sandbox.kinds.base", "sandbox.experiment", "sandbox.sweep"}
ALLOWED["sandbox.reporting"] = set(SHARED)
# each kind package: everything shared, never another kind
for _kind in KINDS:
    ALLOWED[_kind] = {*SHARED, "sandbox.reporting"}
ALLOWED["sandbox.cli"] = {*SHARED, "sandbox.reporting", *KINDS}
ALLOWED["dashboards"] = {*SHARED, "sandbox.reporting", *KINDS}


def package_of(module: str) -> str | None:
    """``sandbox.aggregation.fast.classification.ds`` → ``sandbox.aggregation``; a kind's modules →
    ``sandbox.kinds.<kind>``; other projects' modules → None."""
    parts = module.split(".")
    if parts[0] in ("foundation", "annotators", "dashboards"):
        return parts[0]
    if parts[0] != "sandbox" or len(parts) < 2:
        return None
    if parts[1] == "kinds" and len(parts) > 2:
        return ".".join(parts[:3])
    return f"sandbox.{parts[1]}"


def imports(path: Path) -> list[str]:
    """Every module ``path`` imports, wherever the import statement is."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
            if node.module == "sandbox.kinds":  # a kind package imported by name
                found.extend(f"sandbox.kinds.{a.name}" for a in node.names if a.name in KIND_PACKAGES)
        elif isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
    return found


def modules() -> list[Path]:
    """Every module of the project's packages (``sandbox/__init__.py``, a docstring, aside)."""
    tops = ("foundation", "annotators", "sandbox", "dashboards")
    found = (p for top in tops for p in (REPO / top).rglob("*.py"))
    return sorted(p for p in found if p != REPO / "sandbox" / "__init__.py")


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_every_package_has_a_place_in_the_map() -> None:
    for path in modules():
        module = module_name(path)
        package = package_of(module)
        assert package in ALLOWED, f"{module} is in {package}, which ARCHITECTURE.md does not place"


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(REPO)))
def test_imports_point_down_the_layers(path: Path) -> None:
    module = module_name(path)
    own = package_of(module)
    assert own is not None
    for imported in imports(path):
        target = package_of(imported)
        if target is None or target == own or target == "foundation":  # the ground floor: for all
            continue
        assert target in ALLOWED[own], f"{module} imports {imported}: {own} may import {sorted(ALLOWED[own])}"


def test_the_map_lists_every_kind_package_and_every_registered_kind() -> None:
    assert set(KIND_PACKAGES) == set(kind_names())


def _named_kinds(path: Path) -> set[str]:
    """The kind names ``path`` writes as string constants (docstrings aside)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    names = set(kind_names())
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and node.value in names and id(node) not in docstrings
    }


def _own_kind(path: Path) -> str | None:
    """The kind whose package (or archetype family) ``path`` is in."""
    parts = path.relative_to(REPO).parts
    if parts[:2] == ("sandbox", "kinds") and len(parts) > 3:
        return parts[2]
    if parts[:2] == ("annotators", "archetypes") and len(parts) > 3:
        return parts[2]
    return None


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(REPO)))
def test_no_module_names_a_kind_outside_its_package(path: Path) -> None:
    named = _named_kinds(path) - {_own_kind(path)}
    assert not named, f"{path.relative_to(REPO)} names the kind(s) {sorted(named)}: ask the kind instead"


def test_every_path_the_map_names_exists() -> None:
    """Backquoted paths in ARCHITECTURE.md (``sandbox/…``, ``annotators/…``, …) exist; ``<kind>``
    stands for every kind package."""
    text = (REPO / "ARCHITECTURE.md").read_text(encoding="utf-8")
    tops = ("foundation/", "annotators/", "sandbox/", "dashboards/", "datasets/", "tests/")
    named = {m for m in re.findall(r"`([\w./<>*-]+)`", text) if m.startswith(tops)}
    assert named, "the map names no path"
    for path in sorted(named):
        for kind in KIND_PACKAGES if "<kind>" in path else [None]:
            concrete = path.replace("<kind>", kind or "")
            if "*" in concrete:
                assert list(REPO.glob(concrete)), f"ARCHITECTURE.md names {path}: nothing matches"
            else:
                assert (REPO / concrete).exists(), f"ARCHITECTURE.md names {path}, which does not exist"
