"""What every importer returns, the duplicate-answer policy and shared input checks.

An importer turns one export file into an :class:`ImportedAnswers`: the answers table
(``task, worker, label``), optional gold (Series indexed by task, name ``label``), the label names,
and counts of what was skipped and why. Nothing here prints; progress goes through a callback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from foundation.errors import SandboxError
from sandbox.io.export_formats import DUPLICATE_POLICIES, DuplicatePolicy
from sandbox.io.values import NotAName, name_value, shown

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
        identities: worker → how the export names them to people (Label Studio's email or
            username), for the workers it names beyond their id; None when it names none.
    """

    answers: pd.DataFrame
    gold: pd.Series | None
    labels: tuple[str | int, ...]
    skipped: dict[str, int] = field(default_factory=dict)
    source_format: str = ""
    control: str | None = None
    to_name: str | None = None
    items: pd.DataFrame | None = None
    identities: pd.Series | None = None


def check_choice(value: str, allowed: Iterable[str], what: str) -> None:
    """Raise a SandboxError if ``value`` is not one of ``allowed``."""
    allowed = tuple(allowed)
    if value not in allowed:
        raise SandboxError(f"unknown {what} {value!r}; allowed: {', '.join(allowed)}")


def id_value(value: Any, where: str, what: str) -> int | str:
    """A task or worker id as read from an export, under the one rule of ids and labels
    (:mod:`sandbox.io.values`): an integer or non-empty text.

    Anything else (missing, true/false, a list or an object, an infinite number, text with a NUL
    character) is a SandboxError naming ``what`` and ``where``: a ``true`` id must not merge into
    task 1, nor a list into its text.
    """
    try:
        name = name_value(value)
    except NotAName as why:
        raise SandboxError(f"{where}: {what} {shown(value)} is not an id ({why})") from None
    if name is None:
        raise SandboxError(f"{where}: {what} {shown(value)} is not an id (it is empty)")
    return name


def label_text(value: Any, where: str) -> str:
    """A chosen label as text, under the one rule of ids and labels (:mod:`sandbox.io.values`):
    text as written (NFC, without the whitespace around it), a number in its decimal form (``1.0``
    → ``"1"``).

    Missing values, true/false, lists and objects are not labels: SandboxError naming ``where``.
    """
    try:
        name = name_value(value)
    except NotAName as why:
        raise SandboxError(f"{where}: choice {shown(value)} is not a label ({why})") from None
    if name is None:
        raise SandboxError(f"{where}: choice {shown(value)} is not a label (it is empty)")
    return str(name)


def apply_duplicate_policy(
    answers: pd.DataFrame, policy: DuplicatePolicy, skipped: dict[str, int], source: str = "answers"
) -> pd.DataFrame:
    """Resolve repeated (task, worker) answers; ``answers`` is in file (or time) order.

    - ``keep_all``: every answer counts as a separate vote (reproduces published MV figures).
    - ``keep_last``: only the last answer of each (task, worker) pair is kept.
    - ``drop_conflicting``: pairs whose answers disagree are dropped entirely; pairs that repeat
      the same label keep one copy.
    Dropped rows are counted in ``skipped`` under ``duplicate_<policy>``. SandboxError naming
    ``source`` when the policy leaves no answer.
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
    if kept.empty:
        raise SandboxError(
            f"{source}: no answers left: every (task, worker) pair answered twice disagrees with "
            "itself and --duplicates drop_conflicting drops them all; use keep_last or keep_all"
        )
    if dropped:
        skipped[f"duplicate_{policy}"] = skipped.get(f"duplicate_{policy}", 0) + dropped
    return kept.sort_index().reset_index(drop=True)
