"""The single place where seeds become random generators (never the global ``np.random``)."""

from __future__ import annotations

import numpy as np

SeedLike = int | np.random.SeedSequence | np.random.Generator | None


def make_rng(seed: SeedLike) -> np.random.Generator:
    """Return a ``numpy.random.Generator`` for ``seed``.

    An existing generator is returned as is (borrowed, not copied); an int, a ``SeedSequence``
    or ``None`` (fresh entropy) builds a new PCG64 generator.
    """
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed)
