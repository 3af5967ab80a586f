"""A real Dask scheduler and worker, started as separate processes, run a sweep.

The rows must be exactly those of a local run: cell seeds do not depend on where a cell runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from foundation.errors import SandboxError
from sandbox.sweep.runner import run_sweep
from sandbox.sweep.spec import spec_from_dict
from sandbox.sweep.store import read_results
from tests.sweep.cells import REF
from tests.sweep.conftest import REPO, comparable

pytest.importorskip("distributed")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def scheduler_address(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    """Start `dask scheduler` and one `dask worker` on 127.0.0.1; yield the scheduler address."""
    base = tmp_path_factory.mktemp("dask")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    scheduler_file = base / "scheduler.json"

    def start(module: str, *args: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", f"distributed.cli.{module}", *args],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    scheduler = start(
        "dask_scheduler",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--no-dashboard",
        "--scheduler-file",
        str(scheduler_file),
    )
    worker = None
    try:
        deadline = time.monotonic() + 60
        while not scheduler_file.exists() and time.monotonic() < deadline:
            assert scheduler.poll() is None, "dask scheduler exited"
            time.sleep(0.1)
        address = str(json.loads(scheduler_file.read_text())["address"])
        worker = start(
            "dask_worker",
            address,
            "--nthreads",
            "1",
            "--nworkers",
            "2",
            "--no-dashboard",
            "--local-directory",
            str(base / "w"),
        )
        import distributed

        with distributed.Client(address, timeout="30s") as client:  # type: ignore[no-untyped-call]
            client.wait_for_workers(2, timeout=60)
        yield address
    finally:
        if worker is not None:
            _stop(worker)
        _stop(scheduler)


def test_dask_cluster_gives_the_local_rows(tmp_path: Path, scheduler_address: str) -> None:
    raw = {
        "cell": REF,
        "seeds": 3,
        "set": {"n_tasks": 200},
        "grid": {"redundancy": [1, 3, 5], "spammer_share": [0.0, 0.3]},
        "reference": {"skill": 0.95},
    }
    remote = run_sweep(spec_from_dict(raw), tmp_path / "dask", scheduler=scheduler_address)
    assert (remote.computed, remote.lost) == ((3 * 2 + 1) * 3, [])
    run_sweep(spec_from_dict(raw), tmp_path / "local", workers=1)
    pd.testing.assert_frame_equal(
        comparable(read_results(tmp_path / "dask")), comparable(read_results(tmp_path / "local"))
    )


def test_failed_cells_on_dask_are_recorded(tmp_path: Path, scheduler_address: str) -> None:
    raw = {"cell": REF, "seeds": 1, "set": {"n_tasks": 20}, "grid": {"fail": [False, True]}}
    report = run_sweep(spec_from_dict(raw), tmp_path, scheduler=scheduler_address)
    assert (report.computed, report.failed, report.lost) == (2, 1, [])
    assert read_results(tmp_path)["error"].notna().sum() == 2


def test_unreachable_scheduler_is_a_clear_error(tmp_path: Path) -> None:
    spec = spec_from_dict({"cell": REF, "seeds": 1})
    start = time.monotonic()
    with pytest.raises(SandboxError, match=r"--scheduler 'tcp://127\.0\.0\.1:9': connection refused"):
        run_sweep(spec, tmp_path / "out", scheduler="tcp://127.0.0.1:9")  # nothing listens on port 9
    assert time.monotonic() - start < 5
    assert not (tmp_path / "out").exists()


def test_scenario_cells_on_dask_give_the_local_rows(tmp_path: Path, scheduler_address: str) -> None:
    raw = {
        "seeds": 2,
        "set": {"dataset": "snow_rte", "population": "volunteers", "aggregators": ["mv", "wawa"]},
        "grid": {"redundancy": [1, 3], "population.archetypes.fixed_spammer.share": [0.0, 0.3]},
        "reference": {"population": "paid_curation", "redundancy": 1},
    }
    remote = run_sweep(spec_from_dict(raw), tmp_path / "dask", scheduler=scheduler_address)
    assert (remote.computed, remote.failed, remote.lost) == ((2 * 2 + 1) * 2, 0, [])
    run_sweep(spec_from_dict(raw), tmp_path / "local", workers=1)
    pd.testing.assert_frame_equal(
        comparable(read_results(tmp_path / "dask")), comparable(read_results(tmp_path / "local"))
    )
