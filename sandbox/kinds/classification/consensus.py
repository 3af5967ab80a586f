"""A classification consensus in the shapes users take away: a ``task, label, confidence`` table
(CSV), or Label Studio predictions (a ``choices`` result per task, the confidence as ``score``; see
:mod:`sandbox.io.labelstudio.predictions`)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from sandbox.io.importers.base import ImportedAnswers

from sandbox.io.labelstudio.predictions import control_and_object, prediction_task_id


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


def labelstudio_predictions(
    table: pd.DataFrame, *, from_name: str, to_name: str, model_version: str
) -> list[dict[str, Any]]:
    """``task, label, confidence`` rows → Label Studio prediction objects (see module docstring)."""
    predictions = []
    for task, label, confidence in table[["task", "label", "confidence"]].itertuples(index=False):
        prediction: dict[str, Any] = {
            "task": prediction_task_id(task),
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


def write_consensus(
    args: argparse.Namespace, imported: ImportedAnswers, aggregator: str, out: Path, output: str
) -> str:
    """``aggregate``'s output: the ``aggregator`` consensus of the export as CSV or predictions."""
    from sandbox.aggregation.ties import TieBreak
    from sandbox.io.files.atomic import write_atomically
    from sandbox.io.files.outputs import spreadsheet_csv
    from sandbox.kinds.classification.aggregation import aggregate

    consensus = aggregate(aggregator, imported.answers, args.engine, ties=TieBreak(args.ties, args.seed))
    table = consensus_table(consensus.labels, consensus.probas)
    if output == "labelstudio":
        from_name, to_name = control_and_object(imported, args.to_name, args.export)
        predictions = labelstudio_predictions(
            table, from_name=from_name, to_name=to_name, model_version=f"crowd-sandbox-{aggregator}"
        )
        write_atomically(out, json.dumps(predictions, indent=1) + "\n")
    else:
        write_atomically(out, spreadsheet_csv(table))
    return f"{len(table)} tasks"
