"""Numeric labels in exports against numeric gold (issue 13, item 2), end to end through the CLI.

A Label Studio or MTurk export whose choices are the text "0"/"1", with a gold CSV of the numbers
0/1, is the same labels: ``report`` scores the consensus on gold (not 0.0), ``evaluate`` and ``fit``
run. Gold that shares no label or no task with the answers is one line and exit 2, never a score.
The crowd: 100 binary tasks, 5 workers right with probability 0.8, seeded; the expected accuracy
is majority vote's on the generated answers, computed here by counting.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from sandbox.cli.main import main


def crowd(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(truth per task, labels task × worker)."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 2, size=100)
    right = rng.random((100, 5)) < 0.8
    return truth, np.where(right, truth[:, None], 1 - truth[:, None])


def majority_accuracy(truth: np.ndarray, labels: np.ndarray) -> float:
    return float(((labels.sum(axis=1) >= 3).astype(int) == truth).mean())


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    truth, labels = crowd()
    tasks = [
        {
            "id": t + 1,
            "data": {"text": f"item {t}"},
            "annotations": [
                {
                    "completed_by": w,
                    "result": [
                        {
                            "from_name": "c",
                            "to_name": "text",
                            "type": "choices",
                            "value": {"choices": [str(labels[t, w])]},
                        }
                    ],
                }
                for w in range(5)
            ],
        }
        for t in range(100)
    ]
    paths = {"ls": tmp_path / "ls.json", "mturk": tmp_path / "batch.csv", "gold": tmp_path / "gold.csv"}
    paths["ls"].write_text(json.dumps(tasks))
    with paths["mturk"].open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["HITId", "WorkerId", "AssignmentStatus", "Answer.q"])
        for t in range(100):
            for w in range(5):
                writer.writerow([t + 1, f"W{w}", "Approved", str(labels[t, w])])
    with paths["gold"].open("w") as handle:
        handle.write("task,label\n" + "".join(f"{t + 1},{truth[t]}\n" for t in range(100)))
    return paths


@pytest.mark.parametrize("export", ["ls", "mturk"])
def test_text_choices_and_numeric_gold_are_the_same_labels(
    files: dict[str, Path], export: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    truth, labels = crowd()
    expected = majority_accuracy(truth, labels)
    assert expected > 0.8  # near the binomial tail 0.942 of p = 0.8, k = 5: far from 0
    source, gold = str(files[export]), str(files["gold"])
    assert main(["report", source, "--gold", gold, "--aggregator", "mv", "--format", "json"]) == 0
    overall = json.loads(capsys.readouterr().out)["overall"]
    assert overall["gold_tasks"] == 100
    assert overall["consensus_accuracy_on_gold"] == pytest.approx(expected)
    assert (
        main(["evaluate", "--answers", source, "--gold", gold, "--aggregators", "mv", "--format", "json"])
        == 0
    )
    assert json.loads(capsys.readouterr().out)["results"][0]["accuracy"] == pytest.approx(expected)
    assert main(["fit", source, "--gold", gold, "--out", str(tmp_path / f"{export}.toml")]) == 0


@pytest.mark.parametrize(
    ("gold", "message"),
    [
        ("task,label\n1,5\n2,6\n", "gold shares no label with the answers"),
        ("task,label\n1000,0\n1001,1\n", "gold shares no task with the answers"),
        ("task,label\n1,\n,1\n", "the cell is empty"),
    ],
)
@pytest.mark.parametrize("command", ["report", "evaluate", "fit"])
def test_gold_without_overlap_is_refused_not_scored(
    files: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    gold: str,
    message: str,
    command: str,
) -> None:
    path = tmp_path / "bad_gold.csv"
    path.write_text(gold)
    source = str(files["ls"])
    argv = {
        "report": ["report", source],
        "evaluate": ["evaluate", "--answers", source],
        "fit": ["fit", source, "--out", str(tmp_path / "p.toml")],
    }[command]
    assert main([*argv, "--gold", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]
    assert not (tmp_path / "p.toml").exists()
