"""One type per results column (issue 22, defect 13): a grid mixing preset names and inline
population tables, metrics whose type changes between cells, parts of an older store that cannot
be combined."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foundation.errors import SandboxError
from sandbox.cli.main import main
from sandbox.sweep.columns import canonical_text, plan_columns
from sandbox.sweep.grid import Cell, point_id
from sandbox.sweep.store import ResultsStore, read_results

PRESETS = ("volunteers", "paid_crowd", "paid_curation", "sybil_attack")


def population_table(pool: int, share: float) -> dict[str, Any]:
    """An inline population: honest workers and uniform spammers."""
    return {
        "pool_size": pool,
        "archetypes": {"honest": {"share": 1.0 - share}, "uniform_spammer": {"share": share}},
    }


populations = st.one_of(
    st.sampled_from(PRESETS),
    st.builds(population_table, st.integers(5, 500), st.sampled_from([0.0, 0.25, 0.5])),
)


def expected_label(value: Any) -> str:
    """The rule of the README: a preset by its name, a table as JSON with sorted keys, no spaces."""
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, separators=(",", ":"))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(axis=st.lists(populations, min_size=1, max_size=5, unique_by=canonical_text))
def test_any_mix_of_presets_and_tables_makes_one_readable_table(
    tmp_path_factory: Any, axis: list[Any]
) -> None:
    root = tmp_path_factory.mktemp("store")
    grid = {"population": axis, "redundancy": [1, 3]}
    store = ResultsStore(root, grid)
    store.save_spec({"name": "t", "grid": {}})
    labels = {}
    for index, value in enumerate(axis):
        params = {"population": value, "redundancy": 1 + 2 * (index % 2)}
        cell = Cell(point_id("crowd", params), "crowd", params, 0, index, {})
        assert store.write(cell, [{"aggregator": "mv", "accuracy": 0.5, "error": None}]) is None
        labels[cell.point_id] = expected_label(value)
    reference = Cell(point_id("reference", dict.fromkeys(grid)), "reference", dict.fromkeys(grid), 0, 99, {})
    store.write(reference, [{"aggregator": "mv", "accuracy": 0.9, "error": None}])
    store.harmonize()
    frame = read_results(root)
    crowd = frame[frame["role"] == "crowd"]
    assert dict(zip(crowd["point"], crowd["population"], strict=True)) == labels
    assert frame.loc[frame["role"] == "reference", "population"].isna().all()
    assert str(frame["redundancy"].dtype) == "Int64"
    # every part already has the one schema
    schemas = {pq.read_schema(path).remove_metadata() for path in store.part_paths()}
    assert len(schemas) == 1


@pytest.mark.parametrize(
    ("values", "kind"),
    [
        ([True, False], pa.bool_()),
        ([1, 3, 5], pa.int64()),
        ([0.1, 0.2], pa.float64()),
        (["mv", "ds"], pa.string()),
        (["volunteers", {"pool_size": 3}], pa.string()),
        ([1, "x"], pa.string()),
        ([True, 1], pa.string()),
        ([2**63, 1], pa.string()),  # beyond 64 bits: text rather than an overflow after the cells ran
        ([["mv"], ["mv", "ds"]], pa.string()),
    ],
)
def test_the_plan_keeps_one_scalar_type_or_falls_back_to_text(values: list[Any], kind: pa.DataType) -> None:
    assert plan_columns({"k": values}) == {"k": kind}


def test_a_metric_whose_type_changes_is_stored_as_error_rows(tmp_path: Path) -> None:
    store = ResultsStore(tmp_path, {"k": [1, 2]})
    store.save_spec({"name": "t"})
    first = Cell("a" * 16, "crowd", {"k": 1}, 0, 1, {})
    second = Cell("b" * 16, "crowd", {"k": 2}, 0, 2, {})
    assert store.write(first, [{"aggregator": "mv", "score": 0.5, "error": None}]) is None
    problem = store.write(second, [{"aggregator": "mv", "score": "high", "error": None}])
    assert problem is not None and "score" in problem
    frame = read_results(tmp_path).set_index("k")
    assert frame.loc[1, "score"] == 0.5 and frame.loc[1, "error"] is None
    assert frame.loc[2, "error"] == problem and frame.loc[2, "score"] != frame.loc[2, "score"]  # NaN


def test_parts_of_an_older_store_that_cannot_combine_are_one_line_naming_the_file(tmp_path: Path) -> None:
    """What the old writer left: the population as a struct in one part and a string in another."""
    store = ResultsStore(tmp_path)
    store.save_spec({"name": "t"})
    keys = {"point": ["p"], "role": ["crowd"], "seed_index": [0], "seed": [1], "aggregator": ["mv"]}
    pq.write_table(
        pa.table({"cell": ["a-0000"], "population": ["volunteers"], **keys, "error": [None]}),
        store.parts / "a-0000.parquet",
    )
    struct = pa.array([{"pool_size": 30}])
    pq.write_table(
        pa.table({"cell": ["b-0000"], "population": struct, **keys, "error": [None]}),
        store.parts / "b-0000.parquet",
    )
    for read in (lambda: read_results(tmp_path), store.harmonize, store.set_aside_damaged):
        with pytest.raises(SandboxError) as caught:
            read()
        message = str(caught.value)
        assert "b-0000.parquet" in message and "cannot be combined" in message and "\n" not in message


def test_a_grid_of_a_preset_and_an_inline_population_runs_and_resumes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The reported case, through the command: every cell computed, then harmonised, then resumed."""
    spec = tmp_path / "mixed.toml"
    spec.write_text(
        'seeds = 1\n[scenario]\ndataset = "snow_rte"\naggregators = ["mv"]\n'
        '[grid]\npopulation = ["volunteers", {pool_size = 30, archetypes = {honest = {share = 1.0}}}]\n'
    )
    out = tmp_path / "out"
    argv = ["sweep", str(spec), "--out", str(out), "--workers", "1"]
    assert main(argv) == 0, capsys.readouterr().err
    assert main([*argv, "--resume"]) == 0
    assert "2 cells: 2 already stored, 0 computed" in capsys.readouterr().err
    values = sorted(read_results(out)["population"])
    assert values == ["volunteers", '{"archetypes":{"honest":{"share":1.0}},"pool_size":30}']
