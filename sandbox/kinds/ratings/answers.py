"""The ratings answers table where it enters the engine, its scale, and ratings gold.

Contract: columns ``task, worker, label`` and an optional ``seconds``; ``label`` is the rating, a
finite number (float) on the table's scale; ``seconds`` the time the answer took (a finite number
>= 0; empty where unknown); ``task`` and ``worker`` have one value type each (integers when every
id is an integer, text otherwise); at least one row and no empty task, worker or label.

The scale travels with the table (``answers.attrs["scale"]``, set where answers enter): the scale
declared with ``--scale`` or by the export (a Label Studio ``<Rating maxRating>``), else the answers'
own: the integer points from the lowest to the highest rating when every rating is an integer, the
range between them otherwise.

Gold is a ``task, score`` table (``label`` is read when there is no ``score``): the expert's score of
each task on the same scale.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from annotators.archetypes.ratings import Scale
from foundation.errors import SandboxError
from sandbox.io.files.tables import read_table, require_columns
from sandbox.io.importers.base import ImportedAnswers
from sandbox.io.values import in_type_of, one_type
from sandbox.kinds.base import RealAnswers
from sandbox.kinds.ratings.kind import KIND

ANSWER_COLUMNS = ("task", "worker", "label")
SECONDS = "seconds"
#: Where a ratings answers table carries its scale (``DataFrame.attrs``).
SCALE_ATTR = "scale"


def _numbers(values: pd.Series, what: str, source: str) -> NDArray[np.float64]:
    """``values`` as finite floats; SandboxError naming the first row that is not a number."""
    if pd.api.types.is_bool_dtype(values):
        raise SandboxError(f"{source}: {what} must be numbers, not true/false")
    numbers = pd.to_numeric(values, errors="coerce")
    bad = ~np.isfinite(numbers.to_numpy(dtype=float))
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise SandboxError(f"{source}: row {row + 1} has {what} {values.iloc[row]!r}, not a finite number")
    return numbers.to_numpy(dtype=float)


def infer_scale(labels: NDArray[np.float64]) -> Scale:
    """The answers' own scale (module docstring); a single distinct rating r gives r .. r + 1."""
    low, high = float(labels.min()), float(labels.max())
    integer = bool(np.all(labels == np.floor(labels)))
    if high == low:
        high = low + 1.0
    try:
        return Scale.checked(low, high, integer)
    except SandboxError:  # too many points for an integer scale: the range
        return Scale.checked(low, high, False)


def scale_of(answers: pd.DataFrame) -> Scale:
    """The scale of a ratings answers table (its ``attrs``, else the answers' own)."""
    text = answers.attrs.get(SCALE_ATTR)
    if isinstance(text, str):
        return Scale.parse(text)
    return infer_scale(answers["label"].to_numpy(dtype=float))


def with_scale(answers: pd.DataFrame, scale: Scale) -> pd.DataFrame:
    """``answers`` carrying ``scale``."""
    answers.attrs[SCALE_ATTR] = str(scale)
    return answers


def validate_ratings_answers(table: pd.DataFrame, source: str, scale: Scale | None = None) -> pd.DataFrame:
    """The ratings answers contract (module docstring), on ``scale`` when given (else the table's own
    ``attrs`` scale, else the answers' own); SandboxError naming ``source`` and the first bad row."""
    require_columns(table, ANSWER_COLUMNS, source)
    columns = [*ANSWER_COLUMNS, *([SECONDS] if SECONDS in table.columns else [])]
    answers = table[columns].reset_index(drop=True)
    if answers.empty:
        raise SandboxError(f"{source}: no answers")
    empty = answers[list(ANSWER_COLUMNS)].isna().any(axis=1)
    if empty.any():
        row = int(np.flatnonzero(empty.to_numpy())[0])
        raise SandboxError(f"{source}: row {row + 1} has an empty task, worker or rating")
    labels = _numbers(answers["label"], "rating", source)
    if scale is None and isinstance(table.attrs.get(SCALE_ATTR), str):
        scale = Scale.parse(table.attrs[SCALE_ATTR])
    scale = scale or infer_scale(labels)
    off = ~scale.contains(labels)
    if off.any():
        row = int(np.flatnonzero(off)[0])
        raise SandboxError(
            f"{source}: row {row + 1} has rating {labels[row]:g}, not on the scale {scale} "
            "(declare the scale with --scale)"
        )
    frame = pd.DataFrame(
        {
            "task": one_type(answers["task"], source),
            "worker": one_type(answers["worker"], source),
            "label": labels,
        }
    )
    if SECONDS in answers.columns:
        frame[SECONDS] = seconds_column(answers[SECONDS], source)
    return with_scale(frame, scale)


