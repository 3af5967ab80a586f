"""Run a sweep end to end: validate every cell, skip finished ones, stream results to the store."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from foundation.errors import SandboxError
from sandbox.io.files.outputs import check_output_directory
from sandbox.sweep.cells import check_cell, load_cell
from sandbox.sweep.executor import run_cells, warm_up
from sandbox.sweep.grid import expand
from sandbox.sweep.parts import RESERVED_COLUMNS
from sandbox.sweep.spec import SweepSpec, deep_merge
from sandbox.sweep.store import ResultsStore


@dataclass
class SweepReport:
    """What one call did: cells in the sweep, already stored, computed now, failed, lost, and the
    damaged parts set aside (their cells computed again)."""

    total: int
    skipped: int
    computed: int = 0
    failed: int = 0
    lost: list[tuple[str, str]] = field(default_factory=list)
    damaged: list[str] = field(default_factory=list)  # a warning line per part set aside


def resolve_spec(spec: SweepSpec) -> SweepSpec:
    """Return ``spec`` with its cell's import reference (checked against the registered kinds
    before anything is imported) and its scenario merged over the cell's defaults (what gets saved)."""
    reference = check_cell(spec.cell)
    kind = load_cell(reference)
    return dataclasses.replace(spec, cell=reference, scenario=deep_merge(kind.defaults(), spec.scenario))


def run_sweep(
    spec: SweepSpec,
    out: Path,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    progress: Callable[[int, int, bool], None] | None = None,
    warn: Callable[[str], None] | None = None,
) -> SweepReport:
    """Run every cell of ``spec`` not yet in the store at ``out``; return what was done.

    ``progress(total, done, failed)`` is called once before the first cell (``done`` = cells already
    stored) and after every finished cell (``failed``: the cell recorded an error). ``warn(line)``
    is called, before any cell runs, for every damaged part ``--resume`` sets aside (its cell is
    computed again; see :mod:`sandbox.sweep.store`).

    Raises SandboxError before writing anything if the spec is invalid, ``out`` cannot hold a
    store, the store holds a different sweep or another sweep is writing it (an exclusive lock is
    held for the whole run), the store cannot be written (what the run created is removed), or the
    scheduler cannot be reached. The type of every grid column is planned before any cell runs.
    """
    reserved = sorted(set(spec.grid) & set(RESERVED_COLUMNS))
    if reserved:
        raise SandboxError(f"grid key {reserved[0]!r} is reserved for a results column")
    spec = resolve_spec(spec)
    warm_up(spec.cell, workers=workers, scheduler=scheduler)
    cells = expand(spec, load_cell(spec.cell))
    check_output_directory("--out", out)
    store = ResultsStore(out, spec.grid)
    store.check_folder()
    with store.locked():
        store.check(spec.to_dict(), resume=resume)
        store.remove_temporaries()
        damaged = store.set_aside_damaged() if resume else []
        for line in damaged:
            if warn is not None:
                warn(line)
        done = store.done() if resume else set()
        todo = [cell for cell in cells if cell.cell_id not in done]
        report = SweepReport(total=len(cells), skipped=len(cells) - len(todo), damaged=damaged)
        store.save_spec(spec.to_dict())
        outcomes = run_cells(todo, spec.cell, workers=workers, scheduler=scheduler)
        if progress:
            progress(len(cells), report.skipped, False)
        try:
            for outcome in outcomes:
                if outcome.rows is None:
                    report.lost.append((outcome.cell.cell_id, outcome.lost or "lost"))
                    continue
                problem = store.write(outcome.cell, outcome.rows)
                report.computed += 1
                failed = problem is not None or any(row.get("error") for row in outcome.rows)
                report.failed += int(failed)
                if progress:
                    progress(len(cells), report.skipped + report.computed, failed)
        finally:
            outcomes.close()  # stops local processes or cancels Dask futures still in flight
            store.harmonize()
    return report
