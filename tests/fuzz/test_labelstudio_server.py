"""Properties of ``labelstudio pull`` against a hostile server (issue 22: a 1 MB gzip answer unpacked
to a 1 GiB file with exit 0; one byte a second kept a pull running past 180 s; a 401 body of 288
characters followed by the key was cut to 300 before redaction, printing 11 of its 17 characters;
``http://user:pw@host`` sent Basic credentials whose base64 was echoed):

whatever the server answers — bodies of any packed/unpacked ratio, in gzip, deflate, twice gzipped,
brotli or zstd, cut short, dripped slowly, error bodies echoing the credentials at any offset and
length, redirects — the pull ends within its deadline (plus a margin), writes a checked export or
nothing, and no message holds the key, any six characters of it, or the base64 of a password.
"""

from __future__ import annotations

import base64
import functools
import gzip
import json
import threading
import time
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any, ClassVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox.cli.main import main
from tests.fake_http import serving
from tests.fuzz.strategies import examples

KEY = "s3cr3tKEY-0123456789abcdef"
EXPORT = json.dumps([{"id": i, "annotations": []} for i in range(50)]).encode()


class Hostile(BaseHTTPRequestHandler):
    """Answers with the behaviour set on the class (one test at a time uses it)."""

    plan: ClassVar[dict[str, Any]] = {}
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        plan = Hostile.plan
        kind = plan["kind"]
        if kind == "redirect":
            self.send_response(302)
            self.send_header("Location", plan["location"])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if kind == "echo":
            seen = self.headers.get("Authorization", "")
            detail = "x" * plan["offset"] + seen[: plan["cut"]] + "y" * plan["tail"]
            body = json.dumps({"detail": detail}).encode()
            self.send_response(plan["status"])
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        body, encoding = plan["body"], plan.get("encoding")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if encoding:
            self.send_header("Content-Encoding", encoding)
        if kind == "drip":
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            try:
                for byte in body:
                    self.wfile.write(b"1\r\n" + bytes([byte]) + b"\r\n")
                    self.wfile.flush()
                    time.sleep(plan["pause"])
                self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        self.send_header("Content-Length", str(plan.get("claimed", len(body))))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serving(Hostile) as address:
        yield f"http://{address}"


def _packed(size: int, wbits: int) -> bytes:
    """``[`` + ``size`` spaces + the rest of the export, packed chunk by chunk (never held whole)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    parts = [packer.compress(b"[")]
    block = b" " * (1 << 20)
    for start in range(0, size, len(block)):
        parts.append(packer.compress(block[: min(len(block), size - start)]))
    parts.append(packer.compress(EXPORT[1:]))
    parts.append(packer.flush())
    return b"".join(parts)


@functools.cache
def _bomb(size: int, layers: str) -> tuple[bytes, str]:
    """A JSON export padded with ``size`` spaces (valid JSON), packed as ``layers`` says."""
    if layers == "gzip":
        return _packed(size, 16 + zlib.MAX_WBITS), "gzip"
    if layers == "deflate":
        return _packed(size, zlib.MAX_WBITS), "deflate"
    if layers == "gzip, gzip":
        return gzip.compress(_packed(size, 16 + zlib.MAX_WBITS), 9), "gzip, gzip"
    return b"[" + b" " * size + EXPORT[1:], ""


PLANS = st.one_of(
    st.builds(
        lambda size, layers: {"kind": "bomb", "size": size, "layers": layers},
        st.sampled_from([0, 10**5, 10**7, 70 * 2**20, 300 * 2**20]),
        st.sampled_from(["gzip", "deflate", "gzip, gzip", ""]),
    ),
    st.builds(lambda: {"kind": "drip", "body": EXPORT[:40], "pause": 0.2}),
    st.builds(
        lambda encoding: {"kind": "plain", "body": b"\x00" * 64, "encoding": encoding},
        st.sampled_from(["br", "zstd", "compress", "gzip"]),
    ),
    st.builds(
        lambda cut: {"kind": "plain", "body": gzip.compress(EXPORT)[:cut], "encoding": "gzip"},
        st.integers(0, 60),
    ),
    st.builds(lambda: {"kind": "plain", "body": EXPORT, "claimed": len(EXPORT) + 100}),
    st.builds(
        lambda status, offset, cut, tail: {
            "kind": "echo",
            "status": status,
            "offset": offset,
            "cut": cut,
            "tail": tail,
        },
        st.sampled_from([400, 401, 403, 500]),
        st.integers(0, 400),
        st.integers(0, 80),
        st.integers(0, 50),
    ),
    st.builds(
        lambda location: {"kind": "redirect", "location": location},
        st.sampled_from(["http://127.0.0.1:9/x", "/api/projects/1/export", "ftp://x"]),
    ),
)


def fragments(secret: str, size: int = 6) -> set[str]:
    return {secret[i : i + size] for i in range(len(secret) - size + 1)}


@settings(max_examples=examples(40))
@given(plan=PLANS, userinfo=st.booleans())
def test_a_pull_ends_in_time_writes_a_checked_export_or_nothing_and_never_shows_a_credential(
    plan: dict[str, Any],
    userinfo: bool,
    server: str,
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if plan["kind"] == "bomb":
        body, encoding = _bomb(plan["size"], plan["layers"])
        plan = {"kind": "bomb", "body": body, "encoding": encoding, "unpacked": plan["size"] + len(EXPORT)}
    Hostile.plan = plan
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", KEY)
    folder = tmp_path_factory.mktemp("pull")
    out = folder / "export.json"
    url = server.replace("http://", "http://alice:pa55word@") if userinfo else server
    capsys.readouterr()
    started = time.monotonic()
    status = main(
        [
            "labelstudio",
            "pull",
            "--url",
            url,
            "--project",
            "1",
            "--out",
            str(out),
            "--timeout",
            "3",
            "--max-download",
            "256M",
        ]
    )
    elapsed = time.monotonic() - started
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert "Traceback" not in text
    assert elapsed < 3 + 10, (plan["kind"], elapsed)
    secrets = fragments(KEY) | {base64.b64encode(b"alice:pa55word").decode(), "pa55word"}
    assert not [s for s in secrets if s in text], text
    if userinfo:
        assert status == 2 and "never in the URL" in captured.err
    if status == 0:
        assert json.loads(out.read_text())  # a checked export
        assert plan["kind"] in ("bomb", "plain") and plan.get("unpacked", 0) <= 256 * 2**20
    else:
        assert status == 2 and len([line for line in captured.err.splitlines() if "error:" in line]) == 1
        assert not out.exists()
    assert [p.name for p in folder.iterdir()] == (["export.json"] if status == 0 else [])
    if plan["kind"] == "bomb" and plan["unpacked"] > 256 * 2**20 and not userinfo:  # userinfo: refused first
        assert status == 2 and ("MAX_DOWNLOAD_BYTES" in captured.err or "MAX_EXPANSION" in captured.err)
    threading.Event().wait(0.01)