def seconds_column(values: pd.Series, source: str) -> NDArray[np.float64]:
    """Times per answer: finite numbers >= 0, NaN where empty; SandboxError naming the first bad row."""
    numbers = pd.to_numeric(values.replace("", np.nan), errors="coerce").to_numpy(dtype=float)
    given = values.notna().to_numpy() & (values.astype(str).str.strip() != "").to_numpy()
    bad = given & ~(np.isfinite(numbers) & (numbers >= 0))
    if bad.any() or pd.api.types.is_bool_dtype(values):
        row = int(np.flatnonzero(bad)[0]) if bad.any() else 0
        raise SandboxError(
            f"{source}: row {row + 1} has seconds {values.iloc[row]!r}; allowed: a number >= 0 (or empty)"
        )
    return np.where(given, numbers, np.nan)


def read_ratings_gold(path: str | Path, answers: pd.DataFrame, scale: Scale) -> pd.Series:
    """Gold scores (Series task → float) from a ``task, score`` (or ``task, label``) file, in the
    answers' task type; SandboxError for a score that is not a number on ``scale``, a task given twice,
    or gold sharing no task with the answers."""
    source = str(path)
    table = read_table(path, "gold")
    column = "score" if "score" in table.columns else "label"
    require_columns(table, ("task", column), source)
    if table["task"].isna().any():
        raise SandboxError(f"{source}: row {int(np.flatnonzero(table['task'].isna())[0]) + 2} has no task")
    scores = _numbers(table[column], f"gold {column}", source)
    tasks = in_type_of(one_type(table["task"], source).reset_index(drop=True), answers["task"])
    gold = pd.Series(scores, index=pd.Index(tasks.to_numpy(), name="task"), name="score")
    return checked_gold(gold, answers, scale, source)


def checked_gold(gold: pd.Series, answers: pd.DataFrame, scale: Scale, source: str) -> pd.Series:
    """``gold`` (task → score) checked: one score per task, each within ``scale``'s range, and at least
    one task shared with the answers."""
    if gold.index.duplicated().any():
        raise SandboxError(
            f"{source}: task {gold.index[gold.index.duplicated()][0]!r} has more than one score"
        )
    values = gold.to_numpy(dtype=float)
    outside = (values < scale.low) | (values > scale.high)
    if outside.any():
        raise SandboxError(
            f"{source}: task {gold.index[outside][0]!r} has gold score {values[outside][0]:g}, outside the "
            f"scale {scale}"
        )
    if not gold.index.isin(answers["task"]).any():
        raise SandboxError(f"{source}: gold shares no task with the answers")
    return gold.astype(float)


def real_answers(
    imported: ImportedAnswers, path: str | Path, gold_path: str | Path | None, scale: Scale | None = None
) -> RealAnswers:
    """Ratings read from an export and what they are scored against: gold scores from ``gold_path``,
    else the export's own ground truth, else none (a dataset of the rated items, scores unknown)."""
    from sandbox.kinds.ratings.dataset import RatingsDataset

    answers = imported.answers
    scale = scale or scale_of(answers)
    gold = ratings_gold(imported, gold_path, scale, str(path))
    tasks = pd.Index(pd.unique(answers["task"]), name="task")
    scores = pd.Series(np.nan, index=tasks, name="score")
    if gold is not None:
        scores = gold.reindex(tasks)
    grid = scale.grid()
    dataset = RatingsDataset(
        name=Path(path).stem,
        description=f"real ratings of {path}",
        truth=pd.Series([], dtype="int64", name="label", index=pd.Index([], name="task")),
        classes=tuple(float(v) for v in grid),
        scale=scale,
        scores=scores,
    )
    gold_scores = scores.dropna()
    return RealAnswers(Path(path).stem, answers, gold_scores, dataset, gold_size=len(gold_scores), kind=KIND)


def ratings_gold(
    imported: ImportedAnswers, gold_path: str | Path | None, scale: Scale, source: str
) -> pd.Series | None:
    """Gold scores by task: ``gold_path`` wins over the export's own ground truth; None without either."""
    if gold_path is not None:
        return read_ratings_gold(gold_path, imported.answers, scale)
    if imported.gold is not None and len(imported.gold):
        gold = imported.gold.astype(float)
        gold.index = pd.Index(
            in_type_of(gold.index.to_series(), imported.answers["task"]).to_numpy(), name="task"
        )
        return checked_gold(gold.rename("score"), imported.answers, scale, f"{source} (its ground truth)")
    return None
