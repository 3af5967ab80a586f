"""The pairwise answers table where it enters the engine, and pairwise gold.

Contract: columns ``task, worker, left, right, label``; ``left``/``right`` name the two items
compared (one value type shared by both: integers when every id is an integer, text otherwise);
``label`` is the side chosen: ``left``, ``right`` or ``tie`` (read case-insensitively); an item is
never compared with itself; at least one row and no empty cell. ``task`` is the platform's task (one
shown pair); any value type.

Gold for pairwise answers is either item scores (``item, score``: the true quality, higher = better)
or gold pairs (``left, right, label`` with the label naming the better item, or ``tie``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from foundation.errors import SandboxError
from sandbox.io.answers import _like as in_type_of
from sandbox.io.answers import one_type
from sandbox.io.files.tables import read_table, require_columns

PAIRWISE_COLUMNS = ("task", "worker", "left", "right", "label")
SIDES = ("left", "right", "tie")
TIE_LABEL = "tie"


def items_of_one_type(left: pd.Series, right: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``left`` and ``right`` with one shared value type (see :func:`sandbox.io.answers.one_type`)."""
    both = one_type(pd.concat([left, right], ignore_index=True))
    n = len(left)
    return (
        pd.Series(both.iloc[:n].to_numpy(), index=left.index, name="left"),
        pd.Series(both.iloc[n:].to_numpy(), index=right.index, name="right"),
    )


def validate_pairwise_answers(table: pd.DataFrame, source: str) -> pd.DataFrame:
    """The pairwise answers contract (see the module docstring); SandboxError naming ``source``
    and the first bad row otherwise. Returns a new frame with a fresh index."""
    require_columns(table, PAIRWISE_COLUMNS, source)
    answers = table[list(PAIRWISE_COLUMNS)].reset_index(drop=True)
    if answers.empty:
        raise SandboxError(f"{source}: no answers")
    empty = answers.isna().any(axis=1) | (answers.astype(str).apply(lambda c: c.str.strip()) == "").any(
        axis=1
    )
    if empty.any():
        row = int(np.flatnonzero(empty.to_numpy())[0])
        raise SandboxError(f"{source}: row {row + 1} has an empty task, worker, left, right or label")
    labels = answers["label"].astype(str).str.strip().str.lower()
    bad = ~labels.isin(SIDES)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise SandboxError(
            f"{source}: row {row + 1} has label {answers['label'].iloc[row]!r}; allowed: {', '.join(SIDES)}"
        )
    left, right = items_of_one_type(answers["left"], answers["right"])
    same = (left == right).to_numpy()
    if same.any():
        row = int(np.flatnonzero(same)[0])
        raise SandboxError(f"{source}: row {row + 1} compares item {left.iloc[row]!r} with itself")
    return pd.DataFrame(
        {
            "task": one_type(answers["task"]),
            "worker": one_type(answers["worker"]),
            "left": left,
            "right": right,
            "label": labels.astype(object),
        }
    )


@dataclass(frozen=True)
class PairwiseGold:
    """Gold for pairwise answers: ``scores`` (Series by item) or ``pairs`` (``left, right, label``
    with label ``left``/``right``/``tie``), exactly one of them."""

    scores: pd.Series | None = None
    pairs: pd.DataFrame | None = None


def read_pairwise_gold(path: str | Path, answers: pd.DataFrame) -> PairwiseGold:
    """Gold from ``item, score`` or ``left, right, label`` (label = the better item's id, or ``tie``),
    with item ids in the answers' value type; SandboxError when it shares no item with the answers."""
    source = str(path)
    table = read_table(path, "gold")
    items = pd.concat([answers["left"], answers["right"]]).unique()
    if {"item", "score"} <= set(table.columns):
        frame = table[["item", "score"]]
        if frame["item"].isna().any() or frame["item"].duplicated().any():
            raise SandboxError(f"{source}: every item needs one row (empty or repeated item)")
        scores = pd.to_numeric(frame["score"], errors="coerce")
        if not np.isfinite(scores.to_numpy(dtype=float)).all():
            raise SandboxError(f"{source}: every score must be a number")
        ids, _ = items_of_one_type(frame["item"], answers["left"].iloc[:1])
        gold = pd.Series(
            scores.to_numpy(dtype=float), index=pd.Index(_like(ids, answers), name="item"), name="score"
        )
        if not gold.index.isin(items).any():
            raise SandboxError(f"{source}: gold shares no item with the answers")
        return PairwiseGold(scores=gold)
    require_columns(table, ("left", "right", "label"), source)
    pairs = table[["left", "right", "label"]].dropna()
    if pairs.empty:
        raise SandboxError(f"{source}: no gold pairs")
    left = _like(pairs["left"], answers)
    right = _like(pairs["right"], answers)
    winner = _like(pairs["label"], answers)
    sides = np.where(
        winner == left,
        "left",
        np.where(
            winner == right, "right", np.where(pairs["label"].astype(str).str.lower() == TIE_LABEL, "tie", "")
        ),
    )
    if (sides == "").any():
        row = int(np.flatnonzero(sides == "")[0])
        raise SandboxError(
            f"{source}: gold row {row + 2} has label {pairs['label'].iloc[row]!r}; it must be the left or "
            "the right item of its row, or tie"
        )
    gold_pairs = pd.DataFrame({"left": left.to_numpy(), "right": right.to_numpy(), "label": sides})
    if not (gold_pairs["left"].isin(items) & gold_pairs["right"].isin(items)).any():
        raise SandboxError(f"{source}: no gold pair compares two items of the answers")
    return PairwiseGold(pairs=gold_pairs)


def _like(values: pd.Series, answers: pd.DataFrame) -> pd.Series:
    """Item ids in the answers' item value type (integers where they can be, else text)."""
    return in_type_of(values.reset_index(drop=True), answers["left"])
