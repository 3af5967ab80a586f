"""Guards that estimate before allocating (issue 13, item 3): absurd sizes are refused at once, in
one line naming the request, the estimate and the limit, and the guard itself allocates next to
nothing; long legitimate runs show their progress."""

from __future__ import annotations

import time
import tracemalloc

import numpy as np
import pandas as pd
import pytest

from foundation.errors import SandboxError
from sandbox.aggregation import crowdkit_adapter
from sandbox.cli.main import main
from sandbox.kinds.classification.aggregation import aggregate
from sandbox.kinds.classification.datasets.toy import make_synthetic, parse_synthetic
from sandbox.resources import memory_budget, parse_size
from sandbox.simulation.campaign import check_campaign
from sandbox.simulation.policy import CampaignPolicy
from sandbox.sweep.cells import load_cell
from sandbox.sweep.grid import MAX_CELLS, expand
from sandbox.sweep.runner import resolve_spec
from sandbox.sweep.spec import spec_from_dict
from tests.sweep.cells import REF


def test_memory_budget_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CROWD_SANDBOX_MEMORY_LIMIT", "512M")
    assert memory_budget() == 512 * 1024**2
    assert parse_size("1.5G") == int(1.5 * 1024**3)
    monkeypatch.setenv("CROWD_SANDBOX_MEMORY_LIMIT", "lots")
    with pytest.raises(SandboxError, match="is not a size"):
        memory_budget()


@pytest.mark.parametrize(
    ("pool", "redundancy", "message"),
    [
        (10**9, 5, r"pool of 1000000000 workers would need about .* GiB of memory"),
        (10**7, 5, r"would take 8e\+09 random draws in its first round .* a pool of at most 1250000"),
        (3, 5, r"redundancy 5 is larger than the pool of 3 workers"),
    ],
)
def test_campaigns_beyond_the_machine_are_refused_before_allocating(
    pool: int, redundancy: int, message: str
) -> None:
    start = time.monotonic()
    with pytest.raises(SandboxError, match=message):
        check_campaign(800, pool, CampaignPolicy(redundancy=redundancy))
    assert time.monotonic() - start < 0.1


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("synthetic:n_tasks=1e9", r"n_tasks=1000000000,n_features=10 would need about .* of memory"),
        ("synthetic:n_features=1e9", r"n_features=1000000000 would need about"),
        ("synthetic:n_tasks=nan", "n_tasks must be a whole number"),
        ("synthetic:n_tasks=2.5", "n_tasks must be a whole number"),
        ("synthetic:imbalance=inf", "1 <= imbalance < inf"),
        ("synthetic:seed=1e12", r"seed must be in 0\.\.4294967295"),
        ("synthetic:n_classes=50,n_tasks=10", "n_classes=50 is more than n_tasks=10"),
    ],
)
def test_synthetic_sets_are_checked_before_generating(spec: str, message: str) -> None:
    with pytest.raises(SandboxError, match=message):
        make_synthetic(parse_synthetic(spec))


def test_a_run_refused_for_its_size_prints_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: object
) -> None:
    assert (
        main(["run", "--dataset", "iris", "--population", "volunteers", "--max-redundancy", "1000000000"])
        == 2
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "would need about" in err[0]


def test_mmsr_guard_refuses_without_building_the_matrices(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(0)
    n = 60_000
    answers = pd.DataFrame(
        {
            "task": rng.integers(0, 3_000, n),
            "worker": rng.integers(0, 3_000, n),
            "label": rng.integers(0, 2, n),
        }
    )
    monkeypatch.setattr(crowdkit_adapter, "MMSR_MEMORY_LIMIT_BYTES", 64 * 1024**2)
    tracemalloc.start()
    try:
        with pytest.raises(SandboxError, match=r"mmsr would need at least .* \(3000 workers, 3000 tasks"):
            aggregate("mmsr", answers)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 32 * 1024**2  # crowd-kit's own matrices would be 8 × 3000 × 3000 × 7 bytes ≈ 500 MB


def test_mmsr_on_twenty_thousand_workers_is_refused_in_a_second() -> None:
    rng = np.random.default_rng(1)
    n = 400_000
    answers = pd.DataFrame(
        {
            "task": rng.integers(0, 80_000, n),
            "worker": rng.integers(0, 20_000, n),
            "label": rng.integers(0, 2, n),
        }
    )
    start = time.monotonic()
    with pytest.raises(SandboxError, match=r"mmsr on 20000 workers would take .* Python steps"):
        aggregate("mmsr", answers)
    assert time.monotonic() - start < 5


def test_one_label_is_refused_by_the_methods_that_need_two() -> None:
    answers = pd.DataFrame({"task": [1, 1, 2, 2], "worker": ["a", "b", "a", "b"], "label": ["x"] * 4})
    for name in ("kos", "mmsr"):
        with pytest.raises(SandboxError, match=rf"{name} needs answers with at least 2 different labels"):
            aggregate(name, answers)
    assert aggregate("mv", answers).labels.tolist() == ["x", "x"]


def test_a_sweep_with_too_many_cells_is_refused_before_building_them() -> None:
    spec = resolve_spec(spec_from_dict({"cell": REF, "seeds": 10**8}))
    start = time.monotonic()
    with pytest.raises(SandboxError, match=rf"the sweep has 100000000 cells .* limit of {MAX_CELLS}"):
        expand(spec, load_cell(spec.cell))
    assert time.monotonic() - start < 1


def test_a_sweep_cell_whose_pool_cannot_serve_it_is_refused_at_validation() -> None:
    for settings, message in (
        ({"population.pool_size": 3, "redundancy": 5}, "redundancy 5 is larger than the pool of 3"),
        ({"population.pool_size": 10**9}, "would need about"),
    ):
        spec = resolve_spec(spec_from_dict({"seeds": 1, "set": settings}))
        with pytest.raises(SandboxError, match=message):
            expand(spec, load_cell(spec.cell))


def test_free_text_labels_are_refused_before_fitting() -> None:
    """20,000 answers that are all different (free text): DS would hold 200 × 20,000² confusions."""
    rng = np.random.default_rng(2)
    n = 20_000
    answers = pd.DataFrame(
        {
            "task": rng.integers(0, 5_000, n),
            "worker": rng.integers(0, 200, n),
            "label": [f"l{i}" for i in range(n)],
        }
    )
    start = time.monotonic()
    for name in ("ds", "onecoin_ds", "zbs"):
        with pytest.raises(
            SandboxError, match=rf"{name} on \d+ tasks, 200 workers and 20000 different labels"
        ):
            aggregate(name, answers)
    assert time.monotonic() - start < 10
