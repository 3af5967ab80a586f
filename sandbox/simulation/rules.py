"""What a campaign asks of a task kind's answers: is a gold answer right, how sure are a task's
answers (adaptive redundancy buys more where they are unsure), and what type an answer has.

A kind gives an :class:`AnswerRules`; :data:`CLASS_CODES` are the rules of kinds whose answers are
class codes ``0 .. K-1`` compared with the truth for equality (choosing a class; a pair's side).
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray


class AnswerRules(Protocol):
    """The three questions (see the module docstring)."""

    #: The numpy type of an answer (and of the truth the campaign holds).
    answer_dtype: np.dtype[Any]

    def correct(self, answers: NDArray[Any], truth: NDArray[Any]) -> NDArray[np.bool_]:
        """Per answer, whether it counts as right against the truth of its task (gold questions)."""
        ...

    def agreement(
        self, task: NDArray[Any], answers: NDArray[Any], n_tasks: int, n_classes: int
    ) -> NDArray[np.float64]:
        """Per task (``0 .. n_tasks - 1``), how much its answers agree, in [0, 1] (0 without answers);
        adaptive redundancy buys one more answer where this is below the policy's confidence."""
        ...


class ClassCodeRules:
    """Answers are class codes: right when equal to the truth; agreement is the majority share."""

    answer_dtype: np.dtype[Any] = np.dtype(np.int64)

    def correct(self, answers: NDArray[Any], truth: NDArray[Any]) -> NDArray[np.bool_]:
        """``answers == truth``, element by element."""
        return np.asarray(answers == truth, dtype=bool)

    def agreement(
        self, task: NDArray[Any], answers: NDArray[Any], n_tasks: int, n_classes: int
    ) -> NDArray[np.float64]:
        """The share of each task's answers that give its most frequent class."""
        votes = np.bincount(task * n_classes + answers, minlength=n_tasks * n_classes).reshape(-1, n_classes)
        share: NDArray[np.float64] = votes.max(axis=1) / np.maximum(votes.sum(axis=1), 1)
        return share


CLASS_CODES = ClassCodeRules()
