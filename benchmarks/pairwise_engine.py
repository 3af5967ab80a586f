"""Fast pairwise engine vs crowd-kit, side by side on the same comparisons, and the fast BT at scale.

    python benchmarks/pairwise_engine.py              # 100k comparisons over 1,000 items: bt, noisy_bt
                                                      # (crowd-kit), davidson (leaderbot)
    python benchmarks/pairwise_engine.py --scale      # fast bt, bt_mle, davidson: 10M comparisons, 100k items

Comparisons: items of quality ~ N(0, 1), random pairs, the better item wins with P = σ(2 Δ), 200
workers; for Davidson's model the outcomes are drawn from the model itself with ν = 0.5 (a fifth
of the answers ties), and its reference is leaderbot's Davidson (k_cov=None, k_tie=0), fitted by
BFGS on the pair counts (building the counts is timed for both). Ratios are measured in the same
run (the machine is shared: compare ratios, not seconds). Runs shorter than 5 s are repeated and
the best of three is shown, for both engines alike.
crowd-kit's BradleyTerry builds a dense items × items matrix, so it is not run at the scale size.
``noisy_bt`` runs in its parity mode here (crowd-kit's run, vectorized); the default, converged mode
and every other peer are in ``benchmarks/pairwise_peers.py``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sandbox.aggregation.crowdkit_adapter import quiet_crowdkit
from sandbox.aggregation.fast.pairwise import (
    BradleyTerry,
    BradleyTerryMLE,
    Davidson,
    NoisyBradleyTerry,
    pairs_from_codes,
)
from sandbox.aggregation.fast.pairwise.davidson import davidson_probabilities, tie_counts

REPEATS, REPEAT_BELOW = 3, 5.0


def comparisons(n_items: int, n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    quality = rng.normal(size=n_items)
    left = rng.integers(0, n_items, n)
    right = (left + rng.integers(1, n_items, n)) % n_items
    side = np.where(rng.random(n) < 1 / (1 + np.exp(-2 * (quality[right] - quality[left]))), 1, 0)
    return left, right, side, rng.integers(0, 200, n)


def tied_comparisons(
    n_items: int, n: int, seed: int = 0, nu: float = 0.5
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    strength = np.exp(2 * rng.normal(size=n_items))
    left = rng.integers(0, n_items, n)
    right = (left + rng.integers(1, n_items, n)) % n_items
    p_left, p_right, _ = davidson_probabilities(strength[left], strength[right], nu)
    draw = rng.random(n)
    side = np.where(draw < p_left, 0, np.where(draw < p_left + p_right, 1, 2))
    return left, right, side, rng.integers(0, 200, n)


def leaderbot_fit(left: np.ndarray, right: np.ndarray, side: np.ndarray, n_items: int) -> object:
    import leaderbot

    low, high, low_wins, high_wins, ties = tie_counts(pairs_from_codes(left, right, side, n_items=n_items))
    data = {
        "models": [str(i) for i in range(n_items)],
        "X": np.column_stack([low, high]),
        "Y": np.column_stack([low_wins, high_wins, ties]).astype(np.int64),
    }
    model = leaderbot.models.Davidson(data, k_cov=None, k_tie=0)
    model.train()
    return model


def timed(run: Callable[[], object]) -> float:
    best = np.inf
    for _ in range(REPEATS):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
        if best >= REPEAT_BELOW:
            break
    return float(best)


def side_by_side(n_items: int, n: int) -> None:
    from crowdkit.aggregation import BradleyTerry as CrowdkitBT
    from crowdkit.aggregation import NoisyBradleyTerry as CrowdkitNoisyBT

    left, right, side, worker = comparisons(n_items, n)
    frame = pd.DataFrame(
        {"worker": worker, "left": left, "right": right, "label": np.where(side == 0, left, right)}
    )
    coded = pairs_from_codes(left, right, side, worker, n_items=n_items)
    print(f"{n:,} comparisons over {n_items:,} items, 200 workers (same data for both engines)")
    print(f"{'method':10} {'crowd-kit s':>12} {'fast s':>10} {'ratio':>8}")
    for name, fast, reference in (
        ("bt", lambda: BradleyTerry().fit_coded(coded), lambda: CrowdkitBT(n_iter=100).fit(frame)),
        (
            "noisy_bt",  # the parity mode: crowd-kit's gradient and L-BFGS-B run
            lambda: NoisyBradleyTerry(mode="parity").fit_coded(coded),
            lambda: CrowdkitNoisyBT().fit(frame),
        ),
    ):
        with quiet_crowdkit():
            slow = timed(reference)
        quick = timed(fast)
        print(f"{name:10} {slow:12.3f} {quick:10.4f} {slow / quick:7.0f}x")
    tied = tied_comparisons(n_items, n)
    slow = timed(lambda: leaderbot_fit(*tied[:3], n_items))
    quick = timed(lambda: Davidson(prior=0.0).fit_coded(pairs_from_codes(*tied, n_items=n_items)))
    print(f"{'davidson':10} {slow:12.3f} {quick:10.4f} {slow / quick:7.0f}x   (reference: leaderbot)")


def scale(n_items: int, n: int) -> None:
    print(f"\n{n:,} comparisons over {n_items:,} items (fast engine only; data coding included)")
    untied, tied = comparisons(n_items, n, seed=1), tied_comparisons(n_items, n, seed=1)
    models: tuple[tuple[str, BradleyTerry | BradleyTerryMLE | Davidson, tuple[np.ndarray, ...]], ...] = (
        ("bt", BradleyTerry(), untied),
        ("bt_mle", BradleyTerryMLE(), untied),
        ("davidson", Davidson(tol=1e-6), tied),
    )
    for name, model, (left, right, side, worker) in models:
        start = time.perf_counter()
        coded = pairs_from_codes(left, right, side, worker, n_items=n_items)
        model.fit_coded(coded)
        seconds = time.perf_counter() - start
        print(f"{name:10} {seconds:8.1f} s  ({model.n_iter_} iterations, converged {model.converged_})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", action="store_true", help="10M comparisons over 100k items (fast engine)")
    args = parser.parse_args()
    if args.scale:
        scale(100_000, 10_000_000)
    else:
        side_by_side(1_000, 100_000)


if __name__ == "__main__":
    main()
