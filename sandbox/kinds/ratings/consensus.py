"""A ratings consensus in the shapes users take away: a table of scores per item (CSV), or Label
Studio predictions of the rating control (``{"type": "rating", "value": {"rating": 4}}`` — the
score rounded to the nearest point — or ``{"type": "number", "value": {"number": 37.2}}``)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sandbox.io.labelstudio.predictions import control_and_object, prediction_task_id

if TYPE_CHECKING:
    from sandbox.io.importers.base import ImportedAnswers


def consensus_table(scores: pd.Series, answers: pd.DataFrame) -> pd.DataFrame:
    """``task, score, answers, sd``: each item's aggregated score, its number of ratings and their sd."""
    by_task = answers.groupby("task")["label"]
    frame = pd.DataFrame(
        {
            "score": scores,
            "answers": by_task.size().reindex(scores.index),
            "sd": by_task.std(ddof=0).reindex(scores.index),
        }
    )
    return frame.rename_axis("task").reset_index()


def labelstudio_rating_predictions(
    scores: pd.Series,
    *,
    from_name: str,
    to_name: str,
    control_type: str,
    low: float,
    high: float,
    model_version: str,
) -> list[dict[str, Any]]:
    """Scores by task → Label Studio prediction objects for the ``<Rating>`` (nearest point, within
    the scale) or ``<Number>`` control ``from_name``."""
    predictions = []
    for task, score in scores.items():
        value: dict[str, Any]
        if control_type == "number":
            value = {"number": float(score)}
        else:
            value = {"rating": int(np.clip(np.floor(float(score) + 0.5), low, high))}
        predictions.append(
            {
                "task": prediction_task_id(task),
                "model_version": model_version,
                "result": [
                    {"from_name": from_name, "to_name": to_name, "type": control_type, "value": value}
                ],
            }
        )
    return predictions


def write_consensus(
    args: argparse.Namespace, imported: ImportedAnswers, aggregator: str, out: Path, output: str
) -> str:
    """``aggregate``'s output: ``task, score, answers, sd`` (CSV), or predictions per task."""
    from sandbox.io.files.atomic import write_atomically
    from sandbox.io.files.outputs import spreadsheet_csv
    from sandbox.kinds.ratings.aggregation import aggregate_ratings
    from sandbox.kinds.ratings.answers import scale_of
    from sandbox.kinds.ratings.readers import CONTROL_TYPE_ATTR

    answers = imported.answers
    consensus = aggregate_ratings(aggregator, answers, args.engine)
    if output == "labelstudio":
        from_name, to_name = control_and_object(imported, args.to_name, args.export)
        scale = scale_of(answers)
        predictions = labelstudio_rating_predictions(
            consensus.scores,
            from_name=from_name,
            to_name=to_name,
            control_type=str(answers.attrs.get(CONTROL_TYPE_ATTR, "rating")),
            low=scale.low,
            high=scale.high,
            model_version=f"crowd-sandbox-{aggregator}",
        )
        write_atomically(out, json.dumps(predictions, indent=1) + "\n")
        return f"{len(predictions)} rated tasks"
    table = consensus_table(consensus.scores, answers)
    write_atomically(out, spreadsheet_csv(table))
    return f"{len(table)} items (task, score, answers, sd)"
