"""Ratings exports of every format: Label Studio <Rating> and <Number> (JSON, JSON_MIN, CSV) with
lead_time, MTurk batches with many rated items per assignment and a "could not judge" flag, long
tables with seconds; the real nli_variation batches read to the same ratings as its long table."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from annotators.archetypes.ratings import Scale
from foundation.errors import SandboxError
from sandbox.kinds.ratings.answers import scale_of
from sandbox.kinds.ratings.readers import is_ratings_export, load_ratings
from tests.ratings.helpers import NLI, labelstudio_json

ROWS = [(1, "a", 4.0), (1, "b", 5.0), (2, "a", 2.0), (2, "b", 1.0), (3, "a", 3.0)]


def _answers(imported) -> list[tuple[object, object, float]]:  # type: ignore[no-untyped-def]
    return sorted(
        zip(imported.answers["task"], imported.answers["worker"], imported.answers["label"], strict=True)
    )


@pytest.mark.parametrize("kind", ["rating", "number"])
def test_labelstudio_json_reads_rating_and_number_controls_with_lead_time(tmp_path: Path, kind: str) -> None:
    path = labelstudio_json(tmp_path / "export.json", ROWS, kind=kind, lead_time=7.5)
    assert is_ratings_export(path)
    imported = load_ratings(path, scale="1-5")
    assert _answers(imported) == sorted(ROWS)
    assert (imported.answers["seconds"] == 7.5).all()
    assert imported.control == "score" and imported.to_name == "text"
    assert imported.answers.attrs["control_type"] == kind and scale_of(imported.answers) == Scale(1, 5)


def test_labelstudio_json_skips_cancelled_and_takes_ground_truth_as_gold(tmp_path: Path) -> None:
    path = labelstudio_json(tmp_path / "export.json", ROWS)
    tasks = json.loads(path.read_text())
    tasks[0]["annotations"].append({"completed_by": "c", "was_cancelled": True, "result": []})
    tasks[1]["annotations"].append(
        {
            "completed_by": "e",
            "ground_truth": True,
            "result": [{"from_name": "score", "to_name": "text", "type": "rating", "value": {"rating": 2}}],
        }
    )
    path.write_text(json.dumps(tasks))
    imported = load_ratings(path)
    assert imported.skipped == {"cancelled": 1}
    assert imported.gold is not None and imported.gold.to_dict() == {2: 2.0}
    assert len(imported.answers) == len(ROWS)


def test_the_scale_comes_from_the_label_config(tmp_path: Path) -> None:
    path = labelstudio_json(tmp_path / "export.json", ROWS)
    config = (
        '<View><Text name="text" value="$text"/><Rating name="score" toName="text" maxRating="10"/></View>'
    )
    assert scale_of(load_ratings(path, label_config=config).answers) == Scale(1, 10)
    number = (
        '<View><Text name="text" value="$text"/>'
        '<Number name="score" toName="text" min="0" max="100" step="0.5"/></View>'
    )
    assert scale_of(load_ratings(path, label_config=number).answers) == Scale(0, 100, integer=False)


@pytest.mark.parametrize("fmt", ["labelstudio_json_min", "labelstudio_csv"])
def test_flat_exports_read_the_rating_column(tmp_path: Path, fmt: str) -> None:
    records = [
        {
            "id": task,
            "text": f"item {task}",
            "score": value,
            "annotator": worker,
            "annotation_id": i,
            "lead_time": 2.0,
        }
        for i, (task, worker, value) in enumerate(ROWS)
    ]
    if fmt == "labelstudio_json_min":
        path = tmp_path / "min.json"
        path.write_text(json.dumps(records))
    else:
        path = tmp_path / "export.csv"
        pd.DataFrame(records).to_csv(path, index=False)
    imported = load_ratings(path, format=fmt, scale="1-5")
    assert _answers(imported) == sorted(ROWS)
    assert (imported.answers["seconds"] == 2.0).all()


def _mturk(path: Path) -> Path:
    """Two assignments of a 3-item HIT: a "could not judge" flag, an empty slot, work time 60 s."""
    rows = [
        {
            "HITId": "H1",
            "WorkerId": "W1",
            "AssignmentStatus": "Approved",
            "WorkTimeInSeconds": "60",
            "Input.pair_id_0": "p1",
            "Input.pair_id_1": "p2",
            "Input.pair_id_2": "p3",
            "Answer.rating0": "10",
            "Answer.rating1": "50",
            "Answer.rating2": "90",
            "Answer.na0": "",
            "Answer.na1": "na",
            "Answer.na2": "",
        },
        {
            "HITId": "H1",
            "WorkerId": "W2",
            "AssignmentStatus": "Approved",
            "WorkTimeInSeconds": "30",
            "Input.pair_id_0": "p1",
            "Input.pair_id_1": "p2",
            "Input.pair_id_2": "",
            "Answer.rating0": "20",
            "Answer.rating1": "40",
            "Answer.rating2": "",
            "Answer.na0": "",
            "Answer.na1": "",
            "Answer.na2": "",
        },
        {
            "HITId": "H1",
            "WorkerId": "W3",
            "AssignmentStatus": "Rejected",
            "WorkTimeInSeconds": "5",
            "Input.pair_id_0": "p1",
            "Input.pair_id_1": "p2",
            "Input.pair_id_2": "p3",
            "Answer.rating0": "50",
            "Answer.rating1": "50",
            "Answer.rating2": "50",
            "Answer.na0": "",
            "Answer.na1": "",
            "Answer.na2": "",
        },
    ]
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_mturk_batches_of_many_items_per_assignment(tmp_path: Path) -> None:
    path = _mturk(tmp_path / "batch.csv")
    assert is_ratings_export(path)
    imported = load_ratings(path, scale="0-100")
    assert _answers(imported) == [
        ("p1", "W1", 10.0),
        ("p1", "W2", 20.0),
        ("p2", "W2", 40.0),
        ("p3", "W1", 90.0),
    ]
    assert imported.skipped == {"could_not_judge": 1, "rejected": 1}
    seconds = dict(zip(imported.answers["worker"], imported.answers["seconds"], strict=True))
    assert seconds == {"W1": 30.0, "W2": 15.0}  # the assignment's time over the items it rated


def test_mturk_names_what_it_cannot_tell(tmp_path: Path) -> None:
    path = _mturk(tmp_path / "batch.csv")
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.insert(5, "Input.other_id_0", "x")
    table.to_csv(path, index=False)
    with pytest.raises(SandboxError, match="--item-field"):
        load_ratings(path)
    assert len(load_ratings(path, item_field="pair_id").answers) == 4


def test_a_rating_off_a_declared_scale_names_its_row(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    pd.DataFrame([*ROWS, (4, "c", 7.0)], columns=["task", "worker", "label"]).to_csv(path, index=False)
    with pytest.raises(SandboxError, match=r"row 6 has rating 7, not on the scale 1-5"):
        load_ratings(path, format="long", scale="1-5")
    assert scale_of(load_ratings(path, format="long").answers) == Scale(1, 7)  # undeclared: the ratings' own


def test_long_tables_keep_seconds_and_refuse_bad_ones(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    frame = pd.DataFrame(ROWS, columns=["task", "worker", "label"]).assign(seconds=[1, 2, "", 4, 5])
    frame.to_csv(path, index=False)
    imported = load_ratings(path, format="long")
    assert imported.answers["seconds"].isna().sum() == 1
    frame.assign(seconds=[1, 2, -3, 4, 5]).to_csv(path, index=False)
    with pytest.raises(SandboxError, match="row 4"):
        load_ratings(path, format="long")


@pytest.mark.skipif(not NLI.is_dir(), reason="../shared/data/ratings/nli_variation is not here")
def test_the_real_nli_batches_read_to_the_ratings_of_their_long_table() -> None:
    """The three raw MTurk batches (up to 20 items per row, a "na" flag per item) against the long
    table derived from them, which keeps rejected assignments: the batches' ratings plus the rejected
    assignments' are the long table's, one for one."""
    long = load_ratings(NLI / "long.csv", format="long").answers
    read = [load_ratings(NLI / "raw" / f"batch{b}.csv") for b in (1, 2, 3)]
    ratings = pd.concat([r.answers for r in read], ignore_index=True)
    raw = pd.concat(
        [pd.read_csv(NLI / "raw" / f"batch{b}.csv", dtype=str, keep_default_na=False) for b in (1, 2, 3)]
    )
    rejected = raw[raw["AssignmentStatus"] == "Rejected"]
    rejected_ratings = sum(
        1
        for _, row in rejected.iterrows()
        for n in range(20)
        if row[f"Input.pair_id_{n}"] and row[f"Answer.na{n}"] != "na"
    )
    assert sum(r.skipped.get("rejected", 0) for r in read) == len(rejected)
    assert len(ratings) + rejected_ratings == len(long) == 24_543
    key = ["task", "worker", "label"]
    merged = ratings.merge(long, on=key, how="left", indicator=True, suffixes=("", "_long"))
    assert (merged["_merge"] == "both").all()
    assert all(scale_of(r.answers) == Scale(0, 100) for r in read)
    assert ratings["seconds"].median() == pytest.approx(long["seconds"].median(), rel=0.1)
