"""The fast engine's pairwise aggregators (crowd-kit's ``worker, left, right, label`` convention,
``scores_`` by item): Bradley–Terry (crowd-kit's two-step estimate and the converged fit),
noisy Bradley–Terry, Davidson's Bradley–Terry with ties, win rate and online Elo. Validated against
crowd-kit (and Davidson's against leaderbot) in ``tests/fast``."""

from __future__ import annotations

from sandbox.aggregation.fast.pairwise.base import FastPairwise
from sandbox.aggregation.fast.pairwise.bt import BradleyTerry, BradleyTerryMLE
from sandbox.aggregation.fast.pairwise.coding import CodedPairs, encode_pairs, pairs_from_codes
from sandbox.aggregation.fast.pairwise.davidson import Davidson
from sandbox.aggregation.fast.pairwise.noisy_bt import NoisyBradleyTerry
from sandbox.aggregation.fast.pairwise.reference import Elo, WinRate

__all__ = [
    "BradleyTerry",
    "BradleyTerryMLE",
    "CodedPairs",
    "Davidson",
    "Elo",
    "FastPairwise",
    "NoisyBradleyTerry",
    "WinRate",
    "encode_pairs",
    "pairs_from_codes",
]
