"""A user's upload: reading, annotator flags on a planted crowd, Label Studio predictions, published MV."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from foundation.errors import SandboxError
from sandbox.kinds.classification.export_view import (
    analyse,
    consensus_accuracy,
    predictions_json,
    read_upload,
)
from tests.conftest import answers_frame

REPO = Path(__file__).resolve().parents[2]
SNOW_RTE = REPO / "datasets" / "snow_rte"
LS_FIXTURES = REPO / "tests" / "importers" / "fixtures"
# crowd-kit's majority vote keeps the smallest tied label: .9187 on snow_rte with labels 0/1 (shared
# data README), .8750 with the labels renamed so that the other sorts first (issue 22; 65 of 800 tasks
# are tied). A rule independent of names lands between the two.
SNOW_RTE_MV, SNOW_RTE_MV_RENAMED = 0.9187, 0.8750


def planted_crowd() -> tuple[pd.DataFrame, pd.Series]:
    """20 tasks, truth alternating 0/1: three perfect workers, one always answering 1, one always wrong."""
    rows = []
    for task in range(20):
        truth = task % 2
        rows += [(task, f"h{i}", truth) for i in range(3)]
        rows += [(task, "fixed", 1), (task, "liar", 1 - truth)]
    gold = pd.Series([t % 2 for t in range(20)], index=pd.Index(range(20), name="task"), name="label")
    return answers_frame(rows), gold


def test_report_flags_the_planted_spammers(tmp_path: Path) -> None:
    answers, gold = planted_crowd()
    upload = read_upload(
        (answers.to_csv(index=False).encode(), "planted.csv"),
        (gold.reset_index().to_csv(index=False).encode(), "gold.csv"),
        tmp_path,
    )
    report, consensus = analyse(upload, "mv")
    flagged = report.annotators["suspect"]
    assert flagged[["fixed", "liar"]].all() and not flagged[["h0", "h1", "h2"]].any()
    assert consensus_accuracy(consensus, gold) == (1.0, 20)  # three perfect workers out-vote two
    assert predictions_json(upload, consensus, "mv") is None  # a plain table names no Label Studio control


def test_label_studio_export_gives_predictions(tmp_path: Path) -> None:
    export = (LS_FIXTURES / "ls_full.json").read_bytes()
    upload = read_upload((export, "project.json"), None, tmp_path)
    assert upload.gold is not None and upload.gold.to_dict() == {2: "neg"}  # its ground-truth annotation
    _, consensus = analyse(upload, "mv")
    text = predictions_json(upload, consensus, "mv")
    assert text is not None
    predictions = json.loads(text)
    assert sorted(p["task"] for p in predictions) == sorted(consensus["task"])
    result = predictions[0]["result"][0]
    assert (result["from_name"], result["to_name"], result["type"]) == ("sentiment", "text", "choices")


def test_read_upload_of_snow_rte_scores_majority_vote_within_the_spellings(tmp_path: Path) -> None:
    labels = (SNOW_RTE / "labels.csv").read_bytes()
    gold = (SNOW_RTE / "gold.csv").read_bytes()
    upload = read_upload((labels, "labels.csv"), (gold, "gold.csv"), tmp_path)
    assert len(upload.answers) == 8000 and upload.gold is not None and len(upload.gold) == 800
    _, consensus = analyse(upload, "mv")
    accuracy, n_gold = consensus_accuracy(consensus, upload.gold)
    assert n_gold == 800 and SNOW_RTE_MV_RENAMED <= accuracy <= SNOW_RTE_MV
    assert consensus["confidence"].between(0.5, 1.0).all()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"task,worker\n1,2\n", "a.csv", "missing column 'label'"),
        (b"", "a.csv", "empty"),
        (b"task,worker,label\n1,2,3\n", "a.xlsx", "unsupported file type '.xlsx'"),
        (b"\x00\x01 not parquet", "a.parquet", "cannot be read"),
    ],
)
def test_bad_uploads_are_sandbox_errors(tmp_path: Path, content: bytes, name: str, message: str) -> None:
    with pytest.raises(SandboxError, match=re.escape(message)):
        read_upload((content, name), None, tmp_path)
