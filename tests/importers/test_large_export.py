"""A 50 MB Label Studio export is read as a stream, with progress reported along the way."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from sandbox.cli.main import main
from sandbox.kinds.classification.readers import load_answers

LABELS = ["pos", "neg", "neutral"]


def write_export(path: Path, n_tasks: int, per_task: int) -> int:
    """Write a full JSON export with ``n_tasks × per_task`` answers; return the answer count."""
    with path.open("w", encoding="utf-8") as f:
        f.write("[")
        for task in range(n_tasks):
            annotations = [
                {
                    "id": task * per_task + j,
                    "completed_by": {"id": (task + j) % 500, "email": f"u{(task + j) % 500}@x.org"},
                    "was_cancelled": False,
                    "ground_truth": False,
                    "created_at": "2024-01-01T10:00:00.000000Z",
                    "lead_time": 12.5,
                    "result": [
                        {
                            "id": f"r{task}-{j}",
                            "type": "choices",
                            "from_name": "sentiment",
                            "to_name": "text",
                            "origin": "manual",
                            "value": {"choices": [LABELS[(task * 7 + j) % 3]]},
                        }
                    ],
                }
                for j in range(per_task)
            ]
            text = "lorem ipsum dolor sit amet " * 8
            task_json = {"id": task, "data": {"text": text}, "annotations": annotations}
            f.write(("," if task else "") + json.dumps(task_json))
        f.write("]")
    return n_tasks * per_task


def test_fifty_megabyte_export_streams_with_progress(tmp_path: Path) -> None:
    path = tmp_path / "large.json"
    n_answers = write_export(path, n_tasks=27_000, per_task=5)
    size = path.stat().st_size
    assert size > 50_000_000
    calls: list[tuple[int, int]] = []
    result = load_answers(path, progress=lambda done, total: calls.append((done, total)))
    assert len(result.answers) == n_answers
    assert result.answers["worker"].nunique() == 500
    # about one report per MiB, ending at the full size
    assert len(calls) >= 45
    assert calls[-1] == (size, size)
    assert all(a[0] <= b[0] for a, b in itertools.pairwise(calls))


def test_cli_shows_progress_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "large.json"
    write_export(path, n_tasks=5_000, per_task=5)  # about 9.5 MB: above the 8 MB threshold
    out = tmp_path / "consensus.csv"
    assert main(["aggregate", str(path), "--aggregator", "mv", "--out", str(out)]) == 0
    progress = [line for line in capsys.readouterr().err.splitlines() if line.startswith("reading")]
    assert len(progress) >= 5
    assert progress[-1].endswith(f"{path.stat().st_size / 1e6:.1f} / {path.stat().st_size / 1e6:.1f} MB")
