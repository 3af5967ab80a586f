"""Connecting to a Dask distributed scheduler: one place, one error message for every command."""

from __future__ import annotations

from typing import Any

from annotators.errors import SandboxError

CONNECT_TIMEOUT = "20s"  # how long to try reaching a scheduler


def connect(address: str, timeout: str = CONNECT_TIMEOUT) -> Any:
    """A ``distributed.Client`` of the scheduler at ``address`` (e.g. ``tcp://127.0.0.1:8786``);
    SandboxError when it cannot be reached within ``timeout`` (e.g. ``"20s"``)."""
    import distributed

    try:
        return distributed.Client(address, timeout=timeout)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as error:
        raise SandboxError(f"--scheduler {address!r}: cannot connect ({error})") from error
