"""KOS (Karger, Oh, Shah 2011): belief propagation on the task-worker graph, binary labels only.

As crowd-kit's ``KOS``: answers are coded +1 (label seen first) / -1; per-answer reliabilities
start at ``Normal(1, 1)`` draws from ``random_state`` (one per answer, in row order); messages
alternate between tasks and workers, leaving out the answer's own message, for ``n_iter`` rounds
or until a message exceeds 1e300. KOS gives no probabilities: ``probas_`` is one-hot, but for a task
whose score is exactly 0 (crowd-kit fails there): it is 1/2 for each label, and the label is chosen by
the tie rule (``tie_break``; the smallest label when None).
"""

from __future__ import annotations

import numpy as np

from foundation.errors import SandboxError
from sandbox.aggregation.fast.classification.base import FastAggregator
from sandbox.aggregation.fast.coding import CodedAnswers, FloatArray
from sandbox.aggregation.hyperparameters import Iterations, Seed

_MAX = 1e300


class KOS(FastAggregator):
    """KOS with crowd-kit's defaults (``n_iter=100``, ``random_state=0``)."""

    def __init__(self, n_iter: Iterations = 100, random_state: Seed = 0) -> None:
        self.n_iter = n_iter
        self.random_state = random_state

    def _fit(self, coded: CodedAnswers) -> FloatArray:
        if coded.n_labels == 1:  # unanimous: nothing to infer
            self.n_iter_, self.converged_ = 1, True
            return np.ones((coded.n_tasks, 1))
        if coded.n_labels != 2:
            raise SandboxError(
                f"KOS handles binary labels only; this data has {coded.n_labels} labels: "
                f"{list(coded.label_names)}"
            )
        first_label = coded.label[0]
        sign = np.where(coded.label == first_label, 1, -1).astype(np.int8)
        rng = np.random.RandomState(self.random_state)  # crowd-kit's draw, seeded locally
        reliability = rng.normal(loc=1.0, scale=1.0, size=coded.n_answers)
        own = np.empty(coded.n_answers)
        total = np.empty(coded.n_answers)
        self.n_iter_ = 0
        self.converged_ = True  # KOS has no convergence test: it runs n_iter rounds or overflows
        for _ in range(self.n_iter):
            # Messages are updated in place; each answer leaves out its own message.
            np.multiply(sign, reliability, out=own)
            sums = np.bincount(coded.task, weights=own, minlength=coded.n_tasks)
            if (np.abs(sums) > _MAX).any():  # the totals every answer would see
                break
            np.take(sums, coded.task, out=total, mode="clip")  # codes are in range
            total -= own  # the inferred labels
            np.multiply(sign, total, out=own)
            sums = np.bincount(coded.worker, weights=own, minlength=coded.n_workers)
            if (np.abs(sums) > _MAX).any():
                break
            np.take(sums, coded.worker, out=reliability, mode="clip")
            reliability -= own
            self.n_iter_ += 1
        self.n_iter_ = max(self.n_iter_, 1)
        del own, total
        score = np.bincount(coded.task, weights=sign * reliability, minlength=coded.n_tasks)
        # A score of exactly 0 is a tie between the two labels: broken by the run's tie rule.
        post = np.zeros((coded.n_tasks, 2))
        post[:, first_label] = (score > 0) + 0.5 * (score == 0)
        post[:, 1 - first_label] = (score < 0) + 0.5 * (score == 0)
        return post
