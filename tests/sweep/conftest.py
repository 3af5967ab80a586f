"""Shared helpers of the sweep tests: a subprocess environment that can import this repo."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def repo_env() -> dict[str, str]:
    """Environment for child processes: the repo first on PYTHONPATH (so `tests.sweep.cells`)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def comparable(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows ordered by cell, then aggregator, with a fresh index (for exact comparisons)."""
    return frame.sort_values(["cell", "aggregator"], kind="stable").reset_index(drop=True)
