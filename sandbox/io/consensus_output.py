"""Consensus in the shapes users take away: a table, or Label Studio predictions.

Label Studio predictions are the list accepted by the project's "import predictions" API
(``POST /api/projects/{id}/import/predictions``, label-studio-sdk's
``projects.import_predictions``): one object per task with ``task`` (the Label Studio task id),
``model_version``, ``score`` (the consensus confidence) and a ``choices`` ``result``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from foundation.errors import SandboxError


def consensus_table(labels: pd.Series, probas: pd.DataFrame | None) -> pd.DataFrame:
    """Consensus labels (Series by task) and posteriors (task × label, optional) →
    DataFrame with columns ``task, label, confidence`` (confidence NaN without posteriors)."""
    confidence = (
        probas.max(axis=1).reindex(labels.index)
        if probas is not None
        else pd.Series(np.nan, index=labels.index)
    )
    return pd.DataFrame(
        {
            "task": labels.index.to_numpy(),
            "label": labels.to_numpy(),
            "confidence": confidence.to_numpy(dtype=float),
        }
    )


def _task_id(task: Any) -> int:
    if isinstance(task, bool):
        raise SandboxError(f"task {task!r} is not a Label Studio task id")
    if isinstance(task, int | np.integer):
        return int(task)
    if isinstance(task, str) and task.isdigit():
        return int(task)
    if isinstance(task, float) and task.is_integer():
        return int(task)
    raise SandboxError(
        f"task {task!r} is not a Label Studio task id; predictions need the export's own task ids "
        "(read the export without a task field)"
    )


def labelstudio_predictions(
    table: pd.DataFrame, *, from_name: str, to_name: str, model_version: str
) -> list[dict[str, Any]]:
    """``task, label, confidence`` rows → Label Studio prediction objects (see module docstring)."""
    predictions = []
    for task, label, confidence in table[["task", "label", "confidence"]].itertuples(index=False):
        prediction: dict[str, Any] = {
            "task": _task_id(task),
            "model_version": model_version,
            "result": [
                {
                    "from_name": from_name,
                    "to_name": to_name,
                    "type": "choices",
                    "value": {"choices": [str(label)]},
                }
            ],
        }
        if not np.isnan(confidence):
            prediction["score"] = round(float(confidence), 6)
        predictions.append(prediction)
    return predictions
