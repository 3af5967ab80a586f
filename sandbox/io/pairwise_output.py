"""A pairwise consensus in the shapes users take away: a ranking table, or Label Studio predictions
for the pairwise tasks (``{"type": "pairwise", "value": {"selected": "left"}}`` per task)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from sandbox.io.consensus_output import _task_id


def labelstudio_pairwise_predictions(
    sides: pd.Series, *, from_name: str, to_name: str, model_version: str
) -> list[dict[str, Any]]:
    """The preferred side of each task (Series by task: ``left``/``right``; ties have no prediction)
    → Label Studio prediction objects for the ``<Pairwise>`` control ``from_name``."""
    return [
        {
            "task": _task_id(task),
            "model_version": model_version,
            "result": [
                {"from_name": from_name, "to_name": to_name, "type": "pairwise", "value": {"selected": side}}
            ],
        }
        for task, side in sides.items()
        if side in ("left", "right")
    ]
