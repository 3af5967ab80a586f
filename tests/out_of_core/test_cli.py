"""``evaluate --answers DIR_OR_GLOB``: the same JSON as in-memory ``evaluate`` (alpha aside), and
one-line errors (exit 2) for what out of core cannot do."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from tests.out_of_core._partitions import split_evenly
from tests.out_of_core.test_engine import synthetic
from tests.test_cli import assert_user_error

Cli = Callable[..., subprocess.CompletedProcess[str]]


@pytest.mark.parametrize("ties", [("--ties", "smallest"), (), ("--seed", "3")])
def test_partitioned_json_is_the_in_memory_json(cli: Cli, tmp_path: Path, ties: tuple[str, ...]) -> None:
    """The same answers read whole and in four partitions (same row order) give the same JSON,
    tied tasks included: out of core, one more pass finds the rows the seeded tie rule draws at."""
    answers = synthetic(300, 25, ("a", "b", "c"), seed=5)
    paths = split_evenly(answers, tmp_path / "parts", parts=4)  # shuffled: the whole file in their order
    pd.concat([pd.read_parquet(path) for path in paths]).to_parquet(tmp_path / "whole.parquet", index=False)
    gold = answers.drop_duplicates("task")[["task"]].assign(label="b")
    gold.to_csv(tmp_path / "gold.csv", index=False)
    common = (
        "--gold",
        str(tmp_path / "gold.csv"),
        "--aggregators",
        "mv,ds",
        "--cost-per-label",
        "0.1",
        *ties,
    )
    whole = cli("evaluate", "--answers", str(tmp_path / "whole.parquet"), *common, "--format", "json")
    parts = cli("evaluate", "--answers", str(tmp_path / "parts"), *common, "--format", "json")
    assert whole.returncode == 0 and parts.returncode == 0, whole.stderr + parts.stderr
    expected, document = json.loads(whole.stdout), json.loads(parts.stdout)
    assert document.pop("partitions") == 4
    assert document.pop("krippendorff_alpha") is None  # needs every answer at once
    expected.pop("krippendorff_alpha")
    document.pop("dataset"), expected.pop("dataset")
    for doc in (document, expected):
        for row in doc["results"]:
            row.pop("seconds")
    assert document == expected
    tied = sum(row["tied_tasks"] for row in expected["results"] if row["aggregator"] == "mv")
    assert tied > 0  # the comparison is not vacuous
    table = cli("evaluate", "--answers", str(tmp_path / "parts" / "*.parquet"), *common)
    assert table.returncode == 0 and "4 partitions, out of core" in table.stdout
    assert not table.stderr


def test_default_aggregators_are_mv_and_ds(cli: Cli, tmp_path: Path) -> None:
    split_evenly(synthetic(50, 5, ("a", "b"), seed=1), tmp_path, parts=2)
    result = cli("evaluate", "--answers", str(tmp_path), "--format", "json")
    assert result.returncode == 0, result.stderr
    assert [row["aggregator"] for row in json.loads(result.stdout)["results"]] == ["mv", "ds"]


def _write(path: Path, frame: pd.DataFrame) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(path, index=False)


@pytest.mark.parametrize(
    ("setup", "args", "fragments"),
    [
        ("good", ("--aggregators", "mv,wawa"), ("'wawa' does not run out of core", "allowed: mv, ds")),
        ("good", ("--aggregators", "glad"), ("'glad' does not run out of core", "allowed: mv, ds")),
        ("empty_dir", (), ("matches no Parquet file",)),
        ("nothing", (), ("matches no Parquet file",)),
        ("missing_column", (), ("part-1.parquet: missing column(s) worker",)),
        ("mixed_schema", (), ("schema differs", "column 'task'")),
        ("infinite", (), ("not an id or a label (infinite)",)),
        ("empty_cell", (), ("empty cell",)),
        ("good", ("--engine", "crowdkit"), ("--engine does not apply to partitioned --answers",)),
        ("single_file", ("--scheduler", "tcp://127.0.0.1:9"), ("--scheduler goes with partitioned",)),
        ("good", ("--scheduler", "tcp://127.0.0.1:9"), ("connection refused",)),  # probed, no retrying
    ],
)
def test_out_of_core_errors_are_one_line(
    cli: Cli, tmp_path: Path, setup: str, args: tuple[str, ...], fragments: tuple[str, ...]
) -> None:
    good = pd.DataFrame({"task": [1, 1, 2], "worker": ["a", "b", "a"], "label": [0, 1, 1]})
    target = str(tmp_path / "data")
    if setup == "good":
        _write(tmp_path / "data" / "part-0.parquet", good)
    elif setup == "empty_dir":
        (tmp_path / "data").mkdir()
    elif setup == "nothing":
        target = str(tmp_path / "nowhere-*.parquet")
    elif setup == "missing_column":
        _write(tmp_path / "data" / "part-0.parquet", good)
        _write(tmp_path / "data" / "part-1.parquet", good.drop(columns="worker"))
    elif setup == "mixed_schema":
        _write(tmp_path / "data" / "part-0.parquet", good)
        _write(tmp_path / "data" / "part-1.parquet", good.assign(task=["x", "x", "y"]))
    elif setup == "infinite":
        _write(tmp_path / "data" / "part-0.parquet", good.assign(label=[float("inf"), 1.0, 1.0]))
    elif setup == "empty_cell":
        _write(tmp_path / "data" / "part-0.parquet", good.assign(worker=["a", None, "a"]))
    elif setup == "single_file":
        _write(tmp_path / "one.parquet", good)
        target = str(tmp_path / "one.parquet")
    assert_user_error(cli("evaluate", "--answers", target, *args), *fragments)
