"""Hostile but fair exports: every malformed shape is one SandboxError naming what is wrong, never a
traceback and never a silently wrong answers table (issue 13, items 1 and 8)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from foundation.errors import SandboxError
from sandbox.io.files.json_stream import MAX_DEPTH, iter_items, loads
from sandbox.io.importers.detect import detect_format
from sandbox.kinds.classification.readers import load_answers


def choice(label: Any = "a", worker: Any = 1) -> dict[str, Any]:
    return {"completed_by": worker, "result": [{"from_name": "c", "value": {"choices": [label]}}]}


def write(tmp_path: Path, data: Any, name: str = "export.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("tasks", "message"),
    [
        ([{"id": 1, "annotations": ["x"]}], r"task 1: an annotation must be an object, got 'x'"),
        ([{"id": 1, "annotations": {"a": 1}}], r"'annotations' must be a list"),
        ([{"id": 1, "annotations": [{"completed_by": 1, "result": 5}]}], r"'result' must be a list"),
        (
            [{"id": 1, "annotations": [{"completed_by": 1, "result": [{"type": 5}]}]}],
            r"'type' must be text, got 5",
        ),
        ([{"id": 1, "annotations": [{"completed_by": 1, "result": ["r"]}]}], r"region must be an object"),
        ([{"id": [1], "annotations": [choice()]}], r"task id \[1\] is not an id"),
        ([{"id": {"a": 1}, "annotations": [choice()]}], r"task id \{'a': 1\} is not an id"),
        ([{"id": True, "annotations": [choice()]}], r"task id True is not an id"),
        ([{"id": "a\x00b", "annotations": [choice()]}], r"holds a NUL character"),
        ([{"id": 1, "annotations": [choice(None)]}], r"choice None is not a label"),
        ([{"id": 1, "annotations": [choice({"x": 1})]}], r"choice \{'x': 1\} is not a label"),
        ([{"id": 1, "annotations": [choice(True)]}], r"choice True is not a label"),
        ([{"id": 1, "annotations": [choice(worker=[7])]}], r"completed_by \[7\] is not an id"),
        ([{"id": 1, "annotations": [choice(worker=False)]}], r"completed_by False is not an id"),
    ],
)
def test_malformed_label_studio_shapes(tmp_path: Path, tasks: list[Any], message: str) -> None:
    with pytest.raises(SandboxError, match=message):
        load_answers(write(tmp_path, tasks))


def test_a_true_id_is_not_task_one(tmp_path: Path) -> None:
    tasks = [{"id": True, "annotations": [choice("a", 1)]}, {"id": 1, "annotations": [choice("b", 2)]}]
    with pytest.raises(SandboxError, match="task id True is not an id"):
        load_answers(write(tmp_path, tasks))


def test_numeric_choices_are_labels_as_written(tmp_path: Path) -> None:
    """Label Studio choices are text: a number there is the same label as its text."""
    tasks = [{"id": 1, "annotations": [choice(0, 1), choice(1.0, 2), choice("1", 3)]}]
    answers = load_answers(write(tmp_path, tasks)).answers
    assert answers["label"].tolist() == [0, 1, 1]  # one value each, as the rule of sandbox.io.values says


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 50_000])
@pytest.mark.parametrize("shape", ["full", "min"])
def test_deep_nesting_is_refused_naming_the_limit(tmp_path: Path, depth: int, shape: str) -> None:
    nested = "[" * depth + "]" * depth
    if shape == "full":
        text = '[{"id": 1, "data": {"x": ' + nested + '}, "annotations": []}]'
    else:
        text = '[{"id": 1, "annotator": 1, "choice": ' + nested + "}]"
    path = tmp_path / "deep.json"
    path.write_text(text)
    with pytest.raises(SandboxError, match=rf"nests lists and objects deeper than {MAX_DEPTH} levels"):
        detect_format(path)
    fmt = "labelstudio_json" if shape == "full" else "labelstudio_json_min"
    with pytest.raises(SandboxError, match=r"MAX_DEPTH"):
        load_answers(path, format=fmt)


def test_nesting_at_the_limit_is_read(tmp_path: Path) -> None:
    nested = "[" * (MAX_DEPTH - 3) + "]" * (MAX_DEPTH - 3)
    path = tmp_path / "ok.json"
    path.write_text(
        '[{"id": 1, "data": {"x": ' + nested + '}, "annotations": [' + json.dumps(choice()) + "]}]"
    )
    assert len(load_answers(path).answers) == 1


def test_json_cell_of_a_csv_export_is_bounded() -> None:
    with pytest.raises(SandboxError, match="deeper than"):
        loads("[" * 10_000 + "]" * 10_000, "cell")
    assert loads('{"choices": ["a"]}') == {"choices": ["a"]}


def test_json_reader_refuses_objects_trailing_data_and_reads_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"id": 1}')
    with pytest.raises(SandboxError, match="a JSON object, not a list of tasks"):
        list(iter_items(path, what="task"))
    path.write_text("[1, 2] [3]")
    with pytest.raises(SandboxError, match="broken or truncated JSON"):
        list(iter_items(path))
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps([{"id": 1, "annotations": [choice()]}]).encode())
    assert len(load_answers(path).answers) == 1


def test_json_min_records_with_many_different_keys_stay_small(tmp_path: Path) -> None:
    """Each record with its own key: a table of all keys would be records × keys cells."""
    records = [{"id": i, "annotator": i % 7, "label": "ab"[i % 2], f"extra_{i}": 1} for i in range(20_000)]
    path = write(tmp_path, records)
    result = load_answers(path, from_name="label")
    assert len(result.answers) == 20_000


def test_mturk_rows_without_hit_id_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "batch.csv"
    path.write_text("HITId,WorkerId,Answer.q\nh1,w1,a\n,w2,b\n,w3,a\n")
    with pytest.raises(SandboxError, match=r"row 3 has no HITId"):
        load_answers(path)


def test_parquet_cells_holding_lists_or_dicts_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "answers.parquet"
    pd.DataFrame({"task": [1, 2], "worker": ["a", "b"], "label": [["x"], ["y"]]}).to_parquet(path)
    with pytest.raises(SandboxError, match=r"column 'label' holds list.*cells must be text"):
        load_answers(path)


def test_text_with_a_nul_character_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "answers.parquet"
    pd.DataFrame({"task": ["a\x00b", "c"], "worker": ["w", "v"], "label": ["x", "y"]}).to_parquet(path)
    with pytest.raises(SandboxError, match=r"row 1, column 'task': 'a\\x00b' is not an id.*NUL"):
        load_answers(path)


def test_a_parquet_bomb_is_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A few KB of run-length encoding stand for many rows: the footer's count is checked first."""
    path = tmp_path / "bomb.parquet"
    n = 2_000_000
    pd.DataFrame({"task": [1] * n, "worker": ["w"] * n, "label": ["x"] * n}).to_parquet(path)
    assert path.stat().st_size < 200_000
    monkeypatch.setenv("CROWD_SANDBOX_MEMORY_LIMIT", "100M")
    with pytest.raises(SandboxError, match=r"2000000 rows × 3 columns\) would need about .* of memory"):
        load_answers(path)
