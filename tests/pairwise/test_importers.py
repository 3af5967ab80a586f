"""Pairwise exports: one hand-checked fixture per format (ties and malformed rows included); any
input ends in answers or one SandboxError, never another exception."""

from __future__ import annotations

import json
import string
import subprocess
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foundation.errors import SandboxError
from sandbox.datasets import load_dataset
from sandbox.kinds.pairwise.readers import is_pairwise_export, load_pairwise_answers

Cli = Callable[..., subprocess.CompletedProcess[str]]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def rows(answers: pd.DataFrame) -> list[tuple[object, ...]]:
    return [tuple(r) for r in answers[["worker", "left", "right", "label"]].itertuples(index=False)]


def test_long_table_with_ties(tmp_path: Path) -> None:
    path = write(tmp_path / "long.csv", "worker,left,right,label\nw1,a,b,a\nw2,a,b,b\nw3,b,c,tie\nw1,c,a,a\n")
    assert is_pairwise_export(path)
    imported = load_pairwise_answers(path)
    assert rows(imported.answers) == [
        ("w1", "a", "b", "left"),
        ("w2", "a", "b", "right"),
        ("w3", "b", "c", "tie"),
        ("w1", "c", "a", "right"),
    ]
    assert imported.answers["task"].tolist() == ["a|b", "a|b", "b|c", "c|a"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "worker,left,right,label\nw1,a,b,c\n",
            "row 2 has label 'c'; it must be the row's left item 'a', its right item 'b', or tie",
        ),
        ("worker,left,right,label\nw1,a,a,a\n", "row 1 compares item 'a' with itself"),
        ("worker,left,right,label\nw1,a,,a\n", "the cell is empty"),
        ("worker,left,label\nw1,a,a\n", "missing column 'right'"),
    ],
)
def test_long_table_malformed_rows(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(SandboxError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_pairwise_answers(write(tmp_path / "bad.csv", text))


def ls_task(task_id: int, annotations: list[dict[str, object]]) -> dict[str, object]:
    return {
        "id": task_id,
        "data": {"text1": f"answer {task_id}a", "text2": f"answer {task_id}b"},
        "annotations": annotations,
    }


def pairwise_result(side: str) -> list[dict[str, object]]:
    return [{"from_name": "pw", "to_name": "text1,text2", "type": "pairwise", "value": {"selected": side}}]


def test_labelstudio_json_pairwise(tmp_path: Path) -> None:
    tasks = [
        ls_task(
            1,
            [
                {"completed_by": 7, "result": pairwise_result("left")},
                {"completed_by": 8, "result": pairwise_result("right")},
            ],
        ),
        ls_task(
            2,
            [
                {"completed_by": 7, "was_cancelled": True, "result": []},
                {"completed_by": {"id": 9}, "result": []},
            ],
        ),
        ls_task(
            3,
            [
                {"completed_by": 7, "ground_truth": True, "result": pairwise_result("right")},
                {"completed_by": 8, "result": pairwise_result("right")},
            ],
        ),
    ]
    path = write(tmp_path / "export.json", json.dumps(tasks))
    assert is_pairwise_export(path)
    imported = load_pairwise_answers(path)
    assert rows(imported.answers) == [
        (7, "answer 1a", "answer 1b", "left"),
        (8, "answer 1a", "answer 1b", "right"),
        (8, "answer 3a", "answer 3b", "right"),
    ]
    assert imported.skipped == {"cancelled": 1, "empty_result": 1}
    assert imported.gold is not None and imported.gold.to_dict() == {3: "right"}


def test_labelstudio_json_malformed_answer(tmp_path: Path) -> None:
    tasks = [ls_task(1, [{"completed_by": 7, "result": pairwise_result("middle")}])]
    with pytest.raises(SandboxError, match="pairwise answer 'middle'; allowed: selected = left or right"):
        load_pairwise_answers(write(tmp_path / "export.json", json.dumps(tasks)))


def test_labelstudio_json_min_and_csv(tmp_path: Path) -> None:
    records = [
        {
            "id": 1,
            "text1": "x",
            "text2": "y",
            "pw": [{"selected": "left"}],
            "annotator": 3,
            "annotation_id": 1,
        },
        {
            "id": 1,
            "text1": "x",
            "text2": "y",
            "pw": [{"selected": "right"}],
            "annotator": 4,
            "annotation_id": 2,
        },
        {
            "id": 2,
            "text1": "y",
            "text2": "z",
            "pw": {"selected": "right"},
            "annotator": 3,
            "annotation_id": 3,
        },
    ]
    json_min = write(tmp_path / "min.json", json.dumps(records))
    assert is_pairwise_export(json_min)
    expected = [(3, "x", "y", "left"), (4, "x", "y", "right"), (3, "y", "z", "right")]
    assert rows(load_pairwise_answers(json_min).answers) == expected
    frame = pd.DataFrame(records).assign(pw=[json.dumps(r["pw"]) for r in records])
    csv = tmp_path / "export.csv"
    frame.to_csv(csv, index=False)
    assert is_pairwise_export(csv)
    assert rows(load_pairwise_answers(csv).answers) == expected


MTURK = (
    "HITId,WorkerId,AssignmentStatus,Input.query,Input.doc_a,Input.doc_b,Answer.better\n"
    "h1,W1,Approved,q1,d1,d2,a\n"
    "h1,W2,Approved,q1,d1,d2,same\n"
    "h2,W1,Rejected,q2,d1,d3,b\n"
    "h2,W3,Approved,q2,d1,d3,B\n"
)


def test_mturk_pairwise_with_ties_groups_and_rejections(tmp_path: Path) -> None:
    path = write(tmp_path / "batch.csv", MTURK)
    assert not is_pairwise_export(path)  # an MTurk batch is pairwise when items are named
    assert is_pairwise_export(path, pairwise_flags=True)
    imported = load_pairwise_answers(path, left_field="doc_a", right_field="doc_b", group_field="query")
    assert rows(imported.answers) == [
        ("W1", "q1/d1", "q1/d2", "left"),
        ("W2", "q1/d1", "q1/d2", "tie"),
        ("W3", "q2/d1", "q2/d3", "right"),
    ]
    assert imported.skipped == {"rejected": 1}


def test_mturk_answer_outside_a_b_same_is_one_error(tmp_path: Path) -> None:
    path = write(
        tmp_path / "batch.csv", MTURK.replace("h2,W3,Approved,q2,d1,d3,B", "h2,W3,Approved,q2,d1,d3,maybe")
    )
    with pytest.raises(SandboxError, match=r"row 5: answer 'maybe'; allowed: a, b, s or same"):
        load_pairwise_answers(path, left_field="doc_a", right_field="doc_b")


def test_cli_reads_each_format_and_fails_in_one_line(cli: Cli, tmp_path: Path) -> None:
    write(tmp_path / "batch.csv", MTURK)
    good = cli(
        "report",
        str(tmp_path / "batch.csv"),
        "--left-field",
        "doc_a",
        "--right-field",
        "doc_b",
        "--format",
        "json",
    )
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["overall"]["ties"] == 1
    bad = cli("report", str(tmp_path / "batch.csv"), "--kind", "pairwise")
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.count("\n") == 1 and "needs --left-field and --right-field" in bad.stderr
    unknown = cli("report", str(tmp_path / "batch.csv"), "--kind", "ranking")
    assert (
        unknown.returncode == 2
        and "unknown kind 'ranking'; allowed: classification, pairwise" in unknown.stderr
    )


CELLS = st.text(alphabet=string.ascii_letters + string.digits + " ,\"'\n-.", max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(CELLS, CELLS, CELLS, CELLS), min_size=0, max_size=6))
def test_any_long_table_is_answers_or_one_sandbox_error(tmp_path: Path, table: list[tuple[str, ...]]) -> None:
    path = tmp_path / "any.csv"
    body = "\n".join(",".join(cells) for cells in table)
    path.write_text("worker,left,right,label\n" + body, encoding="utf-8")
    try:
        imported = load_pairwise_answers(path, format="long")
    except SandboxError as error:
        assert "\n" not in str(error)
        return
    assert set(imported.answers["label"]) <= {"left", "right", "tie"}
    assert (imported.answers["left"] != imported.answers["right"]).all()


@settings(max_examples=80, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            ["n_items", "n_pairs", "n_features", "noise", "length_corr", "ties", "heldout", "seed", "bogus"]
        ),
        st.one_of(st.integers(-5, 60), st.floats(-2, 40, allow_nan=False), st.text(max_size=3)),
        max_size=4,
    )
)
def test_any_synthetic_pairs_spec_is_a_dataset_or_one_sandbox_error(options: dict[str, object]) -> None:
    spec = "synthetic-pairs:" + ",".join(f"{k}={v}" for k, v in options.items())
    try:
        dataset = load_dataset(spec)
    except SandboxError as error:
        assert "\n" not in str(error)
        return
    assert dataset.kind == "pairwise" and dataset.truth.isin([0, 1, 2]).all()
