"""``crowd-sandbox dashboard``: serve the Streamlit app on 127.0.0.1."""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
from importlib import resources
from pathlib import Path
from types import FrameType

from annotators.errors import SandboxError

DEFAULT_PORT = 8501
ADDRESS = "127.0.0.1"


def app_path() -> Path:
    """The dashboard's entry script (``dashboards/app.py`` of the installed package)."""
    return Path(str(resources.files("dashboards") / "app.py"))


def streamlit_command(port: int) -> list[str]:
    """The ``streamlit run`` command line: local address only, no usage statistics, no browser prompt."""
    if not 1 <= port <= 65535:
        raise SandboxError(f"--port must be between 1 and 65535, got {port}")
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app_path()),
        "--server.address",
        ADDRESS,
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
        "--server.headless",
        "true",
        "--client.toolbarMode",
        "minimal",  # no "Deploy" button: this is a local analysis tool
    ]


def configure(parser: argparse.ArgumentParser) -> None:
    """``dashboard [--port P]``."""
    parser.description = "Serve the dashboard on 127.0.0.1; stop it with Ctrl-C."
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run Streamlit in the foreground until it exits; its exit status is ours.

    SIGTERM is passed on to Streamlit (so that stopping this command never leaves a server behind);
    Ctrl-C reaches both processes from the terminal, and this one waits for Streamlit to finish.
    """
    command = streamlit_command(args.port)
    print(f"Crowd Sandbox dashboard: http://{ADDRESS}:{args.port}  (Ctrl-C to stop)", flush=True)
    server = subprocess.Popen(command)

    def forward(signum: int, frame: FrameType | None) -> None:
        server.send_signal(signum)

    previous = signal.signal(signal.SIGTERM, forward)
    try:
        while True:
            try:
                return server.wait()
            except KeyboardInterrupt:
                server.send_signal(signal.SIGINT)
    finally:
        signal.signal(signal.SIGTERM, previous)
