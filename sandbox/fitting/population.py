"""Pieces of a fitted population file shared by every task kind: archetype shares and activity."""

from __future__ import annotations

import numpy as np
import pandas as pd


def zipf_exponent(activity: pd.Series) -> float:
    """Exponent s of a rank-frequency fit ``answers ∝ rank^-s`` (least squares in log-log),
    clipped to the population schema's 0..5; 0 means uniform activity."""
    counts = np.sort(activity.to_numpy(dtype=float))[::-1]
    counts = counts[counts > 0]
    if len(counts) < 2 or counts[0] == counts[-1]:
        return 0.0
    ranks = np.arange(1, len(counts) + 1, dtype=float)
    slope = np.polyfit(np.log(ranks), np.log(counts), 1)[0]
    return float(np.clip(round(-slope, 3), 0.0, 5.0))


def shares(counts: dict[str, int]) -> dict[str, float]:
    """Counts → shares rounded to 6 decimals that sum to exactly 1."""
    total = sum(counts.values())
    shares = {k: round(v / total, 6) for k, v in counts.items() if v}
    largest = max(shares, key=lambda k: shares[k])
    shares[largest] = round(1.0 - sum(v for k, v in shares.items() if k != largest), 6)
    return shares
