"""End-to-end sweeps on local processes: same rows as serial, and the right numbers."""

from __future__ import annotations

from math import comb
from pathlib import Path

import pandas as pd

from sandbox.sweep.runner import run_sweep
from sandbox.sweep.spec import spec_from_dict
from sandbox.sweep.store import read_results
from sandbox.sweep.summary import ci_half_width, summarize
from tests.sweep.cells import REF
from tests.sweep.conftest import comparable


def binomial_majority(p: float, k: int) -> float:
    """Probability that more than half of k independent answers of accuracy p are right."""
    return sum(comb(k, j) * p**j * (1 - p) ** (k - j) for j in range(k // 2 + 1, k + 1))


def test_processes_produce_exactly_the_serial_rows(tmp_path: Path) -> None:
    raw = {
        "cell": REF,
        "seeds": 3,
        "set": {"n_tasks": 200},
        "grid": {"redundancy": [1, 3], "spammer_share": [0.0, 0.3]},
        "reference": {"skill": 0.95, "redundancy": 1},
    }
    serial = run_sweep(spec_from_dict(raw), tmp_path / "serial", workers=1)
    parallel = run_sweep(spec_from_dict(raw), tmp_path / "parallel", workers=2)
    assert serial.computed == parallel.computed == (2 * 2 + 1) * 3
    pd.testing.assert_frame_equal(
        comparable(read_results(tmp_path / "serial")),
        comparable(read_results(tmp_path / "parallel")),
    )


def test_majority_vote_matches_the_binomial_tail(tmp_path: Path) -> None:
    # p = 0.7, k = 5: P(at least 3 of 5 right) = 0.83692 (DESIGN.md's analytic check)
    assert round(binomial_majority(0.7, 5), 5) == 0.83692
    raw = {"cell": REF, "seeds": 5, "set": {"n_tasks": 4000}, "grid": {"redundancy": [1, 5]}}
    run_sweep(spec_from_dict(raw), tmp_path, workers=1)
    summary = summarize(read_results(tmp_path), ["redundancy"]).set_index(["redundancy", "aggregator"])
    for k in (1, 5):
        row = summary.loc[(k, "mv")]
        assert row["seeds"] == 5 and row["errors"] == 0
        # 20000 tasks in all: the standard error of the mean is about 0.003
        assert abs(row["accuracy_mean"] - binomial_majority(0.7, k)) < 0.01
        assert 0 < row["accuracy_ci95"] < 0.02
    # the first answer alone is right with probability p whatever k
    assert abs(summary.loc[(5, "first"), "accuracy_mean"] - 0.7) < 0.01


def test_ci_is_the_student_t_interval() -> None:
    # values 1..5: sd = sqrt(2.5), t(0.975, 4) = 2.776 (standard t table) → 2.776 * 1.5811 / 2.2361
    assert abs(ci_half_width(pd.Series([1.0, 2.0, 3.0, 4.0, 5.0])) - 1.9632) < 1e-3
    assert pd.isna(ci_half_width(pd.Series([0.5])))
