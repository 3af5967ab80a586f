"""The per-process per-dataset caches change nothing: a random small sweep gives the same table with
and without them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sandbox import dataset_cache
from sandbox.sweep.runner import run_sweep
from sandbox.sweep.spec import spec_from_dict
from sandbox.sweep.store import read_results


@pytest.fixture(autouse=True)
def caches_back_on() -> Iterator[None]:
    yield
    dataset_cache.set_enabled(True)


def table(grid: dict[str, list[object]], out: Path, cached: bool) -> pd.DataFrame:
    dataset_cache.set_enabled(cached)
    raw = {
        "name": "cache",
        "seed": 3,
        "seeds": 2,
        "scenario": {"dataset": "iris", "population": "paid_crowd", "aggregators": ["mv", "ds"]},
        "grid": grid,
    }
    run_sweep(spec_from_dict(raw), out, workers=1)
    return read_results(out).sort_values(["cell", "aggregator"]).reset_index(drop=True)


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    redundancy=st.lists(st.integers(1, 4), min_size=1, max_size=2, unique=True),
    gold_rate=st.lists(st.sampled_from([0.0, 0.1, 0.3]), min_size=1, max_size=2, unique=True),
)
def test_a_sweep_gives_the_same_table_with_and_without_the_cache(
    tmp_path_factory: pytest.TempPathFactory, redundancy: list[int], gold_rate: list[float]
) -> None:
    grid: dict[str, list[object]] = {"redundancy": list(redundancy), "gold_rate": list(gold_rate)}
    base = tmp_path_factory.mktemp("sweep")
    pd.testing.assert_frame_equal(table(grid, base / "off", False), table(grid, base / "on", True))


def test_cached_values_are_kept_per_dataset_object_and_setting() -> None:
    calls: list[int] = []

    class Owner:
        pass

    def compute(value: int) -> Callable[[], int]:
        def run() -> int:
            calls.append(value)
            return value

        return run

    first, second = Owner(), Owner()
    assert dataset_cache.per_dataset(first, "a", compute(1)) == 1
    assert dataset_cache.per_dataset(first, "a", compute(2)) == 1  # kept
    assert dataset_cache.per_dataset(first, "b", compute(3)) == 3  # other setting
    assert dataset_cache.per_dataset(second, "a", compute(4)) == 4  # other dataset
    dataset_cache.set_enabled(False)
    assert dataset_cache.per_dataset(first, "a", compute(5)) == 5
    assert calls == [1, 3, 4, 5]
