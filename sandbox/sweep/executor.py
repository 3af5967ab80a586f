"""Run cells serially, on local processes, or on a Dask distributed cluster.

Every backend yields an :class:`Outcome` per cell as soon as it finishes (in completion order),
so the caller can store it at once: an interrupt loses only the cells in flight. A cell whose
function raises comes back as error rows (see ``cells.execute``); a cell lost by the machinery
(a dead worker process, a lost Dask worker) comes back with ``lost`` set and is not stored, so
``--resume`` computes it again.

Local worker processes die with the sweep, however it ends: closed early (an interrupt, SIGTERM),
they are terminated; killed (``kill -9``), each worker's parent watch
(:func:`sandbox.resources.die_with_parent`) ends it within a second, and the forkserver and resource
tracker follow. A Dask scheduler address is probed before use
(:func:`sandbox.io.partitioned.cluster.probe_scheduler`): a refused port, a peer that accepts but never sends
Dask's handshake, or an HTTP server fail within seconds with the cause named.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Generator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

from foundation.errors import SandboxError
from sandbox.io.partitioned import cluster
from sandbox.resources import die_with_parent
from sandbox.sweep.cells import execute, load_cell
from sandbox.sweep.grid import Cell

CONNECT_TIMEOUT = cluster.CONNECT_TIMEOUT  # how long Dask may take to connect once the probe has passed


@dataclass(frozen=True)
class Outcome:
    """A finished cell: its rows, or why the machinery lost it."""

    cell: Cell
    rows: list[dict[str, Any]] | None
    lost: str | None = None


def default_workers() -> int:
    """Number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def run_serial(cells: Sequence[Cell], cell_ref: str) -> Generator[Outcome, None, None]:
    """Run cells one after another in this process."""
    for cell in cells:
        yield Outcome(cell, execute(cell_ref, cell.scenario, cell.seed))


THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def start_worker(parent: int) -> None:
    """Worker initializer: end with the sweep's process ``parent``; one BLAS thread."""
    die_with_parent(parent)
    single_threaded()


def single_threaded() -> None:
    """One BLAS/OpenMP thread per process, as Dask workers do — N processes on N cores, each with
    multi-threaded BLAS, would oversubscribe the cores."""
    for name in THREAD_VARIABLES:
        os.environ.setdefault(name, "1")  # libraries loaded later
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - comes with scikit-learn
        return
    threadpool_limits(1)  # libraries already loaded (preloaded by the forkserver)


def process_context(cell_ref: str) -> multiprocessing.context.BaseContext:
    """Forkserver where available, with the cell's modules imported once in the server so that
    each worker starts by a cheap fork; spawn elsewhere. Never plain fork (unsafe with threads)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    modules = ["sandbox.sweep.cells", cell_ref.partition(":")[0]]
    context.set_forkserver_preload([*modules, *load_cell(cell_ref).preload])
    return context


def warm_up(cell_ref: str, *, workers: int | None, scheduler: str | None) -> None:
    """Probe the scheduler, or start the forkserver (and its imports of the cell's modules) now so
    that it overlaps the caller's validation of the sweep, when the sweep will run locally."""
    if scheduler:
        cluster.probe_scheduler(scheduler)
        return
    count = default_workers() if workers is None else workers
    if count <= 1:
        return
    if process_context(cell_ref).get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def run_processes(cells: Sequence[Cell], cell_ref: str, workers: int) -> Generator[Outcome, None, None]:
    """Run cells on ``workers`` local processes."""
    context = process_context(cell_ref)
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=start_worker, initargs=(os.getpid(),)
    )
    futures: dict[Future[list[dict[str, Any]]], Cell] = {}
    try:
        futures = {pool.submit(execute, cell_ref, cell.scenario, cell.seed): cell for cell in cells}
        for future in as_completed(futures):
            cell = futures[future]
            try:
                yield Outcome(cell, future.result())
            except Exception as error:  # BrokenProcessPool and the like: not the cell's fault
                yield Outcome(cell, None, lost=f"{type(error).__name__}: {error}")
    finally:
        unfinished = not all(future.done() for future in futures)
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        if unfinished:  # closed early: the cells in flight are lost anyway, stop them now
            _stop(processes)


def _stop(processes: list[Any]) -> None:
    """Terminate pool processes and wait briefly for them (kill what does not stop)."""
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
            process.join(timeout=5)


def run_dask(cells: Sequence[Cell], cell_ref: str, address: str) -> Generator[Outcome, None, None]:
    """Run cells on the Dask scheduler at ``address`` (e.g. ``tcp://127.0.0.1:8786``).

    The workers must be able to import the cell function (this package, or the module named by
    the spec's ``cell``).
    """
    return _stream_dask(cluster.connect(address, CONNECT_TIMEOUT), cells, cell_ref)


def _stream_dask(client: Any, cells: Sequence[Cell], cell_ref: str) -> Generator[Outcome, None, None]:
    import distributed

    futures: list[Any] = []
    try:
        by_key: dict[str, Cell] = {}
        for cell in cells:
            future = client.submit(
                execute, cell_ref, cell.scenario, cell.seed, key=f"cell-{cell.cell_id}", pure=False
            )
            by_key[future.key] = cell
            futures.append(future)
        for future in distributed.as_completed(futures):  # type: ignore[no-untyped-call]
            cell = by_key[future.key]
            if future.status == "finished":
                yield Outcome(cell, future.result())
            else:
                error = future.exception()
                yield Outcome(cell, None, lost=f"{type(error).__name__}: {error}")
            future.release()
    finally:
        try:
            client.cancel(futures)
        finally:
            client.close()


def run_cells(
    cells: Sequence[Cell],
    cell_ref: str,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
) -> Generator[Outcome, None, None]:
    """Pick the backend: Dask if ``scheduler`` is given, else ``workers`` local processes
    (default: all cores; 1 runs in this process)."""
    if scheduler:
        return run_dask(cells, cell_ref, scheduler)
    count = default_workers() if workers is None else workers
    if count < 1:
        raise SandboxError(f"--workers must be >= 1, got {count}")
    if count == 1 or len(cells) <= 1:
        return run_serial(cells, cell_ref)
    return run_processes(cells, cell_ref, min(count, len(cells)))
