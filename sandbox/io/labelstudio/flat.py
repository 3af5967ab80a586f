"""Label Studio's flat exports, JSON_MIN and CSV, as records: one dict per annotation (the task
``id``, its data fields, one column per labeling control, ``annotator`` and annotation metadata).

Records are kept as a list of dicts, never spread into a table: JSON_MIN records may each carry
different keys, and a table of every key would grow as records × keys. JSON_MIN is read through the
bounded reader (:mod:`sandbox.io.files.json_stream`). Which column holds an answer is the kind's
reader's business.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from foundation.errors import SandboxError
from sandbox.io.files.json_stream import iter_items
from sandbox.io.files.tables import read_csv_cells

META_COLUMNS = {
    "id",
    "annotator",
    "annotation_id",
    "created_at",
    "updated_at",
    "lead_time",
    "agreement",
    "history",
}

Record = dict[str, Any]


def read_json_min(path: Path) -> list[Record]:
    """Records of a JSON_MIN export (one dict per annotation)."""
    records = []
    for index, record in enumerate(iter_items(path, what="record")):
        if not isinstance(record, dict):
            raise SandboxError(
                f"{path}: record #{index} is not an object; expected a JSON list of records "
                "(Label Studio JSON_MIN)"
            )
        records.append(record)
    if not records:
        raise SandboxError(f"{path}: the export holds no records")
    return records


def read_ls_csv(path: Path) -> list[Record]:
    """Rows of a Label Studio CSV export as records of strings ('' for empty cells; see
    :func:`sandbox.io.files.tables.read_csv_cells`)."""
    frame = read_csv_cells(path, "export")
    if frame.empty:
        raise SandboxError(f"{path}: the export holds no rows")
    return [{str(k): v for k, v in record.items()} for record in frame.to_dict("records")]


def columns_of(records: Iterable[Record]) -> list[str]:
    """Every key of the records, in order of first appearance."""
    seen: dict[str, None] = {}
    for record in records:
        seen.update(dict.fromkeys(record))
    return list(seen)
