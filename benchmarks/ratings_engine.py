"""The fast ratings aggregators against plain references, side by side on the same ratings.

    python benchmarks/ratings_engine.py            # 100k ratings: fast vs reference
    python benchmarks/ratings_engine.py --scale    # fast methods alone at 10M ratings

Ratings: 10,000 items on a 1-5 scale, 1,000 raters (offset ~ N(0, 0.1), slope ~ N(1, 0.2), noise 0.1
of the range), rounded to the points. References: pandas' group mean and median, scipy's
``trim_mean`` per item, and the rater models' own objective minimised by scipy's L-BFGS
(``tests/fast/ratings_reference.py``, what ``tests/fast/test_ratings_raters.py`` holds the fast fit
to). Ratios are measured in the same run (the machine is shared: compare ratios, not seconds).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import trim_mean

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sandbox.aggregation.fast.ratings import (  # noqa: E402
    Mean,
    Median,
    RaterOffset,
    RaterOffsetScale,
    TrimmedMean,
    ratings_from_codes,
)
from sandbox.aggregation.fast.ratings.raters import MIDDLE, censoring  # noqa: E402
from tests.fast.ratings_reference import reference_fit  # noqa: E402


def ratings(n: int, n_items: int, n_workers: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    task, worker = rng.integers(0, n_items, n), rng.integers(0, n_workers, n)
    quality = rng.uniform(0, 1, n_items)
    offset, slope = rng.normal(0, 0.1, n_workers), rng.normal(1, 0.2, n_workers)
    seen = 0.5 + slope[worker] * (quality[task] - 0.5) + offset[worker] + 0.1 * rng.standard_normal(n)
    return task, worker, np.clip(np.floor(1 + 4 * seen + 0.5), 1, 5)


def best_of(run: Callable[[], Any], repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", action="store_true", help="fast methods at 10M ratings")
    args = parser.parse_args()
    n = 10_000_000 if args.scale else 100_000
    task, worker, value = ratings(n, n // 10, n // 100)
    coded = ratings_from_codes(task, worker, value, 1.0, 5.0, 1.0)
    frame = pd.DataFrame({"task": task, "worker": worker, "label": value})
    rows = []
    fast: dict[str, Callable[[], Any]] = {
        "mean": lambda: Mean().fit_coded(coded),
        "median": lambda: Median().fit_coded(coded),
        "trimmed_mean": lambda: TrimmedMean().fit_coded(coded),
        "offset (no pooling)": lambda: RaterOffset(pool=False).fit_coded(coded),
        "offset_scale (no pooling)": lambda: RaterOffsetScale(pool=False).fit_coded(coded),
        "offset": lambda: RaterOffset().fit_coded(coded),
        "offset_scale": lambda: RaterOffsetScale().fit_coded(coded),
    }
    top, bottom, high, low = censoring(coded)
    y = coded.unit() - MIDDLE
    references: dict[str, Callable[[], Any]] = {
        "mean": lambda: frame.groupby("task")["label"].mean(),
        "median": lambda: frame.groupby("task")["label"].median(),
        "trimmed_mean": lambda: frame.groupby("task")["label"].agg(lambda s: trim_mean(s.to_numpy(), 0.1)),
        "offset (no pooling)": lambda: reference_fit(
            coded.task, coded.worker, y, slopes=False, top=top, bottom=bottom, high=high, low=low
        ),
        "offset_scale (no pooling)": lambda: reference_fit(
            coded.task, coded.worker, y, slopes=True, top=top, bottom=bottom, high=high, low=low
        ),
    }
    for name, run in fast.items():
        seconds = best_of(run, 3 if n <= 100_000 else 1)
        row = {"method": name, "ratings": n, "fast s": round(seconds, 4)}
        if not args.scale and name in references:
            reference = best_of(references[name], 1)
            row.update({"reference s": round(reference, 3), "speed-up": round(reference / seconds, 1)})
        rows.append(row)
    print(pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    main()
