"""Run cells serially, on local processes, or on a Dask distributed cluster.

Every backend yields an :class:`Outcome` per cell as soon as it finishes (in completion order),
so the caller can store it at once: an interrupt loses only the cells in flight. A cell whose
function raises comes back as error rows (see ``cells.execute``); a cell lost by the machinery
(a dead worker process, a lost Dask worker) comes back with ``lost`` set and is not stored, so
``--resume`` computes it again.

Local worker processes die with the sweep, however it ends: closed early (an interrupt, SIGTERM),
they are terminated; killed (``kill -9``), each worker's parent watch
(:func:`sandbox.machine.die_with_parent`) ends it within a second, and the forkserver and resource
tracker follow. A Dask scheduler address is
probed before use (:func:`probe_scheduler`): a refused port, a peer that accepts but never sends
Dask's handshake, or an HTTP server fail within seconds with the cause named.
"""

from __future__ import annotations

import multiprocessing
import os
import socket
import struct
from collections.abc import Generator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

from annotators.errors import SandboxError, first_line
from sandbox.machine import die_with_parent
from sandbox.sweep.cells import execute, load_cell
from sandbox.sweep.grid import Cell

CONNECT_TIMEOUT = "10s"  # how long Dask may take to connect once the probe has passed
#: Seconds the probe waits for the TCP connection, then for the scheduler's handshake.
PROBE_SECONDS = 3.0
#: A Dask handshake is a few hundred bytes; a length prefix beyond this is not Dask speaking.
_HANDSHAKE_MAX_BYTES = 1 << 20


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
        probe_scheduler(scheduler)
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


def _scheduler_host_port(address: str) -> tuple[str, str, int]:
    """(protocol, host, port) of a scheduler address (``tcp://host:port`` or ``host:port``)."""
    from distributed.comm.addressing import parse_address, parse_host_port

    try:
        protocol, location = parse_address(address)
        host, port = parse_host_port(location)
    except (ValueError, TypeError) as error:
        raise SandboxError(
            f"--scheduler {address!r} is not an address like tcp://HOST:8786 ({error})"
        ) from None
    if protocol not in ("tcp", "tls"):
        raise SandboxError(
            f"--scheduler {address!r}: protocol {protocol!r} is not supported; use tcp://HOST:PORT"
        )
    return protocol, host, int(port)


def probe_scheduler(address: str, seconds: float = PROBE_SECONDS) -> None:
    """Check that a Dask scheduler answers at ``address`` before handing it to Dask (whose own
    connection retries for its whole timeout, and which reads an HTTP reply as a frame length of
    exabytes). SandboxError naming the cause within about ``2 × seconds``."""
    protocol, host, port = _scheduler_host_port(address)
    where = f"--scheduler {address!r}"
    try:
        connection = socket.create_connection((host, port), timeout=seconds)
    except ConnectionRefusedError:
        raise SandboxError(f"{where}: connection refused (nothing listens on {host}:{port})") from None
    except socket.gaierror as error:
        raise SandboxError(f"{where}: unknown host {host!r} ({first_line(error)})") from None
    except TimeoutError:
        raise SandboxError(f"{where}: no answer from {host}:{port} within {seconds:g} s") from None
    except OSError as error:
        raise SandboxError(f"{where}: cannot connect ({first_line(error)})") from None
    with connection:
        if protocol != "tcp":
            return  # TLS: Dask's own handshake follows the TLS one
        connection.settimeout(seconds)
        try:
            head = connection.recv(8, socket.MSG_WAITALL)
        except TimeoutError:
            head = b""
            if _answers_http(connection):
                raise SandboxError(
                    f"{where}: an HTTP server answers there, not a Dask scheduler (the scheduler's "
                    "port is usually 8786; 8787 is its dashboard)"
                ) from None
            raise SandboxError(
                f"{where}: accepts connections but sent no Dask handshake within {seconds:g} s; "
                "is it a Dask scheduler?"
            ) from None
        except OSError as error:
            raise SandboxError(f"{where}: the connection failed ({first_line(error)})") from None
    if len(head) < 8:
        raise SandboxError(f"{where}: closed the connection without a Dask handshake")
    (length,) = struct.unpack("<Q", head)
    if head.startswith(b"HTTP/") or not 0 < length <= _HANDSHAKE_MAX_BYTES:
        raise SandboxError(f"{where}: does not speak the Dask protocol (it sent {head!r})")


def _answers_http(connection: socket.socket) -> bool:
    """After a silence: whether the peer answers a bare HTTP request like an HTTP server."""
    try:
        connection.sendall(b"HEAD / HTTP/1.0\r\n\r\n")
        connection.settimeout(1.0)
        return connection.recv(5) == b"HTTP/"
    except OSError:
        return False


def run_dask(cells: Sequence[Cell], cell_ref: str, address: str) -> Generator[Outcome, None, None]:
    """Run cells on the Dask scheduler at ``address`` (e.g. ``tcp://127.0.0.1:8786``).

    The workers must be able to import the cell function (this package, or the module named by
    the spec's ``cell``).
    """
    import distributed

    probe_scheduler(address)
    try:
        client = distributed.Client(address, timeout=CONNECT_TIMEOUT)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as error:
        raise SandboxError(f"--scheduler {address!r}: cannot connect ({first_line(error)})") from None
    return _stream_dask(client, cells, cell_ref)


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
