"""Every byte the Label Studio client receives, bounded: an overall deadline per request and a cap on
what a response unpacks to, whatever the server sends.

label-studio-sdk talks through httpx, whose timeouts bound each wait for a byte, not a request: a
server sending one byte a second kept ``labelstudio pull`` running for ever; and httpx unpacks a
gzip body without limit: a 1 MB response unpacked to a 1 GiB file. :class:`BoundedTransport` sits
under the SDK's httpx client and

- gives each request :attr:`Limits.seconds` (:data:`DEADLINE_SECONDS` by default) from its start to its
  last byte;
- unpacks ``gzip`` and ``deflate`` bodies itself, incrementally, and stops a response that unpacks to
  more than :attr:`Limits.max_bytes` (:data:`MAX_DOWNLOAD_BYTES`), or to more than
  :attr:`Limits.max_expansion` (:data:`MAX_EXPANSION`) times the bytes received once past
  :data:`EXPANSION_FLOOR` (a real export packs 5 to 30 times; a bomb about 1,000 times); other
  encodings (brotli, zstd) are not asked for and are refused.

Every limit ends the request with :class:`DownloadRefused` (a SandboxError naming the limit and the
option that raises it).
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from foundation.errors import SandboxError

#: Seconds a request may take from its start to its last byte (``--timeout``).
DEADLINE_SECONDS = 600.0
#: Bytes a response may unpack to (``--max-download``).
MAX_DOWNLOAD_BYTES = 4 * 1024**3
#: Unpacked bytes per received byte a response may reach, once past :data:`EXPANSION_FLOOR`.
MAX_EXPANSION = 200.0
EXPANSION_FLOOR = 64 * 1024**2
ACCEPTED_ENCODINGS = "gzip, deflate"


class DownloadRefused(SandboxError):
    """A response broke a limit of :class:`Limits`."""


@dataclass(frozen=True)
class Limits:
    """How long a request may take and how much its response may unpack to."""

    seconds: float = DEADLINE_SECONDS
    max_bytes: int = MAX_DOWNLOAD_BYTES
    max_expansion: float = MAX_EXPANSION


def _decoder(encoding: str) -> Any:
    """An incremental decoder for one content coding."""
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj()
    raise DownloadRefused(
        f"the server answered in a content encoding that was not asked for ({encoding!r}); "
        f"allowed: {ACCEPTED_ENCODINGS}"
    )


class _BoundedStream(httpx.SyncByteStream):
    """The body of one response: unpacked, counted and timed (module docstring)."""

    def __init__(
        self, raw: httpx.SyncByteStream, encodings: list[str], limits: Limits, started: float
    ) -> None:
        self.raw = raw
        self.decoders = [_decoder(e) for e in reversed(encodings)]  # the last applied is undone first
        self.limits = limits
        self.deadline = started + limits.seconds
        self.received = 0
        self.unpacked = 0

    def _check(self, produced: int) -> None:
        self.unpacked += produced
        limits = self.limits
        if time.monotonic() > self.deadline:
            raise DownloadRefused(
                f"the server took more than {limits.seconds:g} s to answer (received {self.received} bytes "
                "so far); --timeout raises the limit"
            )
        if self.unpacked > limits.max_bytes:
            raise DownloadRefused(
                f"the server's answer unpacks to more than {limits.max_bytes} bytes "
                f"(limit MAX_DOWNLOAD_BYTES); --max-download raises it"
            )
        if self.unpacked > EXPANSION_FLOOR and self.unpacked > limits.max_expansion * self.received:
            raise DownloadRefused(
                f"the server's answer unpacks to {self.unpacked / max(self.received, 1):.0f} times its size "
                f"(limit MAX_EXPANSION = {limits.max_expansion:g} past {EXPANSION_FLOOR // 1024**2} MiB): "
                "a compression bomb?; --max-expansion raises the limit"
            )

    def __iter__(self) -> Iterator[bytes]:
        self._check(0)
        for chunk in self.raw:
            self.received += len(chunk)
            for decoder in self.decoders:
                chunk = decoder.decompress(chunk, max(1, self.limits.max_bytes - self.unpacked + 1))
                if decoder.unconsumed_tail:
                    # more output is waiting than the cap allows: that is a refusal in itself
                    self._check(len(chunk) + self.limits.max_bytes + 1)
            self._check(len(chunk))
            if chunk:
                yield chunk
        for decoder in self.decoders:
            tail = decoder.flush()
            self._check(len(tail))
            if tail:
                yield tail

    def close(self) -> None:
        self.raw.close()


class BoundedTransport(httpx.BaseTransport):
    """An httpx transport whose responses are bounded by ``limits`` (module docstring)."""

    def __init__(self, limits: Limits, inner: httpx.BaseTransport | None = None) -> None:
        self.limits = limits
        self.inner = inner or httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.headers["Accept-Encoding"] = ACCEPTED_ENCODINGS
        started = time.monotonic()
        response = self.inner.handle_request(request)
        codings = [c.strip().lower() for c in response.headers.get("content-encoding", "").split(",")]
        codings = [c for c in codings if c and c != "identity"]
        raw = response.stream
        assert isinstance(raw, httpx.SyncByteStream)
        try:
            stream = _BoundedStream(raw, codings, self.limits, started)
        except DownloadRefused:
            raw.close()
            raise
        headers = [
            (name, value)
            for name, value in response.headers.raw
            if name.lower() not in (b"content-encoding", b"content-length")
        ]
        return httpx.Response(
            status_code=response.status_code,
            headers=headers,
            stream=stream,
            extensions=response.extensions,
            request=request,
        )

    def close(self) -> None:
        self.inner.close()


def bounded_client(limits: Limits, inner: httpx.BaseTransport | None = None) -> httpx.Client:
    """An httpx client for the SDK: redirects followed (httpx drops credentials on the way to
    another host), each wait for a byte at most the deadline, every response bounded."""
    timeout = httpx.Timeout(min(60.0, limits.seconds))
    return httpx.Client(transport=BoundedTransport(limits, inner), timeout=timeout, follow_redirects=True)
