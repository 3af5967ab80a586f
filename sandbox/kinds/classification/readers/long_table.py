"""Generic long tables: CSV or Parquet with columns ``task, worker, label`` (crowd-kit's format).

Read and validated by the project's own table reader (:mod:`sandbox.io.files.tables`); extra columns are
ignored, except an optional ``seconds`` column (each answer's working time, see
:mod:`sandbox.io.answer_times`), and CSV values keep pandas' type inference (integer ids stay integers).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sandbox.io.answer_times import SECONDS
from sandbox.io.files.tables import read_table
from sandbox.kinds.classification.answers import ANSWER_COLUMNS, validate_answers


def read_long(path: Path) -> pd.DataFrame:
    """Read a long answers table (CSV or Parquet) → DataFrame with ``task, worker, label`` (+
    ``seconds``)."""
    return validate_answers(read_table(path, "answers", (*ANSWER_COLUMNS, SECONDS)), str(path))
