"""Working time per answer: the optional ``seconds`` column of both kinds' answers tables, read from
Label Studio's ``lead_time``, MTurk's ``WorkTimeInSeconds`` (spread over an assignment's answers) and
a long table's own column; times that cannot be right are one-line errors."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from foundation.errors import SandboxError
from sandbox.io.answer_times import answer_seconds, parse_seconds, seconds_column, spread_over, with_seconds
from sandbox.kinds.classification.readers import load_answers
from sandbox.kinds.pairwise.readers import load_pairwise_answers

FIXTURES = Path(__file__).parent / "fixtures"
BUNDLED = Path(__file__).resolve().parents[2] / "datasets" / "pairwise" / "sigir2010"


def test_label_studio_lead_time_is_the_answer_time_in_the_flat_exports() -> None:
    for name in ("ls_min.json", "ls_export.csv"):
        answers = load_answers(FIXTURES / name, multi_choice="skip").answers
        assert answers["seconds"].tolist() == [3.1, 2.0, 1.5, 4.0], name


def test_a_full_json_export_without_lead_time_has_no_seconds_column() -> None:
    assert "seconds" not in load_answers(FIXTURES / "ls_full.json").answers.columns


def test_a_full_json_export_keeps_each_annotation_lead_time(tmp_path: Path) -> None:
    tasks = [
        {
            "id": task,
            "data": {"text": "x"},
            "annotations": [
                {
                    "completed_by": worker,
                    "lead_time": seconds,
                    "result": [
                        {"type": "choices", "from_name": "c", "to_name": "text", "value": {"choices": ["a"]}}
                    ],
                }
                for worker, seconds in ((1, 12.5), (2, None))
            ],
        }
        for task in (1, 2)
    ]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tasks))
    answers = load_answers(path).answers
    assert answers["seconds"].tolist()[::2] == [12.5, 12.5]
    assert answers["seconds"].isna().tolist() == [False, True, False, True]


def test_mturk_work_time_is_spread_over_the_answers_of_one_assignment(tmp_path: Path) -> None:
    path = tmp_path / "batch.csv"
    path.write_text(
        "HITId,AssignmentId,WorkerId,WorkTimeInSeconds,Answer.q\n"
        "h1,a1,w1,30,x\n"
        "h2,a1,w1,30,y\n"  # one assignment read as two answers: 15 s each
        "h1,a2,w2,8,x\n"
    )
    answers = load_answers(path).answers
    assert answers["seconds"].tolist() == [15.0, 15.0, 8.0]


def test_a_long_table_keeps_its_seconds_column(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text("task,worker,label,seconds\n1,a,x,4\n1,b,y,\n")
    answers = load_answers(path).answers
    assert answers["seconds"].iloc[0] == 4.0 and math.isnan(answers["seconds"].iloc[1])


@pytest.mark.parametrize("bad", ["-1", "inf", "abc", "1e12", "true"])
def test_a_time_that_cannot_be_right_is_one_line(tmp_path: Path, bad: str) -> None:
    path = tmp_path / "long.csv"
    path.write_text(f"task,worker,label,seconds\n1,a,x,{bad}\n1,b,y,3\n")
    with pytest.raises(SandboxError) as error:
        load_answers(path)
    message = str(error.value)
    assert "\n" not in message and "working time" in message and "row 1" in message


def test_the_bundled_mturk_batch_reads_with_its_times() -> None:
    """The raw sigir2010 batch read as an MTurk export gives the bundled answers and their times."""
    batch = load_pairwise_answers(
        BUNDLED / "judgments.csv",
        left_field="docA",
        right_field="docB",
        group_field="query",
        from_name="radio",
    ).answers
    bundled = pd.read_csv(BUNDLED / "answers.csv")
    assert len(batch) == len(bundled) == 2805
    assert np.array_equal(batch["seconds"].to_numpy(), bundled["seconds"].to_numpy(dtype=float))
    assert batch["left"].str.replace("/", ":", n=1).tolist() == bundled["left"].tolist()
    # the README's figure: 20.5 % of the answers were submitted faster than the melodies last
    raw = pd.read_csv(BUNDLED / "judgments.csv", dtype=str, keep_default_na=False)
    raw = raw[raw["Answer.radio"] != ""]
    faster = raw["WorkTimeInSeconds"].astype(float) < raw["Input.time"].astype(float)
    assert round(float(faster.mean()), 3) == 0.204


def test_pairwise_long_and_label_studio_times(tmp_path: Path) -> None:
    path = tmp_path / "votes.csv"
    path.write_text("worker,left,right,label,seconds\nw1,a,b,a,3.5\nw2,a,b,tie,\n")
    answers = load_pairwise_answers(path).answers
    assert answers["seconds"].iloc[0] == 3.5 and math.isnan(answers["seconds"].iloc[1])
    export = [
        {
            "id": 1,
            "data": {"text1": "a", "text2": "b"},
            "annotations": [
                {
                    "completed_by": 1,
                    "lead_time": 9.0,
                    "result": [{"type": "pairwise", "to_name": "text1,text2", "value": {"selected": "left"}}],
                }
            ],
        }
    ]
    json_path = tmp_path / "pw.json"
    json_path.write_text(json.dumps(export))
    assert load_pairwise_answers(json_path).answers["seconds"].tolist() == [9.0]


def test_the_helpers() -> None:
    assert math.isnan(parse_seconds("", "x")) and parse_seconds("2.5", "x") == 2.5
    with pytest.raises(SandboxError, match="x: working time"):
        parse_seconds([1], "x")
    assert seconds_column(pd.Series(["1", None, 2]), "f").tolist()[::2] == [1.0, 2.0]
    assert spread_over([10.0, 10.0, 6.0, 4.0], ["a", "a", "b", "c"]).tolist() == [5.0, 5.0, 6.0, 4.0]
    frame = pd.DataFrame({"task": [1, 2]})
    assert "seconds" not in with_seconds(frame, [math.nan, math.nan]).columns
    assert answer_seconds(with_seconds(frame, [1.0, math.nan])) is not None
    assert answer_seconds(frame) is None
