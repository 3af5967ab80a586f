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

from collections.abc import Callable
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


@dataclass(frozen=True)
class FirstRows:
    """The answer rows (positions in the answers' order) that a random tie-break draws at, for the
    tied tasks only: ``cell[i, c]`` the first row giving label ``c`` on the ``i``-th tied task (-1:
    none), ``label[c]`` the first row giving label ``c`` anywhere, ``task[i]`` the ``i``-th tied
    task's first row. Out of core they are folded over batches in order
    (:func:`sandbox.aggregation.out_of_core.first_rows_batch`)."""

    cell: IntArray
    label: IntArray
    task: IntArray


def first_rows(task: IntArray, label: IntArray, rows: IntArray, n_tasks: int, n_labels: int) -> FirstRows:
    """:class:`FirstRows` of the tied tasks ``rows`` from the answers' codes in row order."""
    import numpy as np

    position = np.full(n_tasks, -1, dtype=np.intp)
    position[rows] = np.arange(len(rows))
    where = position[task]
    kept = np.flatnonzero(where >= 0)  # answers of tied tasks, in row order
    cell = np.full(len(rows) * n_labels, -1, dtype=np.int64)
    cells, first = np.unique(where[kept] * n_labels + label[kept], return_index=True)
    cell[cells] = kept[first]
    by_label = np.full(n_labels, -1, dtype=np.int64)
    labels, label_first = np.unique(label, return_index=True)
    by_label[labels] = label_first
    tasks, task_first = np.unique(where[kept], return_index=True)
    by_task = np.full(len(rows), -1, dtype=np.int64)
    by_task[tasks] = kept[task_first]
    return FirstRows(cell.reshape(len(rows), n_labels), by_label, by_task)


#: Up to this many rows, the draws at some rows are taken from one draw of every row (16 MB).
DRAW_ALL_ROWS = 1 << 21
#: ... or when the rows asked are on average fewer than this many rows apart.
DRAW_ALL_SPACING = 64


def draws_at(seed: int | np.random.SeedSequence, positions: IntArray) -> FloatArray:
    """The tie stream's uniform draws at answer rows ``positions`` (-1: 0.0): the values that one
    draw of a uniform per row, in row order, gives at those rows, without drawing the rows between
    (the stream is advanced past them), so memory follows the positions asked, not the answers."""
    import numpy as np

    from sandbox.randomness import substream

    out = np.zeros(positions.shape, dtype=np.float64)
    valid = positions >= 0
    if not valid.any():
        return out
    wanted, inverse = np.unique(positions[valid], return_inverse=True)
    rng = substream(seed, TIE_STREAM)
    if wanted[-1] < DRAW_ALL_ROWS or len(wanted) * DRAW_ALL_SPACING > wanted[-1]:  # few rows, or dense
        values = rng.random(int(wanted[-1]) + 1)[wanted]
    else:  # one 64-bit output per uniform double: skip the rows between
        values = np.empty(len(wanted))
        generator = rng.bit_generator
        assert isinstance(generator, np.random.PCG64), "the streams of sandbox.randomness are PCG64"
        at = 0
        for i, row in enumerate(wanted.tolist()):
            generator.advance(row - at)
            values[i] = rng.random()
            at = row + 1
    out[valid] = values[inverse]
    return out


def break_ties(
    posteriors: FloatArray, ties: TieBreak, task: IntArray, label: IntArray
) -> tuple[IntArray, int]:
    """``(best, n_tied)``: each row of the ``n_tasks × K`` ``posteriors`` chosen column under
    ``ties``, and how many rows were tied; ``task``, ``label``: the answers' codes in row order (the
    draws are keyed by row position, see the module docstring)."""
    return break_ties_by(posteriors, ties, lambda rows: first_rows(task, label, rows, *posteriors.shape))


def break_ties_by(
    posteriors: FloatArray, ties: TieBreak, firsts: Callable[[IntArray], FirstRows]
) -> tuple[IntArray, int]:
    """:func:`break_ties` with the first rows of the tied tasks from ``firsts(tied task codes)``
    (in memory from the answers, out of core from a pass over them)."""
    import numpy as np

    from sandbox.aggregation.fast.rows import row_argmax

    best = row_argmax(posteriors)
    mask, rows = tied_rows(posteriors)
    if ties.rule == "smallest" or len(rows) == 0:
        return best, len(rows)
    found = firsts(rows)
    label_draw = draws_at(ties.seed, found.label)
    task_draw = draws_at(ties.seed, found.task)
    # below every answered label's draw; among unanswered labels a rotation of the labels' draws
    priority = np.mod(label_draw[None, :] + task_draw[:, None], 1.0) - 2.0
    answered = found.cell >= 0
    priority[answered] = draws_at(ties.seed, found.cell[answered])
    priority[~mask] = -3.0
    best[rows] = priority.argmax(axis=1)
    return best, len(rows)
