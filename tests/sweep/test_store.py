"""The Parquet results store: atomic parts, error rows, one schema, pandas and DuckDB readers."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from foundation.errors import SandboxError
from sandbox.sweep.grid import Cell
from sandbox.sweep.runner import run_sweep
from sandbox.sweep.spec import spec_from_dict
from sandbox.sweep.store import ResultsStore, read_results
from tests.sweep.cells import REF


def _cell(index: int, params: dict[str, object]) -> Cell:
    return Cell("p" * 16, "crowd", params, index, 1000 + index, {})


def test_parts_are_renamed_into_place_and_temporaries_cleaned(tmp_path: Path) -> None:
    store = ResultsStore(tmp_path)
    store.save_spec({"name": "t"})
    (store.parts / ".pppp-0009.parquet.abc.tmp").write_bytes(b"half a file")  # a killed write
    store.write(_cell(0, {"k": 1}), [{"aggregator": "mv", "accuracy": 0.5, "error": None}])
    assert store.done() == {"pppppppppppppppp-0000"}
    assert store.remove_temporaries() == 1
    assert sorted(p.name for p in store.parts.iterdir()) == ["pppppppppppppppp-0000.parquet"]


def test_error_parts_get_the_full_schema_for_duckdb(tmp_path: Path) -> None:
    store = ResultsStore(tmp_path)
    store.save_spec({"name": "t"})
    store.write(_cell(0, {"k": None}), [{"aggregator": "mv", "error": "RuntimeError: boom"}])
    store.write(_cell(1, {"k": 3}), [{"aggregator": "mv", "accuracy": 0.75, "error": None}])
    assert store.harmonize() == 1
    rows = duckdb.sql(
        f"SELECT seed_index, k, accuracy, error FROM read_parquet('{tmp_path}/**/*.parquet') "
        "ORDER BY seed_index"
    ).fetchall()
    assert rows == [(0, None, None, "RuntimeError: boom"), (1, 3, 0.75, None)]
    frame = read_results(tmp_path)
    assert list(frame.columns[:4]) == ["cell", "point", "role", "k"]
    assert frame["k"].dtype == pd.Int64Dtype()
    # The root reads as one Parquet dataset too: the resolved spec beside the parts is skipped.
    whole = pd.read_parquet(tmp_path).sort_values("seed_index")
    assert whole["accuracy"].tolist()[1] == 0.75 and len(whole) == 2


def test_failed_cells_are_recorded_and_do_not_stop_the_sweep(tmp_path: Path) -> None:
    spec = spec_from_dict({"cell": REF, "seeds": 2, "set": {"n_tasks": 20}, "grid": {"fail": [False, True]}})
    report = run_sweep(spec, tmp_path, workers=1)
    assert (report.total, report.computed, report.failed) == (4, 4, 2)
    frame = read_results(tmp_path)
    failed = frame[frame["fail"]]
    assert len(failed) == 4  # one row per aggregator of each failed cell
    assert set(failed["aggregator"]) == {"mv", "first"}
    assert failed["error"].str.startswith("RuntimeError: aggregator did not converge").all()
    assert failed["accuracy"].isna().all()
    assert frame.loc[~frame["fail"], "error"].isna().all()
    assert frame.loc[~frame["fail"], "accuracy"].between(0, 1).all()


def test_an_existing_store_needs_resume_and_the_same_spec(tmp_path: Path) -> None:
    spec = spec_from_dict({"cell": REF, "seeds": 1, "grid": {"redundancy": [1, 3]}})
    run_sweep(spec, tmp_path, workers=1)
    with pytest.raises(SandboxError, match="already holds a sweep; pass --resume"):
        run_sweep(spec, tmp_path, workers=1)
    other = spec_from_dict({"cell": REF, "seeds": 1, "grid": {"redundancy": [1, 5]}})
    with pytest.raises(SandboxError, match=r"differs from .* in 'grid'"):
        run_sweep(other, tmp_path, workers=1, resume=True)
    more_seeds = spec_from_dict({"cell": REF, "seeds": 3, "grid": {"redundancy": [1, 3]}})
    report = run_sweep(more_seeds, tmp_path, workers=1, resume=True)
    assert (report.total, report.skipped, report.computed) == (6, 2, 4)


def test_not_a_store(tmp_path: Path) -> None:
    with pytest.raises(SandboxError, match="not a sweep results directory"):
        read_results(tmp_path)
