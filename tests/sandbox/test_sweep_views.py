"""Sweep figures: Student-t bands, reference, frontier and cost-to-target on hand-made results."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from foundation.errors import SandboxError
from sandbox.reporting.sweep_views import (
    bands,
    cost_to_target,
    frontier,
    read_sweep,
    reference,
    with_cheating_rate,
    with_cost_per_task,
)

T_975_DF1 = 12.7062  # Student t, 97.5% quantile, 1 degree of freedom (published tables)
SHARE = "population.archetypes.honest.share"


def results_frame() -> pd.DataFrame:
    """Two seeds per point; honest share 1.0 / 0.5 × redundancy 1 / 3; one reference point."""
    rows = []
    for share, k, acc in (
        (1.0, 1, (0.80, 0.90)),
        (1.0, 3, (0.90, 0.94)),
        (0.5, 1, (0.6, 0.6)),
        (0.5, 3, (0.7, 0.8)),
    ):
        for seed, value in enumerate(acc):
            rows.append(
                {
                    "role": "crowd",
                    SHARE: share,
                    "redundancy": k,
                    "seed_index": seed,
                    "aggregator": "mv",
                    "accuracy": value,
                    "cost": 10.0 * k,
                    "n_tasks": 100,
                }
            )
    for seed, value in enumerate((0.95, 0.97)):
        rows.append(
            {
                "role": "reference",
                SHARE: np.nan,
                "redundancy": np.nan,
                "seed_index": seed,
                "aggregator": "mv",
                "accuracy": value,
                "cost": 50.0,
                "n_tasks": 100,
            }
        )
    return pd.DataFrame(rows)


def test_bands_are_student_t_intervals_across_seeds() -> None:
    curve = bands(results_frame(), SHARE, "accuracy", fixed={"redundancy": 1}).set_index(SHARE)
    # seeds 0.80 and 0.90: mean 0.85, sd 0.0707107, half-width t * sd / sqrt(2) = 12.7062 * 0.05
    assert curve.loc[1.0, "mean"] == pytest.approx(0.85)
    assert curve.loc[1.0, "high"] - curve.loc[1.0, "mean"] == pytest.approx(T_975_DF1 * 0.05, rel=1e-4)
    assert curve.loc[0.5, "low"] == pytest.approx(0.6) and curve.loc[0.5, "seeds"] == 2


def test_reference_level() -> None:
    level = reference(results_frame(), "accuracy")
    assert level["mean"].tolist() == pytest.approx([0.96])


def test_cheating_rate_and_cost_per_task() -> None:
    frame = with_cost_per_task(with_cheating_rate(results_frame(), SHARE))
    crowd = frame[frame["role"] == "crowd"]
    assert sorted(crowd["cheating_rate"].unique()) == [0.0, 0.5]
    assert frame["cheating_rate"][frame["role"] == "reference"].isna().all()
    assert crowd["cost_per_task"].max() == pytest.approx(0.3)
    with pytest.raises(SandboxError, match="honest share"):
        with_cheating_rate(results_frame(), "population.archetypes.other.share")


def test_cost_to_target_picks_the_cheapest_redundancy_that_reaches_it() -> None:
    frame = with_cost_per_task(with_cheating_rate(results_frame(), SHARE))
    costs = cost_to_target(frame, [SHARE, "redundancy"], "cheating_rate", 0.84).set_index("cheating_rate")
    assert costs.loc[0.0, "cost"] == pytest.approx(0.1)  # k=1 reaches 0.85 already
    assert not costs.loc[0.5, "reached"] and np.isnan(costs.loc[0.5, "cost"])  # best is 0.75


def test_frontier_marks_undominated_points() -> None:
    frame = with_cost_per_task(results_frame())
    points = frontier(frame, [SHARE, "redundancy"])
    on = points[points["on_frontier"]]
    # cost 0.1: best 0.85 (share 1.0); cost 0.3: 0.92; reference 0.5: 0.96 → all three on the frontier
    assert sorted(zip(on["cost_per_task"].round(6), on["accuracy"].round(6), strict=True)) == [
        (0.1, 0.85),
        (0.3, 0.92),
        (0.5, 0.96),
    ]


def write_store(root: Path, frame: pd.DataFrame) -> None:
    (root / "parts").mkdir(parents=True)
    (root / "_sweep.toml").write_text(
        f'[grid]\n"{SHARE}" = [1.0, 0.5]\nredundancy = [1, 3]\n', encoding="utf-8"
    )
    half = len(frame) // 2
    frame.iloc[:half].assign(error=None).to_parquet(root / "parts" / "a.parquet")
    frame.iloc[half:].assign(error="boom").to_parquet(root / "parts" / "b.parquet")


def test_read_sweep_reads_parts_and_drops_error_rows(tmp_path: Path) -> None:
    frame = results_frame()
    write_store(tmp_path / "store", frame)
    sweep = read_sweep(tmp_path / "store")
    assert len(sweep.results) == len(frame) // 2
    assert sweep.params == [SHARE, "redundancy"]
    assert "accuracy" in sweep.metrics and "redundancy" not in sweep.metrics


def test_read_sweep_errors_name_the_directory(tmp_path: Path) -> None:
    with pytest.raises(SandboxError, match=r"no _sweep\.toml"):
        read_sweep(tmp_path)
    (tmp_path / "_sweep.toml").write_text("[grid]\n", encoding="utf-8")
    with pytest.raises(SandboxError, match="no results yet"):
        read_sweep(tmp_path)


def test_read_sweep_keeps_whole_number_grids_integer(tmp_path: Path) -> None:
    write_store(tmp_path / "store", results_frame())
    column = read_sweep(tmp_path / "store").results["redundancy"]
    assert str(column.dtype) == "Int64" and sorted(column.dropna().unique()) == [1, 3]
