"""A real export pushed to a real Label Studio server, pulled back and reported on (issue 24, item 5):
the tasks' data, the labeling control's name, the annotators (by email where the export names them)
and the annotation times survive, and ``report`` reads the pulled export without extra flags.

The export holds snow_rte's real MTurk answers on its first 30 items (with the experts' gold as
ground-truth annotations), in the server's JSON shape: half the annotators named by an email object,
half by a bare numeric id, each answer with its ``lead_time``.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from sandbox.io.labelstudio.client import connect
from sandbox.io.labelstudio.replay import PLACEHOLDER_DOMAIN, TASK_FIELD
from tests.labelstudio.conftest import LabelStudioServer
from tests.test_cli_exports import main as cli_main

DATASETS = Path(__file__).resolve().parents[2] / "datasets"
CONTROL, OBJECT = "entailment", "premise"
N_TASKS = 30


def identity(worker: int) -> Any:
    """Even workers by an email object, odd ones by their bare id (both shapes servers export)."""
    return {"id": 1000 + worker, "email": f"rater{worker}@example.org"} if worker % 2 == 0 else 1000 + worker


def expected_email(worker: int) -> str:
    return f"rater{worker}@example.org" if worker % 2 == 0 else f"worker-{1000 + worker}@{PLACEHOLDER_DOMAIN}"


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    answers = pd.read_csv(DATASETS / "snow_rte" / "labels.csv")
    gold = pd.read_csv(DATASETS / "snow_rte" / "gold.csv").set_index("task")["label"]
    tasks = []
    for number, (task, group) in enumerate(answers.groupby("task", sort=True)):
        if number == N_TASKS:
            break
        annotations = [
            {
                "id": 10 * int(task) + i,
                "completed_by": identity(int(worker)),
                "was_cancelled": False,
                "ground_truth": False,
                "lead_time": 3.5 + i + int(task) % 7,
                "result": [
                    {
                        "from_name": CONTROL,
                        "to_name": OBJECT,
                        "type": "choices",
                        "value": {"choices": [str(label)]},
                    }
                ],
            }
            for i, (worker, label) in enumerate(zip(group["worker"], group["label"], strict=True))
        ]
        annotations.append(
            {
                "id": 10 * int(task) + 9,
                "completed_by": {"id": 1, "email": "expert@example.org"},
                "was_cancelled": False,
                "ground_truth": True,
                "result": [
                    {
                        "from_name": CONTROL,
                        "to_name": OBJECT,
                        "type": "choices",
                        "value": {"choices": [str(gold[task])]},
                    }
                ],
            }
        )
        data = {OBJECT: f"RTE pair {task}: does the premise entail the hypothesis?", "source": "snow_rte"}
        tasks.append({"id": 5000 + int(task), "data": data, "annotations": annotations})
    path = tmp_path_factory.mktemp("export") / "rte_labelstudio.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    return path, tasks


@pytest.fixture(scope="module")
def pulled(
    label_studio: LabelStudioServer,
    export: tuple[Path, list[dict[str, Any]]],
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[list[dict[str, Any]], Path, dict[int, str]]:
    """(the pulled JSON export, its path, user id → email on the server)."""
    path, _ = export
    folder = tmp_path_factory.mktemp("pulled")
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", label_studio.api_key)
    try:
        argv = ["labelstudio", "push", str(path), "--url", label_studio.url, "--title", "rte as exported"]
        assert cli_main(argv) == 0
        client = connect(label_studio.url, label_studio.api_key)
        project = max(p.id for p in client.projects.list())
        out = folder / "pulled.json"
        argv = [
            "labelstudio",
            "pull",
            "--url",
            label_studio.url,
            "--project",
            str(project),
            "--out",
            str(out),
        ]
        assert cli_main(argv) == 0
    finally:
        monkeypatch.undo()
    emails = {int(u.id): str(u.email) for u in client.users.list()}
    return json.loads(out.read_text()), out, emails


def test_task_data_survive(
    export: tuple[Path, list[dict[str, Any]]], pulled: tuple[list[dict[str, Any]], Path, dict[int, str]]
) -> None:
    _, original = export
    tasks, _, _ = pulled
    assert len(tasks) == N_TASKS
    by_id = {str(task["id"]): task["data"] for task in original}
    for task in tasks:
        data = dict(task["data"])
        assert {**by_id[data.pop(TASK_FIELD)]} == data  # the data as exported, plus the export's id


def test_control_names_survive(pulled: tuple[list[dict[str, Any]], Path, dict[int, str]]) -> None:
    tasks, _, _ = pulled
    regions = [r for t in tasks for a in t["annotations"] for r in a["result"]]
    assert regions and {(r["from_name"], r["to_name"], r["type"]) for r in regions} == {
        (CONTROL, OBJECT, "choices")
    }


def test_identities_and_times_survive(
    export: tuple[Path, list[dict[str, Any]]], pulled: tuple[list[dict[str, Any]], Path, dict[int, str]]
) -> None:
    _, original = export
    tasks, _, emails = pulled
    by_id = {str(task["id"]): task for task in original}

    def user_of(completed_by: Any) -> int:
        return int(completed_by["id"] if isinstance(completed_by, dict) else completed_by)

    for task in tasks:
        source = by_id[task["data"][TASK_FIELD]]
        want = Counter(
            (
                a["ground_truth"],
                "expert@example.org"
                if a["ground_truth"]
                else expected_email(a["completed_by"]["id"] - 1000)
                if isinstance(a["completed_by"], dict)
                else expected_email(a["completed_by"] - 1000),
                a.get("lead_time"),
                a["result"][0]["value"]["choices"][0],
            )
            for a in source["annotations"]
        )
        got = Counter(
            (
                a["ground_truth"],
                emails[user_of(a["completed_by"])],
                a.get("lead_time"),
                a["result"][0]["value"]["choices"][0],
            )
            for a in task["annotations"]
        )
        assert got == want


def test_report_reads_the_pulled_export_without_flags(
    export: tuple[Path, list[dict[str, Any]]],
    pulled: tuple[list[dict[str, Any]], Path, dict[int, str]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, original = export
    _, path, _ = pulled
    capsys.readouterr()
    assert cli_main(["report", str(path), "--format", "json"]) == 0
    overall = json.loads(capsys.readouterr().out)["overall"]
    workers = {
        json.dumps(a["completed_by"]) for t in original for a in t["annotations"] if not a["ground_truth"]
    }
    assert overall["gold_tasks"] == N_TASKS  # the ground-truth annotations came back as gold
    assert overall["workers"] == len(workers)
    assert overall["answers"] == sum(len(t["annotations"]) - 1 for t in original)
