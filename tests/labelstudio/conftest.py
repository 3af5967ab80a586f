"""A real Label Studio server for the round-trip tests (session scope).

The server comes from its own virtualenv (``.ci/install-label-studio.sh``): env
``CROWD_SANDBOX_LABEL_STUDIO`` is the path to its ``label-studio`` executable. Without it the tests
skip with the reason locally, and fail when ``CI=true`` so CI cannot skip silently.

The server listens on 127.0.0.1 (``--internal-host``; ``--host`` would not do it) on a free port,
keeps SQLite and media in a temporary directory, sends no telemetry, and has an admin whose legacy
API token is known (legacy tokens must be enabled before the first boot, and the user token only
applies then). The first boot runs the migrations: about a minute.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

EXECUTABLE_ENV = "CROWD_SANDBOX_LABEL_STUDIO"
BOOT_TIMEOUT_S = 420.0


@dataclass(frozen=True)
class LabelStudioServer:
    """A running server: its base URL and the admin's API token."""

    url: str
    api_key: str


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=5) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def _tail(path: Path, n: int = 30) -> str:
    lines = path.read_text(errors="replace").splitlines() if path.exists() else []
    return "\n".join(lines[-n:])


@pytest.fixture(scope="session")
def label_studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabelStudioServer]:
    executable = os.environ.get(EXECUTABLE_ENV, "")
    if not executable:
        reason = (
            f"no Label Studio server: set {EXECUTABLE_ENV} to the label-studio executable "
            "installed by .ci/install-label-studio.sh"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason + " (CI=true: this test must run, not skip)")
        pytest.skip(reason)
    if not Path(executable).is_file():
        pytest.fail(f"{EXECUTABLE_ENV}={executable!r} is not a file")
    data_dir = tmp_path_factory.mktemp("label-studio")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    token = secrets.token_hex(20)
    env = {
        **os.environ,
        "LABEL_STUDIO_BASE_DATA_DIR": str(data_dir),
        "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
        "LABEL_STUDIO_USERNAME": "admin@example.com",
        "LABEL_STUDIO_PASSWORD": secrets.token_hex(12),
        "LABEL_STUDIO_USER_TOKEN": token,
        "DJANGO_DB": "sqlite",
        "SENTRY_DSN": "",
        "FRONTEND_SENTRY_DSN": "",
        "COLLECT_ANALYTICS": "false",
        "LATEST_VERSION_CHECK": "false",
        "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true",
    }
    log = data_dir / "server.log"
    command = [
        executable,
        "start",
        "--no-browser",
        "--internal-host",
        "127.0.0.1",
        "--port",
        str(port),
        "--data-dir",
        str(data_dir),
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            env=env,
            cwd=data_dir,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + BOOT_TIMEOUT_S
        while not _healthy(url):
            if process.poll() is not None:
                pytest.fail(f"Label Studio exited with {process.returncode}:\n{_tail(log)}")
            if time.monotonic() > deadline:
                pytest.fail(f"Label Studio not healthy after {BOOT_TIMEOUT_S:.0f}s:\n{_tail(log)}")
            time.sleep(1.0)
        yield LabelStudioServer(url=url, api_key=token)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
