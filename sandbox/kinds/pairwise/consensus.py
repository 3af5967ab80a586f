"""A pairwise consensus in the shapes users take away: a ranking table, or Label Studio predictions
for the pairwise tasks (``{"type": "pairwise", "value": {"selected": "left"}}`` per task)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from sandbox.io.importers.base import ImportedAnswers

from sandbox.io.labelstudio.predictions import control_and_object, prediction_task_id


def labelstudio_pairwise_predictions(
    sides: pd.Series, *, from_name: str, to_name: str, model_version: str
) -> list[dict[str, Any]]:
    """The preferred side of each task (Series by task: ``left``/``right``; ties have no prediction)
    → Label Studio prediction objects for the ``<Pairwise>`` control ``from_name``."""
    return [
        {
            "task": prediction_task_id(task),
            "model_version": model_version,
            "result": [
                {"from_name": from_name, "to_name": to_name, "type": "pairwise", "value": {"selected": side}}
            ],
        }
        for task, side in sides.items()
        if side in ("left", "right")
    ]


def write_consensus(
    args: argparse.Namespace, imported: ImportedAnswers, aggregator: str, out: Path, output: str
) -> str:
    """``aggregate``'s output: a ranking ``item, score, rank`` (CSV), or predictions per task."""
    from sandbox.io.files.atomic import write_atomically
    from sandbox.io.files.outputs import spreadsheet_csv
    from sandbox.kinds.pairwise.aggregation import aggregate_pairs

    consensus = aggregate_pairs(aggregator, imported.answers, args.engine)
    if output == "labelstudio":
        from_name, to_name = control_and_object(imported, args.to_name, args.export)
        predictions = labelstudio_pairwise_predictions(
            consensus.labels,
            from_name=from_name,
            to_name=to_name,
            model_version=f"crowd-sandbox-{aggregator}",
        )
        write_atomically(out, json.dumps(predictions, indent=1) + "\n")
        return f"{len(predictions)} pairwise tasks"
    ranking = consensus.ranking()
    write_atomically(out, spreadsheet_csv(ranking))
    return f"{len(ranking)} items (item, score, rank)"
