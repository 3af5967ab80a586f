"""A sweep killed with SIGKILL mid-way, then resumed, gives the uninterrupted table."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from sandbox.cli.main import main
from sandbox.sweep.runner import run_sweep
from sandbox.sweep.spec import load_spec_file, spec_from_dict
from sandbox.sweep.store import ResultsStore, read_results
from tests.sweep.cells import REF
from tests.sweep.conftest import REPO, comparable

SPEC = f"""
cell = "{REF}"
seeds = 4
[set]
n_tasks = 300
delay = 0.15
[grid]
redundancy = [1, 3, 5]
spammer_share = [0.0, 0.25]
[reference]
skill = 0.95
"""


def test_killed_then_resumed_equals_uninterrupted(tmp_path: Path, repo_env: dict[str, str]) -> None:
    spec_path = tmp_path / "spec.toml"
    spec_path.write_text(SPEC)
    out = tmp_path / "killed"
    command = [sys.executable, "-m", "sandbox.cli", "sweep", str(spec_path)]
    child = subprocess.Popen(
        [*command, "--out", str(out), "--workers", "2"],
        cwd=REPO,
        env=repo_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its pool workers share its process group
    )
    try:
        deadline = time.monotonic() + 60
        while len(ResultsStore(out).done()) < 6 and time.monotonic() < deadline:
            assert child.poll() is None, "the sweep ended before it could be killed"
            time.sleep(0.05)
    finally:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
    total = (3 * 2 + 1) * 4
    finished = len(ResultsStore(out).done())
    assert 6 <= finished < total
    # every part left by the killed run is complete and readable
    assert len(read_results(out)) == 2 * finished

    assert main(["sweep", "--out", str(out), "--resume", "--workers", "1"]) == 0
    assert len(ResultsStore(out).done()) == total

    spec = spec_from_dict(load_spec_file(spec_path), source=str(spec_path))
    run_sweep(spec, tmp_path / "whole", workers=1)
    pd.testing.assert_frame_equal(comparable(read_results(out)), comparable(read_results(tmp_path / "whole")))
    # resuming a finished sweep computes nothing
    report = run_sweep(spec, out, workers=1, resume=True)
    assert (report.skipped, report.computed) == (total, 0)
