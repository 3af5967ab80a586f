"""Per-worker skill (higher = better) read from a fitted aggregator, one reader per kind of model.

A reader takes the fitted model (fitted on integer codes), the coded answers and the task × class
posteriors (code order; ``None`` when the method gives none) and returns one float per worker code
(NaN where the model says nothing). The registry names the reader of each method and engine.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from sandbox.aggregation.fast.coding import CodedAnswers

FloatArray = NDArray[np.float64]
SkillReader = Callable[[Any, "CodedAnswers", FloatArray | None], FloatArray]

#: A worker "met" a true class when their tasks hold at least this expected number of tasks of it
#: (the sum of the class's posteriors over the worker's answers; half a task rounds to one).
MET_CLASS_MASS = 0.5


def _by_code(values: Any, n_workers: int) -> FloatArray:
    """A Series indexed by worker code (or an array in code order) as a float array over all codes."""
    if hasattr(values, "reindex"):
        values = values.reindex(range(n_workers)).to_numpy(dtype=float)
    return np.asarray(values, dtype=float)


def attribute(model: Any, coded: CodedAnswers, posteriors: FloatArray | None) -> FloatArray:
    """The model's own ``skills_`` (MV, Wawa, ZBS, one-coin DS, MMSR)."""
    return _by_code(model.skills_, coded.n_workers)


def glad(model: Any, coded: CodedAnswers, posteriors: FloatArray | None) -> FloatArray:
    """GLAD's worker expertise ``alphas_``."""
    return _by_code(model.alphas_, coded.n_workers)


def mace(model: Any, coded: CodedAnswers, posteriors: FloatArray | None) -> FloatArray:
    """MACE's P(knowing, not spamming): rows of ``spamming_`` in worker-code order."""
    spamming = np.asarray(model.spamming_, dtype=float)
    credibility: FloatArray = spamming[:, 1] / spamming.sum(axis=1)
    return credibility


def mace_first_appearance(model: Any, coded: CodedAnswers, posteriors: FloatArray | None) -> FloatArray:
    """crowd-kit's MACE, whose ``spamming_`` rows follow the workers' order of first appearance."""
    credibility = mace(model, coded, posteriors)
    _, first = np.unique(coded.worker, return_index=True)
    order = coded.worker[np.sort(first)]
    skill = np.full(coded.n_workers, np.nan)
    skill[order] = credibility[: len(order)]
    return skill


def confusion(model: Any, coded: CodedAnswers, posteriors: FloatArray | None) -> FloatArray:
    """Dawid–Skene: :func:`confusion_skills` of the fitted ``errors_`` and ``priors_``."""
    if posteriors is None:
        raise ValueError("Dawid–Skene skills need the posteriors")
    errors = model.errors_
    mass = class_mass(coded.task, coded.worker, posteriors, coded.n_workers)
    return confusion_skills(
        worker=errors.index.get_level_values("worker").to_numpy(),
        answered=errors.index.get_level_values("label").to_numpy(),
        errors=errors.to_numpy(dtype=float),
        priors=_by_code(model.priors_, coded.n_labels),
        mass=mass,
    )


def class_mass(
    task: NDArray[np.integer[Any]],
    worker: NDArray[np.integer[Any]],
    posteriors: FloatArray,
    n_workers: int,
) -> FloatArray:
    """Expected number of each worker's tasks of each true class (``n_workers × K``), from integer
    codes of the answers and the task × class posteriors."""
    mass = np.empty((n_workers, posteriors.shape[1]))
    for column in range(posteriors.shape[1]):
        mass[:, column] = np.bincount(worker, weights=posteriors[task, column], minlength=n_workers)
    return mass


def confusion_skills(
    *,
    worker: NDArray[np.integer[Any]],
    answered: NDArray[np.integer[Any]],
    errors: FloatArray,
    priors: FloatArray,
    mass: FloatArray,
) -> FloatArray:
    """P(correct answer) per worker code from a Dawid–Skene confusion.

    The confusion comes as rows: row ``i`` is worker ``worker[i]`` giving label code ``answered[i]``,
    ``errors[i, c]`` = P(that answer | true class c); a row that is missing is a label the worker
    never gave (probability 0). ``priors``: class priors (length K). ``mass``: ``n_workers × K``
    (:func:`class_mass`). Skill = the prior-weighted mean of P(answer = c | true c) over the classes
    c the worker met (mass >= :data:`MET_CLASS_MASS`); NaN for a worker who met none.
    """
    n_workers, k = mass.shape
    diagonal = np.zeros((n_workers, k))
    own = (answered >= 0) & (answered < k)
    diagonal[worker[own], answered[own]] = errors[np.flatnonzero(own), answered[own]]
    weights = (mass >= MET_CLASS_MASS) * priors[None, :k]
    total = weights.sum(axis=1)
    skill: FloatArray = np.divide(
        (diagonal * weights).sum(axis=1), total, out=np.full(n_workers, np.nan), where=total > 0
    )
    return skill
