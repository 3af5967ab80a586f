"""The pairwise answers table where it enters the engine, and pairwise gold.

Contract: columns ``task, worker, left, right, label``; ``left``/``right`` name the two items
compared (one value type shared by both: integers when every id is an integer, text otherwise);
``label`` is the side chosen: ``left``, ``right`` or ``tie`` (read case-insensitively); an item is
never compared with itself; at least one row and no empty cell. ``task`` is the platform's task (one
shown pair); any value type. An optional ``seconds`` column holds each answer's working time (the
contract of :mod:`sandbox.io.answer_times`).

Gold for pairwise answers is either item scores (``item, score``: the true quality, higher = better)
or gold pairs (``left, right, label`` with the label naming the better item, or ``tie``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from foundation.errors import SandboxError
from sandbox.io.answer_times import SECONDS, seconds_column, with_seconds
from sandbox.io.files.tables import numbers, read_table, require_columns
from sandbox.io.importers.base import ImportedAnswers
from sandbox.io.values import in_type_of, one_type
from sandbox.kinds.base import RealAnswers
from sandbox.kinds.pairwise.dataset import PairwiseDataset
from sandbox.kinds.pairwise.kind import KIND

PAIRWISE_COLUMNS = ("task", "worker", "left", "right", "label")
SIDES = ("left", "right", "tie")
TIE_LABEL = "tie"


def items_of_one_type(
    left: pd.Series, right: pd.Series, source: str = "answers"
) -> tuple[pd.Series, pd.Series]:
    """``left`` and ``right`` under the one rule of ids, with one shared value type (see
    :func:`sandbox.io.values.one_type`); SandboxError naming ``source`` for an empty cell."""
    both = one_type(pd.concat([left, right], ignore_index=True).rename("left or right"), source)
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
    left, right = items_of_one_type(answers["left"], answers["right"], source)
    same = (left == right).to_numpy()
    if same.any():
        row = int(np.flatnonzero(same)[0])
        raise SandboxError(f"{source}: row {row + 1} compares item {left.iloc[row]!r} with itself")
    checked = pd.DataFrame(
        {
            "task": one_type(answers["task"], source),
            "worker": one_type(answers["worker"], source),
            "left": left,
            "right": right,
            "label": labels.astype(object),
        }
    )
    times = seconds_column(table[SECONDS].reset_index(drop=True), source) if SECONDS in table else None
    return with_seconds(checked, times)


@dataclass(frozen=True)
class PairwiseGold:
    """Gold for pairwise answers: ``scores`` (Series by item) or ``pairs`` (``left, right, label``
    with label ``left``/``right``/``tie``), exactly one of them."""

    scores: pd.Series | None = None
    pairs: pd.DataFrame | None = None


def read_pairwise_gold(path: str | Path, answers: pd.DataFrame, what: str = "gold") -> PairwiseGold:
    """Gold from ``item, score`` or ``left, right, label`` (label = the better item's id, or ``tie``),
    with item ids in the answers' value type; SandboxError when it shares no item with the answers.
    ``what``: what the file is called in messages (a reference model's preferences are read alike)."""
    source = str(path)
    table = read_table(path, what)
    items = pd.concat([answers["left"], answers["right"]]).unique()
    if {"item", "score"} <= set(table.columns):
        frame = table[["item", "score"]].reset_index(drop=True)
        ids = _like(frame["item"], answers, source)
        if ids.duplicated().any():
            raise SandboxError(f"{source}: item {ids[ids.duplicated()].iloc[0]!r} has more than one row")
        scores = numbers(frame["score"], source, "score")
        gold = pd.Series(scores.to_numpy(dtype=float), index=pd.Index(ids, name="item"), name="score")
        if not gold.index.isin(items).any():
            raise SandboxError(f"{source}: {what} shares no item with the answers")
        return PairwiseGold(scores=gold)
    require_columns(table, ("left", "right", "label"), source)
    pairs = table[["left", "right", "label"]].reset_index(drop=True)
    left = _like(pairs["left"], answers, source)
    right = _like(pairs["right"], answers, source)
    winner = _like(pairs["label"], answers, source)
    tie = winner.map(lambda v: str(v).lower() == TIE_LABEL).to_numpy(dtype=bool)
    sides = np.where(winner == left, "left", np.where(winner == right, "right", np.where(tie, "tie", "")))
    if (sides == "").any():
        row = int(np.flatnonzero(sides == "")[0])
        raise SandboxError(
            f"{source}: {what} row {row + 2} has label {winner.iloc[row]!r}; it must be the left or "
            "the right item of its row, or tie"
        )
    gold_pairs = pd.DataFrame({"left": left.to_numpy(), "right": right.to_numpy(), "label": sides})
    if not (gold_pairs["left"].isin(items) & gold_pairs["right"].isin(items)).any():
        raise SandboxError(f"{source}: no {what} pair compares two items of the answers")
    return PairwiseGold(pairs=gold_pairs)


def _like(values: pd.Series, answers: pd.DataFrame, source: str = "gold") -> pd.Series:
    """Item ids under the one rule of ids, in the answers' item value type (integers where they can
    be, else text); SandboxError naming ``source`` for an empty cell."""
    return in_type_of(values.reset_index(drop=True), answers["left"], source)


def real_answers(imported: ImportedAnswers, path: str | Path, gold_path: str | Path | None) -> RealAnswers:
    """Pairwise answers and what they are scored against: the items they compare (with the numeric
    features of ``--items``, which a reward model then learns from), with true scores from a gold
    ``item, score`` file or the items file's ``score``, or gold pairs (a ``left, right, label`` file,
    else the export's own ground truth by task). With item scores, the gold pairs are the distinct
    answered pairs (either way round, counted once)."""
    answers = imported.answers
    items = pd.Index(
        pd.unique(pd.concat([answers["left"], answers["right"]], ignore_index=True)), name="item"
    )
    scores = pd.Series(float("nan"), index=items, name="score")
    gold_pairs = pd.DataFrame({"left": [], "right": [], "label": []})
    known = imported.items
    gold = read_pairwise_gold(gold_path, answers) if gold_path is not None else None
    given_scores = gold.scores if gold is not None else None
    if given_scores is None and gold is None and known is not None and "score" in known.columns:
        given_scores = known["score"]
    if given_scores is not None:
        scores = given_scores.reindex(items)
        gold_pairs = _pairs_from_scores(answers, scores)
    elif gold is not None and gold.pairs is not None:
        gold_pairs = gold.pairs
    elif imported.gold is not None:
        tasks = answers.drop_duplicates("task").set_index("task")
        by_task = imported.gold[imported.gold.index.isin(tasks.index)]
        gold_pairs = pd.DataFrame(
            {
                "left": tasks.loc[by_task.index, "left"].to_numpy(),
                "right": tasks.loc[by_task.index, "right"].to_numpy(),
                "label": by_task.to_numpy(),
            }
        )
    table = scores.to_frame()
    features: tuple[str, ...] = ()
    if known is not None:
        columns = [c for c in known.columns if c != "score"]
        table = table.join(known[columns].reindex(items))
        features = tuple(str(c) for c in columns if known[c].reindex(items).notna().all())
    dataset = PairwiseDataset(
        name=Path(path).stem,
        description=f"real comparisons of {path}",
        truth=pd.Series([], dtype="int64", name="label", index=pd.Index([], name="task")),
        classes=SIDES,
        items=table,
        pairs=pd.DataFrame({"left": [], "right": []}),
        heldout=gold_pairs,
        feature_columns=features,
        offers_ties=bool((answers["label"] == TIE_LABEL).any()),
    )
    gold_by_task = pd.Series(dtype=object, name="label", index=pd.Index([], name="task"))
    return RealAnswers(Path(path).stem, answers, gold_by_task, dataset, gold_size=len(gold_pairs), kind=KIND)


def _pairs_from_scores(answers: pd.DataFrame, scores: pd.Series) -> pd.DataFrame:
    """The distinct answered pairs (either way round, once) whose items both have a score, with the
    better side (``tie`` for equal scores)."""
    unordered = [tuple(sorted((a, b))) for a, b in zip(answers["left"], answers["right"], strict=True)]
    pairs = answers[~pd.Series(unordered, index=answers.index).duplicated().to_numpy()]
    both = (
        scores.reindex(pd.Index(pairs["left"])).notna().to_numpy()
        & scores.reindex(pd.Index(pairs["right"])).notna().to_numpy()
    )
    pairs = pairs[both]
    left = scores.reindex(pd.Index(pairs["left"])).to_numpy()
    right = scores.reindex(pd.Index(pairs["right"])).to_numpy()
    label = ["right" if b > a else "left" if a > b else "tie" for a, b in zip(left, right, strict=True)]
    return pd.DataFrame(
        {"left": pairs["left"].to_numpy(), "right": pairs["right"].to_numpy(), "label": label}
    )


def gold_sides_by_task(answers: pd.DataFrame, gold_pairs: pd.DataFrame) -> pd.Series:
    """The gold side of each answered task whose pair (either way round) is a gold pair."""
    gold = gold_pairs.drop_duplicates(["left", "right"]).set_index(["left", "right"])["label"]
    tasks = answers.drop_duplicates("task").set_index("task")
    direct = gold.reindex(pd.MultiIndex.from_arrays([tasks["left"], tasks["right"]])).to_numpy()
    flipped = gold.reindex(pd.MultiIndex.from_arrays([tasks["right"], tasks["left"]]))
    reverse = flipped.map({"left": "right", "right": "left", "tie": "tie"}).to_numpy()
    sides = pd.Series(
        np.where(pd.isna(direct), reverse, direct), index=tasks.index, name="label", dtype=object
    )
    return sides.dropna()
