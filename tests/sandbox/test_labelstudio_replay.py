"""An export read for pushing back as it is (``sandbox.io.labelstudio.replay``), on the importer's
hand-checked fixture (tests/importers/fixtures/ls_full.json: four tasks, annotators 7 and 9 by bare
id, b@example.com and c@example.com by email, the ground truth by user 1, control ``sentiment`` on the
object ``text``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from foundation.errors import SandboxError
from sandbox.io.labelstudio.label_config import read_label_config
from sandbox.io.labelstudio.replay import (
    PLACEHOLDER_DOMAIN,
    TASK_FIELD,
    annotator,
    importable,
    read_export_tasks,
    rebuilt_label_config,
)

FIXTURE = Path(__file__).resolve().parents[1] / "importers" / "fixtures" / "ls_full.json"


def test_tasks_keep_their_data_and_every_annotation() -> None:
    export = read_export_tasks(FIXTURE)
    original = json.loads(FIXTURE.read_text())
    assert [t["data"] for t in export.tasks] == [{**t["data"], TASK_FIELD: str(t["id"])} for t in original]
    assert [len(t["annotations"]) for t in export.tasks] == [len(t["annotations"]) for t in original]
    cancelled = export.tasks[0]["annotations"][2]
    assert cancelled["was_cancelled"] is True and cancelled["result"] == []
    assert export.tasks[1]["annotations"][0]["ground_truth"] is True


def test_annotators_are_named_by_email_where_the_export_has_one() -> None:
    export = read_export_tasks(FIXTURE)
    emails = [who.user_email for who in export.annotators]
    assert emails == [
        f"worker-7@{PLACEHOLDER_DOMAIN}",
        "b@example.com",
        f"worker-9@{PLACEHOLDER_DOMAIN}",
        f"worker-1@{PLACEHOLDER_DOMAIN}",
        "c@example.com",
        f"worker-8@{PLACEHOLDER_DOMAIN}",
    ]
    users = {who.key: 100 + i for i, who in enumerate(export.annotators)}
    tasks = importable(export, users)
    assert tasks[0]["annotations"][1]["completed_by"] == users["b@example.com"]


def test_the_rebuilt_config_keeps_the_control_and_its_values() -> None:
    config = rebuilt_label_config(read_export_tasks(FIXTURE))
    controls = read_label_config(config)
    assert list(controls) == ["sentiment"]
    assert set(controls["sentiment"].labels) == {"pos", "neg", "neutral"}
    assert controls["sentiment"].to_name == "text" and not controls["sentiment"].multiple
    assert 'value="$text"' in config


def test_a_control_that_cannot_be_rebuilt_asks_for_the_config(tmp_path: Path) -> None:
    region = {"from_name": "score", "to_name": "text", "type": "rating", "value": {"rating": 3}}
    path = tmp_path / "ratings.json"
    path.write_text(
        json.dumps(
            [{"id": 1, "data": {"text": "x"}, "annotations": [{"completed_by": 1, "result": [region]}]}]
        )
    )
    with pytest.raises(SandboxError, match="--label-config"):
        rebuilt_label_config(read_export_tasks(path))


@pytest.mark.parametrize("completed_by", [None, True, [], {}, ""])
def test_an_annotation_by_nobody_is_an_error(completed_by: object) -> None:
    with pytest.raises(SandboxError, match="names no annotator"):
        annotator(completed_by, "task 1")
