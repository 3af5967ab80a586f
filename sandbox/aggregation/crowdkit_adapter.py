"""Running crowd-kit aggregators cleanly: integer codes in, quiet output, skills in one scale.

crowd-kit 1.4.2 is pinned with scikit-learn < 1.8 and pandas < 3 (see pyproject.toml); its remaining
FutureWarning/DeprecationWarning/RuntimeWarning noise is silenced here, never globally.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd
from crowdkit.aggregation import MMSR
from numpy.typing import NDArray

from annotators.errors import SandboxError

#: MMSR's sign step builds a dense square matrix over workers + positively correlated worker pairs.
MMSR_MEMORY_LIMIT_BYTES = 2 * 1024**3


class AggregationFailed(SandboxError):
    """An aggregator could not produce labels on this data (e.g. no convergence)."""


@contextmanager
def quiet_crowdkit() -> Iterator[None]:
    """Run crowd-kit quietly and without side effects for the duration of one aggregation.

    Silences its library warnings, and restores numpy's global random state afterwards (KOS calls
    ``np.random.seed``; the project never lets the global state change under a user's feet).
    """
    global_state = np.random.get_state()  # noqa: NPY002 (guarding the global state)
    try:
        with warnings.catch_warnings():
            for category in (FutureWarning, DeprecationWarning, RuntimeWarning, UserWarning):
                warnings.simplefilter("ignore", category)
            yield
    finally:
        np.random.set_state(global_state)  # noqa: NPY002 (guarding the global state)


#: A worker "met" a true class when their tasks hold at least this expected number of tasks of it
#: (the sum of the class's posteriors over the worker's answers; half a task rounds to one).
MET_CLASS_MASS = 0.5


def confusion_skills(errors: pd.DataFrame, priors: pd.Series, mass: pd.DataFrame) -> pd.Series:
    """P(correct answer) per worker from a Dawid–Skene confusion.

    ``errors``: P(answered label | true label), index ``(worker, label)`` with the answered label
    (a missing row is a label the worker never gave: probability 0), columns the true labels.
    ``priors``: class priors by label. ``mass``: worker × true label, the expected number of the
    worker's tasks of each class (:func:`class_mass`). Skill = the prior-weighted mean of
    P(answer = c | true c) over the classes c the worker met (mass >= 0.5); NaN if they met none.
    Returns a Series indexed like ``mass``.
    """
    labels = pd.Index(errors.columns)
    workers = pd.Index(mass.index, name="worker")
    answered = labels.get_indexer(errors.index.get_level_values("label"))
    rows = workers.get_indexer(errors.index.get_level_values("worker"))
    own = (answered >= 0) & (rows >= 0)
    diagonal = np.zeros((len(workers), len(labels)))
    diagonal[rows[own], answered[own]] = errors.to_numpy(dtype=float)[np.flatnonzero(own), answered[own]]
    met = mass.reindex(columns=labels, fill_value=0.0).to_numpy(dtype=float) >= MET_CLASS_MASS
    weights = met * priors.reindex(labels, fill_value=0.0).to_numpy(dtype=float)
    total = weights.sum(axis=1)
    weighted = (diagonal * weights).sum(axis=1)
    skill = np.divide(weighted, total, out=np.full(len(workers), np.nan), where=total > 0)
    return pd.Series(skill, index=workers, name="skill")


def class_mass(
    task: NDArray[np.integer[Any]],
    worker: NDArray[np.integer[Any]],
    probas: NDArray[np.float64],
    n_workers: int,
) -> NDArray[np.float64]:
    """Expected number of each worker's tasks of each true class (``n_workers × K``), from integer
    codes of the answers (``task``, ``worker``) and the task × class posteriors."""
    mass = np.empty((n_workers, probas.shape[1]))
    for column in range(probas.shape[1]):
        mass[:, column] = np.bincount(worker, weights=probas[task, column], minlength=n_workers)
    return mass


def worker_skills(model: Any, worker_names: pd.Index, mass: pd.DataFrame | None = None) -> pd.Series | None:
    """Per-worker skill estimate (higher = better) from whatever the fitted model exposes.

    DS: :func:`confusion_skills` (``mass``: worker code × label code, see :func:`class_mass`);
    GLAD: alpha; MACE: P(not spamming); MV/Wawa/ZBS/OneCoin/MMSR: their ``skills_``.
    Returns a Series indexed by original worker id.
    """
    if hasattr(model, "errors_") and not hasattr(model, "skills_"):
        if mass is None:
            raise ValueError("Dawid–Skene skills need the workers' class mass")
        series = confusion_skills(model.errors_, model.priors_, mass)
    elif hasattr(model, "alphas_"):
        series = pd.Series(model.alphas_)
    elif hasattr(model, "spamming_"):
        spamming = np.asarray(model.spamming_, dtype=float)
        # crowd-kit's MACE rows follow first appearance (the caller passes names in that order);
        # the fast engine's follow the worker codes.
        series = pd.Series(spamming[:, 1] / spamming.sum(axis=1))
    elif getattr(model, "skills_", None) is not None:
        series = pd.Series(model.skills_)
    else:
        return None
    series.index = worker_names[series.index.to_numpy().astype(np.int64)]
    series.index.name = "worker"
    return series.astype(float).rename("skill")


def check_mmsr_memory(coded: pd.DataFrame) -> None:
    """Refuse MMSR when its dense sign-determination matrix would exceed the memory limit.

    The matrix is (W + P)² float64 where W = workers and P = positively correlated worker pairs;
    counted here exactly with the same covariance crowd-kit builds.
    """
    probe = MMSR()
    with quiet_crowdkit():
        probe._construnct_covariation_matrix(coded)
    covariance = probe._covariation_matrix
    valid = np.flatnonzero(covariance.sum(axis=1) != 0)
    signs = np.sign(covariance[np.ix_(valid, valid)])
    positive_pairs = int(np.triu(signs == 1).sum())
    side = len(valid) + positive_pairs
    needed = 3 * side * side * 8  # the matrix, its normalised copy and eigen-solver work space
    if needed > MMSR_MEMORY_LIMIT_BYTES:
        raise SandboxError(
            f"mmsr would need about {needed / 1024**3:.1f} GB here ({len(valid)} workers, "
            f"{positive_pairs} correlated pairs; limit {MMSR_MEMORY_LIMIT_BYTES / 1024**3:.0f} GB); "
            "use ds, glad or mace on crowds this size"
        )
