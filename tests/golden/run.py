"""Run one golden case in a fresh ``crowd-sandbox`` process inside a scratch folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.golden.cases import REPO, Case


def run_case(case: Case, scratch: Path) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of the case's command run in ``scratch``."""
    done = subprocess.run(
        [sys.executable, "-m", "sandbox.cli", *case.arguments()],
        cwd=scratch,
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "PYTHONPATH": str(REPO), "PYTHONHASHSEED": "0"},
    )
    return done.returncode, done.stdout, done.stderr
