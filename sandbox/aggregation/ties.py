"""How an argmax over labels breaks ties, whatever the labels are called.

A task is *tied* when several labels share its highest posterior (majority vote on an even split,
Wawa with equal weights, an EM method at a symmetric point). Labels are coded in sorted order, so
taking the first maximum — crowd-kit's rule — picks the alphabetically smallest label, and the
result depends on how labels are spelled (snow_rte: MV accuracy .919 with labels ``0/1``, .875 with
``entailment/not_entailment``, on the same answers).

:data:`TIE_RULES`:

- ``random`` (the default): each tied task takes one of its tied labels, each with the same
  chance, drawn from a generator seeded by the run's seed (:func:`sandbox.randomness.substream`
  with :data:`TIE_STREAM`). Every answer row gets a uniform draw by its position in the answers;
  a tied label's priority in a task is the draw of the first row that gives the task that label,
  and the tied label of highest priority wins. No name or code enters, so renaming labels, tasks
  or workers (a bijection, rows in the same order) gives exactly the same labels, and the same
  answers and seed give the same labels; reordering the rows changes the draws but not their
  distribution. A tied label no answer of the task gives (possible only for a method that spreads
  posterior over unanswered labels, e.g. GLAD with a worker of negative expertise) ranks below the
  answered ones, and among such labels by ``(u + v) mod 1``: ``u`` the draw of the first row of all
  the answers giving that label, ``v`` the draw of the task's first row. No name enters either, so
  this too is invariant under renaming, and over the draws each such label is as likely to win.
- ``smallest``: the first maximum (the smallest label), for parity with crowd-kit's published
  figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from foundation.errors import SandboxError

if TYPE_CHECKING:  # numpy is imported when ties are broken: the command-line parser reads the rules
    import numpy as np

    from sandbox.aggregation.fast.coding import FloatArray, IntArray

TieRule = Literal["random", "smallest"]
#: The rules, the default first.
TIE_RULES: tuple[TieRule, ...] = ("random", "smallest")
#: The key of the tie-breaking random stream (independent of what else a run draws from its seed).
TIE_STREAM = 0x7715
#: Posteriors within this relative distance of a row's maximum count as tied with it (vote shares
#: of equal counts are exactly equal; EM methods may differ in the last bits).
TIE_TOLERANCE = 1e-12


@dataclass(frozen=True)
class TieBreak:
    """A tie rule and the seed its random draws come from (a run's seed: an int or a SeedSequence)."""

    rule: TieRule = "random"
    seed: int | np.random.SeedSequence = 0

    def __post_init__(self) -> None:
        if self.rule not in TIE_RULES:
            raise SandboxError(f"unknown tie rule {self.rule!r}; allowed: {', '.join(TIE_RULES)}")


#: Random among the tied labels, seed 0 (what an aggregation without a run's seed uses).
DEFAULT_TIES = TieBreak()


def tied_rows(posteriors: FloatArray) -> tuple[np.ndarray[tuple[int, int], np.dtype[np.bool_]], IntArray]:
    """``(mask, rows)``: which columns of each tied row share its maximum (``len(rows) × K``), and
    the indices of the tied rows."""
    import numpy as np

    from sandbox.aggregation.fast.rows import row_max

    if posteriors.shape[0] == 0 or posteriors.shape[1] < 2:
        return np.zeros((0, posteriors.shape[1]), dtype=bool), np.zeros(0, dtype=np.intp)
    top = row_max(posteriors)
    floor = top - TIE_TOLERANCE * np.maximum(np.abs(top), 1.0)
    near = np.zeros(posteriors.shape[0], dtype=np.intp)
    for column in range(posteriors.shape[1]):
        near += posteriors[:, column] >= floor
    rows = np.flatnonzero(near > 1)
    mask = posteriors[rows] >= floor[rows, None]
    return mask, rows


def break_ties(
    posteriors: FloatArray, ties: TieBreak, task: IntArray, label: IntArray
) -> tuple[IntArray, int]:
    """``(best, n_tied)``: each row of the ``n_tasks × K`` ``posteriors`` chosen column under
    ``ties``, and how many rows were tied; ``task``, ``label``: the answers' codes in row order (the
    draws are keyed by row position, see the module docstring)."""
    import numpy as np

    from sandbox.aggregation.fast.rows import row_argmax
    from sandbox.randomness import substream

    best = row_argmax(posteriors)
    mask, rows = tied_rows(posteriors)
    if ties.rule == "smallest" or len(rows) == 0:
        return best, len(rows)
    n_tasks, n_labels = posteriors.shape
    rng = substream(ties.seed, TIE_STREAM)
    draws = rng.random(task.shape[0])
    _, label_first = np.unique(label, return_index=True)  # every label code is answered somewhere
    task_codes, task_first = np.unique(task, return_index=True)
    label_draw = np.zeros(n_labels)
    label_draw[label[label_first]] = draws[label_first]
    task_draw = np.zeros(n_tasks)
    task_draw[task_codes] = draws[task_first]
    # below every answered label's draw; among unanswered labels a rotation of the labels' draws
    fallback = np.mod(label_draw[None, :] + task_draw[rows, None], 1.0) - 2.0
    position = np.full(n_tasks, -1, dtype=np.intp)
    position[rows] = np.arange(len(rows))
    where = position[task]
    kept = np.flatnonzero(where >= 0)  # answers of tied tasks, in row order
    cell = where[kept] * n_labels + label[kept]
    cells, first = np.unique(cell, return_index=True)  # the first row of each (task, label)
    flat = fallback.reshape(-1)  # a view: writes land in ``fallback``
    flat[cells] = draws[kept[first]]
    priority = fallback
    priority[~mask] = -3.0
    best[rows] = priority.argmax(axis=1)
    return best, len(rows)
