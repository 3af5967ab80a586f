"""Running crowd-kit aggregators cleanly: quiet output, global random state kept, MMSR's memory checked.

crowd-kit 1.4.2 is pinned with scikit-learn < 1.8 and pandas < 3 (see pyproject.toml); its remaining
FutureWarning/DeprecationWarning/RuntimeWarning noise is silenced here, never globally.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from crowdkit.aggregation import MMSR

from annotators.errors import SandboxError

if TYPE_CHECKING:
    from sandbox.aggregation.fast._coding import CodedAnswers

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


def check_mmsr_memory(codes: CodedAnswers) -> None:
    """Refuse MMSR when its dense sign-determination matrix would exceed the memory limit.

    The matrix is (W + P)² float64 where W = workers and P = positively correlated worker pairs;
    counted here exactly with the same covariance crowd-kit builds.
    """
    coded = pd.DataFrame({"task": codes.task, "worker": codes.worker, "label": codes.label})
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
