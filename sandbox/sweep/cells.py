"""What one sweep cell runs: a cell function and the rules of its scenario.

A *cell function* takes a scenario dict and an int seed and returns one row (dict of metric
columns, with an ``aggregator`` key) per aggregator::

    def run_cell(scenario: dict[str, Any], seed: int) -> list[dict[str, Any]]: ...

A :class:`CellKind` wraps it with the scenario's defaults (every key a sweep may vary), the
tables that may gain new keys, how to expand a named reference before a dotted edit, and a
validator run on every cell before any work. Sweeps name the kind by import path
(``"package.module:attribute"``) so that processes and Dask workers import it themselves.

A spec may not make the sweep import any module it likes: :func:`check_cell` validates the name
first, against the registered cell kinds — :data:`CELL_KINDS` (``scenario``, the project's), the
entry points of installed packages in the group ``crowd_sandbox.cells``, and the modules listed in
the environment variable ``CROWD_SANDBOX_CELL_MODULES`` (comma-separated, for one's own cells).
"""

from __future__ import annotations

import copy
import importlib
import os
import re
from collections.abc import Callable
from functools import cache
from importlib.metadata import entry_points
from typing import Any

from foundation.errors import SandboxError, describe_error

CellFunction = Callable[[dict[str, Any], int], list[dict[str, Any]]]

DEFAULT_CELL = "sandbox.sweep.scenario_cell:SCENARIO_CELL"
#: Registered cell kinds: name → import reference (a spec's ``cell`` may give either).
CELL_KINDS: dict[str, str] = {"scenario": DEFAULT_CELL}
CELL_MODULES_ENV = "CROWD_SANDBOX_CELL_MODULES"
ENTRY_POINT_GROUP = "crowd_sandbox.cells"
_REFERENCE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*")


def registered_cells() -> dict[str, str]:
    """Every registered cell kind, name → reference (the project's and installed packages')."""
    kinds = dict(CELL_KINDS)
    for point in entry_points(group=ENTRY_POINT_GROUP):
        kinds.setdefault(point.name, point.value)
    return kinds


def check_cell(reference: str) -> str:
    """The import reference of a registered cell kind (``reference`` is its name or reference);
    SandboxError before anything is imported when it is not one."""
    kinds = registered_cells()
    if reference in kinds:
        return kinds[reference]
    modules = {ref.partition(":")[0] for ref in kinds.values()}
    modules |= {m.strip() for m in os.environ.get(CELL_MODULES_ENV, "").split(",") if m.strip()}
    if _REFERENCE.fullmatch(reference) and reference.partition(":")[0] in modules:
        return reference
    raise SandboxError(
        f"cell {reference[:100]!r} is not a registered cell kind; registered: {', '.join(kinds)} "
        f"(your own cells: list their module in {CELL_MODULES_ENV}, e.g. mypackage.cells, and name "
        "them 'mypackage.cells:ATTRIBUTE')"
    )


class CellKind:
    """A cell function plus its scenario rules; subclass or build from a plain function.

    Parameters
    ----------
    function:
        The cell function ``(scenario, seed) -> rows``; must be a module-level callable.
    defaults:
        Default scenario: a spec's ``[scenario]`` is merged over it, and a dotted path a sweep
        varies must exist in the merged result (unless inside an ``open_tables`` table).
    open_tables:
        Dotted paths of tables where new keys may be created (checked by ``validate`` instead).
    preload:
        Modules worth importing once before worker processes start (heavy dependencies).
    summary:
        Metrics the end-of-sweep summary shows (default: every numeric column).
    """

    def __init__(
        self,
        function: CellFunction,
        defaults: dict[str, Any] | None = None,
        open_tables: frozenset[str] = frozenset(),
        preload: tuple[str, ...] = (),
        summary: tuple[str, ...] = (),
    ) -> None:
        self.function = function
        self._defaults = defaults or {}
        self.open_tables = open_tables
        self.preload = preload
        self.summary = summary

    def defaults(self) -> dict[str, Any]:
        """Return a fresh copy of the default scenario."""
        return copy.deepcopy(self._defaults)

    def aliases(self) -> dict[str, str]:
        """Short keys and the dotted paths they stand for (none by default)."""
        return {}

    def expand(self, scenario: dict[str, Any], path: str) -> None:
        """Replace a named reference on ``path`` by its table before a dotted edit (in place)."""

    def validate(self, scenario: dict[str, Any]) -> None:
        """Raise SandboxError if ``scenario`` cannot run; the default accepts everything."""

    def aggregators(self, scenario: dict[str, Any]) -> list[str]:
        """Return the aggregator names a scenario reports on (used to label error rows)."""
        names = scenario.get("aggregators", [])
        return [str(name) for name in names] if isinstance(names, list) else []

    def run(self, scenario: dict[str, Any], seed: int) -> list[dict[str, Any]]:
        """Run the cell function on one scenario and seed."""
        return self.function(scenario, seed)


def load_cell(reference: str) -> CellKind:
    """The registered cell kind ``reference`` (see :func:`check_cell`), imported: a CellKind, or a
    plain cell function (wrapped)."""
    return _import_cell(check_cell(reference))


def _import_cell(reference: str) -> CellKind:
    """Import ``"module:attribute"`` (already checked by the process that planned the sweep)."""
    module_name, sep, attribute = reference.partition(":")
    if not sep or not module_name or not attribute:
        raise SandboxError(f"cell {reference!r}: expected 'package.module:attribute'")
    try:
        target = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as error:
        raise SandboxError(f"cell {reference!r} cannot be imported: {error}") from error
    if isinstance(target, CellKind):
        return target
    if callable(target):
        return CellKind(target)
    raise SandboxError(f"cell {reference!r} is neither a CellKind nor a function")


@cache
def _cached_cell(reference: str) -> CellKind:
    return _import_cell(reference)


def execute(reference: str, scenario: dict[str, Any], seed: int) -> list[dict[str, Any]]:
    """Run one cell in a worker; an exception becomes error rows instead of propagating.

    Returns the cell's rows, each with ``error = None`` unless the cell function set it (a cell
    may report one failing aggregator); if the function raises, one row per aggregator of the
    scenario (or one row without aggregator) holding ``error = "Type: message"``.
    """
    kind = _cached_cell(reference)
    try:
        rows = kind.run(scenario, seed)
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise TypeError(f"cell function returned {type(rows).__name__}, not a list of dicts")
        return [{"error": None, **row} for row in rows]
    except Exception as error:  # a failing cell is recorded, never stops the sweep
        message = describe_error(error)
        names: list[str | None] = [*kind.aggregators(scenario)] or [None]
        return [{"aggregator": name, "error": message} for name in names]
