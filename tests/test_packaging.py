"""A wheel install works, not only an editable one: presets and bundled data ship inside it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return next(out.glob("crowd_sandbox-*.whl"))


def test_wheel_contains_presets_and_datasets(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "annotators/presets/volunteers.toml" in names
    assert "sandbox/_datasets/snow_rte/labels.csv" in names
    assert "sandbox/_datasets/catalog.toml" in names
    assert "dashboards/app.py" in names and "dashboards/app_pages/overview.py" in names
    assert any(n.startswith("dashboards/data/overview/") and n.endswith(".parquet") for n in names)
    assert not any(n.startswith("datasets/") for n in names)  # no top-level `datasets` module


def test_installed_wheel_runs_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sandbox.cli.main",
            "run",
            "--dataset",
            "snow_temp",
            "--population",
            "paid_curation",
            "--redundancy",
            "1",
            "--aggregators",
            "mv",
            "--format",
            "json",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(target)},
    )
    assert result.returncode == 0, result.stderr
    assert '"n_tasks": 462' in result.stdout
