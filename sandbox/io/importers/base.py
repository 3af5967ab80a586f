"""What every importer returns, the duplicate-answer policy and shared input checks.

An importer turns one export file into an :class:`ImportedAnswers`: the answers table
(``task, worker, label``), optional gold (Series indexed by task, name ``label``), the label names,
and counts of what was skipped and why. Nothing here prints; progress goes through a callback.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from foundation.errors import SandboxError
from sandbox.io.export_formats import DUPLICATE_POLICIES, DuplicatePolicy

#: ``progress(done_bytes, total_bytes)``; called now and then while a file is read.
ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class ImportedAnswers:
    """Answers read from an export.

    Attributes:
        answers: DataFrame with columns ``task, worker, label`` (one row per answer kept).
        gold: Series indexed by ``task`` (name ``label``) or ``None`` when the export has no gold.
        labels: label values, in the label config's order when one was given, else sorted.
        skipped: reason → number of answers (or tasks) left out, e.g. ``{"cancelled": 3}``.
        source_format: the format name the file was read as.
        control: the labeling control (Label Studio ``from_name``, MTurk question) read, if any.
        to_name: the object that control labels (Label Studio ``to_name``), when known.
        items: what is known of the items the answers compare (features, quality), by item, when
            a kind reads it with the export (pairwise ``--items``).
    """

    answers: pd.DataFrame
    gold: pd.Series | None
    labels: tuple[str | int, ...]
    skipped: dict[str, int] = field(default_factory=dict)
    source_format: str = ""
    control: str | None = None
    to_name: str | None = None
    items: pd.DataFrame | None = None


def check_choice(value: str, allowed: Iterable[str], what: str) -> None:
    """Raise a SandboxError if ``value`` is not one of ``allowed``."""
    allowed = tuple(allowed)
    if value not in allowed:
        raise SandboxError(f"unknown {what} {value!r}; allowed: {', '.join(allowed)}")


def id_value(value: Any, where: str, what: str) -> int | str:
    """A task or worker id as read from an export: an integer (``3``, ``3.0``) or non-empty text.

    Anything else (missing, true/false, a list or an object, a non-integral or non-finite number,
    text with a NUL character) is a SandboxError naming ``what`` and ``where``: a ``true`` id must
    not merge into task 1, nor a list into its text.
    """
    if isinstance(value, bool) or value is None or isinstance(value, list | dict):
        raise SandboxError(f"{where}: {what} {value!r} is not an id (an integer or text)")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return int(value)
        raise SandboxError(f"{where}: {what} {value!r} is not an id (an integer or text)")
    text = str(value)
    if not text.strip() or "\x00" in text:
        raise SandboxError(f"{where}: {what} {text!r} is not an id (empty, or holds a NUL character)")
    return text


def label_text(value: Any, where: str) -> str:
    """A chosen label as text: text as it is, a number as written (``1.0`` → ``"1"``).

    Missing values, true/false, lists and objects are not labels: SandboxError naming ``where``.
    """
    if isinstance(value, str):
        if not value or "\x00" in value:
            raise SandboxError(f"{where}: choice {value!r} is not a label (empty, or holds a NUL character)")
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return str(int(value)) if value.is_integer() else str(value)
    raise SandboxError(f"{where}: choice {value!r} is not a label (text or a number)")


def read_text(path: Path) -> str:
    """Read a whole UTF-8 text file, with a clear error when it is missing, empty or not UTF-8."""
    data = read_bytes(path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SandboxError(
            f"{path}: not UTF-8 text (byte {exc.start}: {data[exc.start : exc.start + 1]!r}); "
            "exports must be UTF-8 encoded"
        ) from None


def read_bytes(path: Path) -> bytes:
    """Read a file that must exist and hold something other than whitespace."""
    if not path.is_file():
        raise SandboxError(f"{path}: no such file")
    data = path.read_bytes()
    if not data.strip():
        raise SandboxError(f"{path}: the file is empty")
    return data


def apply_duplicate_policy(
    answers: pd.DataFrame, policy: DuplicatePolicy, skipped: dict[str, int]
) -> pd.DataFrame:
    """Resolve repeated (task, worker) answers; ``answers`` is in file (or time) order.

    - ``keep_all``: every answer counts as a separate vote (reproduces published MV figures).
    - ``keep_last``: only the last answer of each (task, worker) pair is kept.
    - ``drop_conflicting``: pairs whose answers disagree are dropped entirely; pairs that repeat
      the same label keep one copy.
    Dropped rows are counted in ``skipped`` under ``duplicate_<policy>``.
    """
    check_choice(policy, DUPLICATE_POLICIES, "duplicate policy")
    if policy == "keep_all" or answers.empty:
        return answers.reset_index(drop=True)
    if policy == "keep_last":
        kept = answers.drop_duplicates(["task", "worker"], keep="last")
    else:
        n_labels = answers.groupby(["task", "worker"], sort=False)["label"].transform("nunique")
        kept = answers[n_labels == 1].drop_duplicates(["task", "worker", "label"], keep="last")
    dropped = len(answers) - len(kept)
    if dropped:
        skipped[f"duplicate_{policy}"] = skipped.get(f"duplicate_{policy}", 0) + dropped
    return kept.sort_index().reset_index(drop=True)
