"""``crowd-sandbox dashboard``: the Streamlit command line, a bad port, and a real start on 127.0.0.1."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from sandbox.cli.dashboard import app_path, streamlit_command

REPO = Path(__file__).resolve().parents[2]


def test_streamlit_command_serves_locally_without_usage_statistics() -> None:
    command = streamlit_command(8600)
    pairs = dict(zip(command[5::2], command[6::2], strict=True))
    assert command[1:4] == ["-m", "streamlit", "run"] and Path(command[4]) == app_path()
    assert pairs == {
        "--server.address": "127.0.0.1",
        "--server.port": "8600",
        "--browser.gatherUsageStats": "false",
        "--server.headless": "true",
        "--client.toolbarMode": "minimal",
    }
    assert app_path().is_file()


def test_a_port_out_of_range_is_one_line_and_exit_2(
    cli: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    result = cli("dashboard", "--port", "70000")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "crowd-sandbox: error: --port must be between 1 and 65535, got 70000"
    ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def outside_address() -> str | None:
    """An address of this machine other than loopback, if it has one."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.connect(("192.0.2.1", 9))  # TEST-NET-1: no packet is sent for a UDP connect
            address: str = sock.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") else address


def test_the_command_serves_the_app_on_loopback_only() -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox.cli", "dashboard", "--port", str(port)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                    assert response.read() == b"ok"
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("the dashboard did not answer on 127.0.0.1")
                time.sleep(0.5)
        outside = outside_address()
        if outside is not None:
            with pytest.raises(OSError):
                socket.create_connection((outside, port), timeout=2).close()
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}" in output
