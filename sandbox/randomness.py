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


def substream(seed: SeedLike, key: int) -> np.random.Generator:
    """A generator for one purpose (``key``) that depends on ``seed`` alone, not on what else drew from
    it: e.g. which items are misleading is the same for every population labelling a dataset with the
    same seed. A generator ``seed`` gives a child generator (``spawn``)."""
    if isinstance(seed, np.random.Generator):
        return seed.spawn(1)[0]
    if isinstance(seed, np.random.SeedSequence):
        return np.random.default_rng(np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, key)))
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(key,)))
