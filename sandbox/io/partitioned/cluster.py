"""Connecting to a Dask distributed scheduler: one place, one error message for every command.

:func:`connect` first probes the address itself (:func:`probe_scheduler`): Dask's own connection
retries for its whole timeout, hangs on a peer that accepts and stays silent, and reads an HTTP
reply as a frame length of exabytes. The probe names the cause within a few seconds.
"""

from __future__ import annotations

import socket
import struct
from typing import Any

from foundation.errors import SandboxError, first_line

CONNECT_TIMEOUT = "10s"  # how long Dask may take to connect once the probe has passed
#: Seconds the probe waits for the TCP connection, then for the scheduler's handshake.
PROBE_SECONDS = 3.0
#: A Dask handshake is a few hundred bytes; a length prefix beyond this is not Dask speaking.
_HANDSHAKE_MAX_BYTES = 1 << 20


def connect(address: str, timeout: str = CONNECT_TIMEOUT) -> Any:
    """A ``distributed.Client`` of the scheduler at ``address`` (e.g. ``tcp://127.0.0.1:8786``),
    probed first; SandboxError naming the cause when it is not a reachable Dask scheduler."""
    import distributed

    probe_scheduler(address)
    try:
        return distributed.Client(address, timeout=timeout)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as error:
        raise SandboxError(f"--scheduler {address!r}: cannot connect ({first_line(error)})") from None


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
