"""Integer coding of pairwise answers, shared by the fast pairwise aggregators.

A :class:`CodedPairs` is a :class:`~sandbox.aggregation.fast.coding.CodedAnswers` (task, worker and
the answered side as ``label``: 0 = left, 1 = right, 2 = tie) plus the two items of every answer as
item codes. Items and workers are coded in sorted order of their ids, as crowd-kit's pairwise
methods code them (``np.unique``), so that a method that starts from random values gives each item
and worker the same start under both engines.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from foundation.errors import SandboxError
from sandbox.aggregation.fast.coding import CodedAnswers, IntArray, code_column

LEFT, RIGHT, TIE = 0, 1, 2
SIDE_NAMES = ("left", "right", "tie")


@dataclass(frozen=True)
class CodedPairs(CodedAnswers):
    """Pairwise answers as codes: ``left[i]``/``right[i]`` item codes of answer ``i``, ``label[i]`` its
    side code (0 left, 1 right, 2 tie); ``item_names`` the sorted item ids."""

    left: IntArray
    right: IntArray
    item_names: pd.Index

    @property
    def n_items(self) -> int:
        return len(self.item_names)

    def decided(self) -> CodedPairs:
        """The answers that are not ties (Bradley–Terry models have no tie outcome)."""
        keep = self.label != TIE
        return CodedPairs(
            task=self.task[keep],
            worker=self.worker[keep],
            label=self.label[keep],
            task_names=self.task_names,
            worker_names=self.worker_names,
            label_names=self.label_names,
            left=self.left[keep],
            right=self.right[keep],
            item_names=self.item_names,
        )

    def winners(self) -> IntArray:
        """The winning item code of each decided answer (left where the label is LEFT)."""
        winners: IntArray = np.where(self.label == LEFT, self.left, self.right)
        return winners


def encode_pairs(answers: pd.DataFrame) -> CodedPairs:
    """Code a validated pairwise answers table (``task, worker, left, right, label`` with label
    ``left``/``right``/``tie``). Each column is coded by the fast engine's
    :func:`~sandbox.aggregation.fast.coding.code_column` (integer ids through a table of their value
    range, strings by hashing), the two item columns together, in sorted order of the ids."""
    n = len(answers)
    left, right = answers["left"].to_numpy(), answers["right"].to_numpy()
    item_codes, items = code_column(pd.Series(np.concatenate([left, right])), "item")
    task_codes, tasks = code_column(answers["task"], "task")
    worker_codes, workers = code_column(answers["worker"], "worker")
    label_codes, labels = code_column(answers["label"], "label")
    side_of_label = pd.Index(SIDE_NAMES).get_indexer(labels)
    if (side_of_label < 0).any():
        bad = labels[side_of_label < 0][0]
        raise SandboxError(f"pairwise label {bad!r} is not one of {', '.join(SIDE_NAMES)}")
    return CodedPairs(
        task=task_codes,
        worker=worker_codes,
        label=side_of_label.astype(np.intp)[label_codes],
        task_names=tasks,
        worker_names=workers,
        label_names=pd.Index(SIDE_NAMES, name="label"),
        left=item_codes[:n],
        right=item_codes[n:],
        item_names=items,
    )


def pairs_from_codes(
    left: ArrayLike,
    right: ArrayLike,
    side: ArrayLike,
    worker: ArrayLike | None = None,
    *,
    n_items: int | None = None,
) -> CodedPairs:
    """Wrap integer arrays (items ``0 .. n_items - 1``, sides 0/1/2, workers ``0 ..``) without a
    DataFrame: the entry for inputs of tens of millions of comparisons."""
    left_codes = np.asarray(left, dtype=np.intp)
    right_codes = np.asarray(right, dtype=np.intp)
    sides = np.asarray(side, dtype=np.intp)
    workers = np.zeros(len(sides), dtype=np.intp) if worker is None else np.asarray(worker, dtype=np.intp)
    if not (left_codes.shape == right_codes.shape == sides.shape == workers.shape) or left_codes.ndim != 1:
        raise SandboxError("left, right, side and worker arrays must be 1-d and of one length")
    if len(sides) == 0:
        raise SandboxError("no comparisons to aggregate")
    top = int(max(left_codes.max(), right_codes.max())) + 1
    size = top if n_items is None else n_items
    if size < top or min(int(left_codes.min()), int(right_codes.min())) < 0:
        raise SandboxError(f"item codes must lie in 0..{size - 1}")
    n_workers = int(workers.max()) + 1
    return CodedPairs(
        task=np.arange(len(sides), dtype=np.intp),
        worker=workers,
        label=sides,
        task_names=pd.RangeIndex(len(sides), name="task"),
        worker_names=pd.RangeIndex(n_workers, name="worker"),
        label_names=pd.Index(SIDE_NAMES, name="label"),
        left=left_codes,
        right=right_codes,
        item_names=pd.RangeIndex(size, name="item"),
    )


def from_crowdkit_frame(data: pd.DataFrame) -> CodedPairs:
    """crowd-kit's pairwise input (``worker, left, right, label`` with label = the winning item) as
    codes; a label that names neither item is an error."""
    missing = [c for c in ("worker", "left", "right", "label") if c not in data.columns]
    if missing:
        raise SandboxError(f"pairwise data lacks column(s) {missing}; needs worker, left, right, label")
    side = np.where(
        data["label"] == data["left"], "left", np.where(data["label"] == data["right"], "right", "")
    )
    if (side == "").any():
        raise SandboxError("every label must be the left or the right item of its row")
    frame = data.assign(task=np.arange(len(data)), label=side)
    return encode_pairs(frame[["task", "worker", "left", "right", "label"]])
