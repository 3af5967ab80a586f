"""Faults with real processes (issue 13, item 5): the sweep's main process killed (SIGKILL) or
stopped (SIGTERM) mid-way leaves no process behind and resumes to the uninterrupted table; a second
writer of the same store is refused; a scheduler that accepts and stays silent, or answers HTTP, or
refuses the connection fails within seconds, naming the cause."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pandas as pd
import psutil
import pytest

from foundation.errors import SandboxError
from sandbox.cli.main import main
from sandbox.sweep.runner import run_sweep
from sandbox.sweep.spec import load_spec_file, spec_from_dict
from sandbox.sweep.store import ResultsStore, read_results
from tests.fake_http import serving
from tests.sweep.cells import REF
from tests.sweep.conftest import REPO, comparable

SPEC = f"""
cell = "{REF}"
seeds = 3
[set]
n_tasks = 200
delay = 0.2
[grid]
redundancy = [1, 3, 5]
spammer_share = [0.0, 0.25]
"""
TOTAL = 3 * 2 * 3


def start_sweep(spec: Path, out: Path, env: dict[str, str], *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "sandbox.cli", "sweep", str(spec), "--out", str(out), *extra],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # a failing test can still stop the whole group
    )


def wait_for_parts(child: subprocess.Popen[bytes], out: Path, count: int) -> None:
    deadline = time.monotonic() + 90
    while len(ResultsStore(out).done()) < count:
        assert child.poll() is None, "the sweep ended before it could be stopped"
        assert time.monotonic() < deadline, "the sweep made no progress"
        time.sleep(0.05)


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM], ids=["kill-9", "sigterm"])
def test_stopped_sweep_leaves_no_process_and_resumes_to_the_whole_table(
    tmp_path: Path, repo_env: dict[str, str], signum: int
) -> None:
    spec_path = tmp_path / "spec.toml"
    spec_path.write_text(SPEC)
    out = tmp_path / "stopped"
    child = start_sweep(spec_path, out, repo_env, "--workers", "2")
    try:
        wait_for_parts(child, out, 4)
        family = psutil.Process(child.pid).children(recursive=True)  # forkserver, tracker, workers
        assert len(family) >= 2
        os.kill(child.pid, signum)  # the main process only, as a supervisor or the OOM killer would
        child.wait(timeout=60)
        _, alive = psutil.wait_procs(family, timeout=15)
        assert alive == [], f"left behind: {[(p.pid, p.name()) for p in alive]}"
    finally:
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        child.wait()
    assert child.returncode == (-signal.SIGKILL if signum == signal.SIGKILL else 143)
    finished = len(ResultsStore(out).done())
    assert 4 <= finished < TOTAL
    assert main(["sweep", "--out", str(out), "--resume", "--workers", "2"]) == 0
    spec = spec_from_dict(load_spec_file(spec_path), source=str(spec_path))
    run_sweep(spec, tmp_path / "whole", workers=1)
    pd.testing.assert_frame_equal(comparable(read_results(out)), comparable(read_results(tmp_path / "whole")))


def test_a_second_writer_of_the_same_store_is_refused(
    tmp_path: Path, repo_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    spec_path = tmp_path / "spec.toml"
    spec_path.write_text(SPEC)
    out = tmp_path / "shared"
    child = start_sweep(spec_path, out, repo_env, "--workers", "1")
    try:
        wait_for_parts(child, out, 1)
        other = spec_path.with_name("other.toml")
        other.write_text(SPEC.replace("n_tasks = 200", "n_tasks = 100"))
        for argv in (
            ["sweep", str(other), "--out", str(out), "--workers", "1"],
            ["sweep", str(spec_path), "--out", str(out), "--workers", "1", "--resume"],
        ):
            assert main(argv) == 2
            err = capsys.readouterr().err.strip().splitlines()
            assert len(err) == 1 and "is being written by another sweep (process" in err[0], err
        assert child.wait(timeout=120) == 0
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
    assert len(ResultsStore(out).done()) == TOTAL
    saved = ResultsStore(out).saved_spec()
    assert saved is not None and saved["set"]["n_tasks"] == 200  # the first writer's settings only


@pytest.fixture
def silent_peer() -> Iterator[str]:
    """A TCP server that accepts every connection and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        for connection in accepted:
            connection.close()
        server.close()


class _Web(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"<html>dashboard</html>")

    do_HEAD = do_GET

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def web_server() -> Iterator[str]:
    with serving(_Web) as address:
        yield f"tcp://{address}"


def refused_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"tcp://127.0.0.1:{probe.getsockname()[1]}"


@pytest.mark.parametrize(
    ("peer", "message"),
    [
        ("silent_peer", "accepts connections but sent no Dask handshake"),
        ("web_server", "an HTTP server answers there, not a Dask scheduler"),
        ("refused", "connection refused"),
    ],
)
def test_a_scheduler_that_is_not_one_fails_within_seconds(
    tmp_path: Path, request: pytest.FixtureRequest, peer: str, message: str
) -> None:
    address = refused_port() if peer == "refused" else str(request.getfixturevalue(peer))
    spec = spec_from_dict({"cell": REF, "seeds": 1})
    start = time.monotonic()
    with pytest.raises(SandboxError, match=message):
        run_sweep(spec, tmp_path / "out", scheduler=address)
    assert time.monotonic() - start < 10
    assert not (tmp_path / "out").exists()
