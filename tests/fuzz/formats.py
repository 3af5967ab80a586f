"""The same answers written in every export format a reader takes, for the property tests of the
one rule of ids and labels (``sandbox/io/values.py``): whatever the format, a cell must be read as
the rule says, independent of the other rows.

A cell is given as a Python ``int`` (a number where the format has numbers: JSON, Parquet) or text;
CSV writes both as text. :func:`rule` is the README's rule written again, independently of the code
it checks."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

Cell = int | str
Row = tuple[Cell, Cell, Cell]  # task, worker, label
_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)", re.ASCII)


def rule(cell: Cell) -> int | str | None:
    """What the README says a cell is: an int (within 64 bits), text (NFC, stripped), or None (empty)."""
    if isinstance(cell, int):
        return cell if -(2**63) <= cell < 2**63 else str(cell)
    text = unicodedata.normalize("NFC", cell).strip()
    if not text:
        return None
    if _INTEGER.fullmatch(text) and -(2**63) <= int(text) < 2**63:
        return int(text)
    return text


def key(value: Any) -> str:
    """A value read (an int, numpy int or text) and a value of :func:`rule` compared as text: within
    a column the rule never leaves text that reads as an integer, so text and ints never collide."""
    return str(int(value)) if not isinstance(value, str) else value


def _csv(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
    writer.writerow(header)
    writer.writerows([[str(c) for c in row] for row in rows])
    return buffer.getvalue().encode("utf-8", "surrogatepass")


def long_csv(rows: Sequence[Row]) -> tuple[str, bytes, dict[str, Any]]:
    return ".csv", _csv(["task", "worker", "label"], rows), {}


def long_parquet(rows: Sequence[Row]) -> tuple[str, bytes, dict[str, Any]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = {}
    for position, name in enumerate(("task", "worker", "label")):
        cells = [row[position] for row in rows]
        if all(isinstance(c, int) and -(2**63) <= c < 2**63 for c in cells):
            columns[name] = pa.array(cells, pa.int64())
        elif all(isinstance(c, int) and 0 <= c < 2**64 for c in cells):
            columns[name] = pa.array(cells, pa.uint64())
        else:
            columns[name] = pa.array([str(c) for c in cells], pa.string())
    sink = pa.BufferOutputStream()
    pq.write_table(pa.table(columns), sink)
    return ".parquet", sink.getvalue().to_pybytes(), {}


def mturk(rows: Sequence[Row]) -> tuple[str, bytes, dict[str, Any]]:
    header = ["HITId", "WorkerId", "AssignmentStatus", "Answer.q"]
    return ".csv", _csv(header, [(t, w, "Approved", label) for t, w, label in rows]), {}


def ls_csv(rows: Sequence[Row]) -> tuple[str, bytes, dict[str, Any]]:
    body = [(t, w, label, n) for n, (t, w, label) in enumerate(rows)]
    return ".csv", _csv(["id", "annotator", "c", "annotation_id"], body), {"from_name": "c"}


def ls_json_min(rows: Sequence[Row]) -> tuple[str, bytes, dict[str, Any]]:
    records = [
        {"id": t, "annotator": w, "c": label, "annotation_id": n} for n, (t, w, label) in enumerate(rows)
    ]
    return ".json", json.dumps(records).encode("utf-8", "surrogatepass"), {"from_name": "c"}


def ls_json(rows: Sequence[Row]) -> tuple[str, bytes, dict[str, Any]]:
    tasks = [
        {
            "id": t,
            "data": {"text": "x"},
            "annotations": [
                {
                    "completed_by": w,
                    "result": [{"from_name": "c", "type": "choices", "value": {"choices": [label]}}],
                }
            ],
        }
        for t, w, label in rows
    ]
    return ".json", json.dumps(tasks).encode("utf-8", "surrogatepass"), {}


#: Every classification format: name → writer of (suffix, bytes, reader options).
CLASSIFICATION: dict[str, Callable[[Sequence[Row]], tuple[str, bytes, dict[str, Any]]]] = {
    "long_csv": long_csv,
    "long_parquet": long_parquet,
    "mturk": mturk,
    "labelstudio_csv": ls_csv,
    "labelstudio_json_min": ls_json_min,
    "labelstudio_json": ls_json,
}
#: The format name the reader is told (the CSV flavours look alike to detection on odd headers).
FORMAT_NAMES = {
    "long_csv": "long",
    "long_parquet": "long",
    "mturk": "mturk",
    "labelstudio_csv": "labelstudio_csv",
    "labelstudio_json_min": "labelstudio_json_min",
    "labelstudio_json": "labelstudio_json",
}


def pairwise_long(rows: Sequence[tuple[Cell, Cell, Cell, str]]) -> bytes:
    """``worker, left, right, label`` rows (label: ``left``/``right``/``tie`` becomes the item or tie)."""
    body = [(w, a, b, {"left": a, "right": b}.get(side, "tie")) for w, a, b, side in rows]
    return _csv(["worker", "left", "right", "label"], body)


def write(folder: Path, name: str, rows: Sequence[Row]) -> tuple[Path, dict[str, Any]]:
    """``rows`` written as format ``name`` in ``folder``: the file and the reader's options."""
    suffix, data, options = CLASSIFICATION[name](rows)
    path = folder / f"export-{name}{suffix}"
    path.write_bytes(data)
    return path, {"format": FORMAT_NAMES[name], **options}


def as_frame(rows: Sequence[Row]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["task", "worker", "label"])
