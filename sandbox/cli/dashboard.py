"""``crowd-sandbox dashboard``: serve the Streamlit app on 127.0.0.1.

The port is checked before anything is printed (a busy port is one line and exit 2), and the
Streamlit process is tied to this one: it ends when this command ends, however it ends (Ctrl-C,
SIGTERM, or SIGKILL through the kernel's parent-death signal).
"""

from __future__ import annotations

import argparse
import errno
import functools
import os
import signal
import socket
import subprocess
import sys
from importlib import resources
from pathlib import Path
from types import FrameType

from foundation.errors import SandboxError, first_line
from sandbox.resources import die_with_parent

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


def check_port(port: int) -> None:
    """SandboxError unless ``port`` on :data:`ADDRESS` can be listened on now."""
    if not 1 <= port <= 65535:
        raise SandboxError(f"--port must be between 1 and 65535, got {port}")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Streamlit's server does
        try:
            probe.bind((ADDRESS, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise SandboxError(
                    f"port {port} on {ADDRESS} is in use (another dashboard?); choose another with --port"
                ) from None
            raise SandboxError(f"cannot listen on {ADDRESS}:{port}: {first_line(error)}") from None


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
    check_port(args.port)
    print(f"Crowd Sandbox dashboard: http://{ADDRESS}:{args.port}  (Ctrl-C to stop)", flush=True)
    server = subprocess.Popen(
        command, preexec_fn=functools.partial(die_with_parent, os.getpid(), watch=False)
    )

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
