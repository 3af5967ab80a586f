"""Grid expansion: the cells of a sweep, with stable ids and order-independent seeds.

A *grid point* is one combination of grid values (``itertools.product`` in the order the grid
keys were given); a *cell* is a grid point at one seed index. Reference cells (paid curation)
are extra grid points with ``role = "reference"`` and no grid values.

- ``point_id``: first 16 hex digits of SHA-256 over the canonical JSON of ``{role, params}``.
- ``seed``: ``SeedSequence([sweep_seed, *hash words of {role, params}, seed_index])``, one 63-bit
  integer. It depends only on the sweep seed, the point's parameters and the seed index — never
  on the order, the parallelism or the machine — and not on fixed settings, so two sweeps that
  differ in a fixed setting use common random numbers.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from foundation.errors import SandboxError
from sandbox.sweep.cells import CellKind
from sandbox.sweep.spec import SweepSpec, resolve_scenario

CROWD = "crowd"
REFERENCE = "reference"
#: Most cells (grid points × seeds) one sweep may have: each is a part file and a task to schedule.
MAX_CELLS = 100_000


@dataclass(frozen=True)
class Cell:
    """One unit of work: a resolved scenario and its seed.

    ``params`` maps every grid key to its value at this point (``None`` for reference cells).
    """

    point_id: str
    role: str
    params: dict[str, Any]
    seed_index: int
    seed: int
    scenario: dict[str, Any]

    @property
    def cell_id(self) -> str:
        """Identifier of the cell (point and seed index), used to name its part file."""
        return f"{self.point_id}-{self.seed_index:04d}"


def _digest(role: str, params: dict[str, Any]) -> bytes:
    canonical = json.dumps({"role": role, "params": params}, sort_keys=True, allow_nan=True)
    return hashlib.sha256(canonical.encode("utf-8")).digest()


def point_id(role: str, params: dict[str, Any]) -> str:
    """Stable identifier of a grid point."""
    return _digest(role, params).hex()[:16]


def cell_seed(sweep_seed: int, role: str, params: dict[str, Any], seed_index: int) -> int:
    """Seed of one cell from the sweep seed, the point's parameters and the seed index."""
    words = np.frombuffer(_digest(role, params), dtype="<u4").tolist()
    sequence = np.random.SeedSequence([sweep_seed, *words, seed_index])
    return int(sequence.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))


def grid_points(spec: SweepSpec) -> list[tuple[str, dict[str, Any]]]:
    """Return ``(role, params)`` of every grid point, reference points last."""
    keys = list(spec.grid)
    points = [
        (CROWD, dict(zip(keys, values, strict=True)))
        for values in itertools.product(*(spec.grid[key] for key in keys))
    ]
    if spec.reference is not None:
        points.append((REFERENCE, dict.fromkeys(keys)))
    return points


def count_cells(spec: SweepSpec) -> int:
    """Cells of ``spec`` (grid points × seeds), counted without building them."""
    points = math.prod(len(values) for values in spec.grid.values()) + (spec.reference is not None)
    return points * spec.seeds


def expand(spec: SweepSpec, kind: CellKind) -> list[Cell]:
    """Resolve and validate every cell of ``spec`` (raises SandboxError before any work)."""
    total = count_cells(spec)
    if total > MAX_CELLS:
        raise SandboxError(
            f"the sweep has {total} cells (grid points × {spec.seeds} seeds), more than the limit of "
            f"{MAX_CELLS}; vary fewer values or give fewer --seeds"
        )
    cells: list[Cell] = []
    for role, params in grid_points(spec):
        assignments = dict(spec.settings)
        if role == REFERENCE and spec.reference is not None:
            assignments.update(spec.reference)
        else:
            assignments.update(params)
        scenario = resolve_scenario(kind, spec.scenario, assignments)
        kind.validate(scenario)
        pid = point_id(role, params)
        for index in range(spec.seeds):
            seed = cell_seed(spec.seed, role, params, index)
            cells.append(Cell(pid, role, params, index, seed, scenario))
    return cells
