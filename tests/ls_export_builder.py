"""Build a Label Studio full-JSON export (the server's shape) from a long answers table.

Used to feed real crowd datasets through the Label Studio importer and the CLI.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd


def write_labelstudio_export(
    path: Path, answers: pd.DataFrame, gold: pd.Series | None = None, control: str = "label"
) -> Path:
    """Tasks keep their ids; workers become ``completed_by`` ids (integers) or objects with an
    email (other ids); gold becomes a ``ground_truth`` annotation by user 999999."""
    tasks = []
    next_id = 1
    for task, group in answers.groupby("task", sort=True):
        annotations = []
        rows = list(zip(group["worker"], group["label"], strict=True))
        if gold is not None and task in gold.index:
            rows.append((None, gold[task]))
        for worker, label in rows:
            completed_by: object
            if worker is None:
                completed_by = 999999
            elif isinstance(worker, int):
                completed_by = worker
            else:
                completed_by = {"id": str(worker), "email": f"{worker}@example.org"}
            annotations.append(
                {
                    "id": next_id,
                    "completed_by": completed_by,
                    "was_cancelled": False,
                    "ground_truth": worker is None,
                    "result": [
                        {
                            "from_name": control,
                            "to_name": "text",
                            "type": "choices",
                            "value": {"choices": [str(label)]},
                        }
                    ],
                }
            )
            next_id += 1
        tasks.append({"id": int(task), "data": {"text": f"task {task}"}, "annotations": annotations})
    path.write_text(json.dumps(tasks), encoding="utf-8")
    return path
