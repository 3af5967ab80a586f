"""Parameter sweeps: grid × seeds of scenarios, run locally or on Dask, into a Parquet store.

Modules: ``overrides`` (typed KEY=VALUE, dotted edits, share rescaling), ``spec`` (TOML spec),
``cells`` (cell-function contract), ``grid`` (cells, ids, seeds), ``store`` (the Parquet store),
``parts`` (one part: built, read whole, combined), ``columns`` (one type per column),
``executor`` (serial / processes / Dask), ``progress``, ``summary``, ``runner``, ``command`` (CLI).
"""

from sandbox.sweep.cells import CellKind, load_cell
from sandbox.sweep.grid import Cell, cell_seed, expand
from sandbox.sweep.runner import SweepReport, run_sweep
from sandbox.sweep.spec import SweepSpec, spec_from_dict
from sandbox.sweep.store import ResultsStore, read_results

__all__ = [
    "Cell",
    "CellKind",
    "ResultsStore",
    "SweepReport",
    "SweepSpec",
    "cell_seed",
    "expand",
    "load_cell",
    "read_results",
    "run_sweep",
    "spec_from_dict",
]
