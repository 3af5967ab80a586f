"""What the machine allows: a memory budget and work limits checked *before* allocating, and child
processes that die with their parent.

Every place that would allocate in proportion to a user's number (a pool size, a task count, a
feature count, a grid) estimates what it needs first and calls :func:`check_memory` or
:func:`check_work`, which refuse with one SandboxError naming the request, the estimate and the
limit. The memory budget is :data:`MEMORY_SHARE` of the machine's physical memory, lowered by the
process's address-space limit (``ulimit -v``) when one is set; the environment variable
``CROWD_SANDBOX_MEMORY_LIMIT`` (bytes, or with a K/M/G suffix) overrides it.
"""

from __future__ import annotations

import ctypes
import os
import re
import resource
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from threadpoolctl import ThreadpoolController

from foundation.errors import SandboxError

#: Share of physical memory one command may plan to use (the machine is shared).
MEMORY_SHARE = 0.5
MEMORY_LIMIT_ENV = "CROWD_SANDBOX_MEMORY_LIMIT"
#: Fallback when the machine's memory cannot be read.
DEFAULT_MEMORY_BYTES = 4 * 1024**3
_SIZE = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([KMGT]?)i?B?\s*", re.IGNORECASE)
_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}
_PR_SET_PDEATHSIG = 1
try:  # loaded now, not after a fork (dlopen in a forked child is not safe)
    _LIBC: ctypes.CDLL | None = ctypes.CDLL(None, use_errno=True)
except OSError:  # pragma: no cover - no C library to load
    _LIBC = None


def physical_memory() -> int:
    """Bytes of physical memory (:data:`DEFAULT_MEMORY_BYTES` when unknown)."""
    try:
        return int(os.sysconf("SC_PHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, ValueError, OSError):  # pragma: no cover - not POSIX
        return DEFAULT_MEMORY_BYTES


def parse_size(text: str) -> int:
    """``"512M"`` → 536870912; SandboxError when it is not a size."""
    match = _SIZE.fullmatch(text)
    if match is None:
        raise SandboxError(f"{MEMORY_LIMIT_ENV}={text!r} is not a size; write e.g. 8G, 512M or 1000000")
    return int(float(match.group(1)) * _UNITS[match.group(2).upper()])


def memory_budget() -> int:
    """Bytes one command may plan to allocate (see the module docstring)."""
    override = os.environ.get(MEMORY_LIMIT_ENV)
    if override:
        return parse_size(override)
    budget = int(physical_memory() * MEMORY_SHARE)
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft != resource.RLIM_INFINITY:
        budget = min(budget, int(soft * MEMORY_SHARE))
    return budget


def gigabytes(size: float) -> str:
    """``3.2e9`` → ``"3.0 GiB"`` (one decimal; MiB below one GiB)."""
    if size >= 1024**3:
        return f"{size / 1024**3:.1f} GiB"
    return f"{size / 1024**2:.0f} MiB"


def check_memory(needed: float, what: str, hint: str = "") -> None:
    """Refuse ``what`` when its estimated ``needed`` bytes exceed :func:`memory_budget`."""
    budget = memory_budget()
    if needed > budget:
        advice = f"; {hint}" if hint else ""
        raise SandboxError(
            f"{what} would need about {gigabytes(needed)} of memory, more than the "
            f"{gigabytes(budget)} this machine allows one command ({MEMORY_LIMIT_ENV} overrides){advice}"
        )


def check_work(amount: float, limit: float, what: str, unit: str, hint: str = "") -> None:
    """Refuse ``what`` when its ``amount`` of work (in ``unit``) exceeds ``limit``."""
    if amount > limit:
        advice = f"; {hint}" if hint else ""
        raise SandboxError(
            f"{what} would take {amount:.3g} {unit}, more than the limit of {limit:.3g}{advice}"
        )


def die_with_parent(parent: int, *, watch: bool = True, poll_seconds: float = 1.0) -> None:
    """Make this (child) process end when process ``parent`` does, even when that one is killed
    with SIGKILL and so cannot clean up.

    On Linux the kernel sends SIGTERM when the direct parent dies (``PR_SET_PDEATHSIG``); if
    ``parent`` is already gone, this process ends now. ``watch`` adds a thread that ends this
    process once ``parent`` is gone, for when the direct parent is an intermediary (a
    multiprocessing forkserver). Use ``watch=False`` in a ``preexec_fn`` (no thread before exec).
    """
    prctl = getattr(_LIBC, "prctl", None)  # Linux only
    if prctl is not None:
        prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
    if not _alive(parent):
        os._exit(1)
    if watch:
        threading.Thread(target=_watch, args=(parent, poll_seconds), daemon=True, name="parent-watch").start()


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, dead but not yet reaped by its parent, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - someone else's process reused the pid
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            state = handle.read().rpartition(b")")[2].split()[0]
    except (OSError, IndexError):  # pragma: no cover - no /proc
        return True
    return state not in (b"Z", b"X")


def _watch(parent: int, poll_seconds: float) -> None:
    while _alive(parent):
        time.sleep(poll_seconds)
    os._exit(1)


@cache
def _threadpools() -> ThreadpoolController:
    """Loaded BLAS/OpenMP pools, found once (a fresh lookup costs ~5 ms)."""
    return ThreadpoolController()


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """BLAS limited to one thread inside the block: for small products (a fit's vectors, a downstream
    model's few thousand rows) threads only add spin-waiting, ~40x slower on a busy 2-core machine,
    and a fixed thread count keeps dot products bit-for-bit stable."""
    with _threadpools().limit(limits=1, user_api="blas"):
        yield
