"""What the dashboard draws from a sweep results store: bands across seeds, references, frontier.

A results directory of ``crowd-sandbox sweep`` (:mod:`sandbox.sweep.store`) holds ``_sweep.toml``
(the resolved spec; its ``[grid]`` keys are the swept parameters) and ``parts/*.parquet``: one row
per cell and aggregator with ``cell, point, role``, the grid parameters, ``seed_index, seed,
aggregator``, the metrics and ``error``. ``role`` is ``crowd`` for grid cells and ``reference`` for
the reference cells (paid curation). Pure functions except :func:`read_sweep`, which reads the
directory.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from scipy import stats

from foundation.errors import SandboxError
from sandbox.sweep.store import ResultsStore, read_results

KEY_COLUMNS = ("cell", "point", "role", "seed_index", "seed", "aggregator", "error")


@dataclass(frozen=True)
class Sweep:
    """A results store read into memory: ``results`` (rows that ran), swept ``params``, ``spec``."""

    results: pd.DataFrame
    params: list[str]
    spec: dict[str, Any]

    @property
    def metrics(self) -> list[str]:
        """Numeric result columns that are neither keys nor swept parameters."""
        skip = {*KEY_COLUMNS, *self.params}
        return [
            c
            for c in self.results.columns
            if c not in skip
            and pd.api.types.is_numeric_dtype(self.results[c])
            and not pd.api.types.is_bool_dtype(self.results[c])
        ]


def read_sweep(root: str | Path) -> Sweep:
    """Read a results directory (``sandbox.sweep.read_results``); rows with an error are left out.
    SandboxError when it is not one or holds no results yet."""
    store = ResultsStore(Path(root))
    try:
        spec = store.saved_spec()
    except (OSError, UnicodeDecodeError) as error:
        raise SandboxError(f"{store.spec_path} cannot be read: {error}") from None
    if spec is None:
        raise SandboxError(f"{str(root)!r} is not a sweep results directory (no _sweep.toml in it)")
    try:
        frame = read_results(root)
    except (OSError, ValueError, pa.ArrowException) as error:
        raise SandboxError(f"{str(root)!r}: a results part cannot be read: {error}") from None
    if frame.empty:
        raise SandboxError(f"{str(root)!r} holds no results yet (no parts/*.parquet)")
    if "error" in frame.columns:
        frame = frame[frame["error"].isna()]
    params = [p for p in spec.get("grid", {}) if p in frame.columns]
    for param in params:  # whole-number grids stay integers (reference rows hold no value)
        column = frame[param]
        if pd.api.types.is_float_dtype(column) and (column.dropna() % 1 == 0).all():
            frame[param] = column.astype("Int64")
    return Sweep(results=frame.reset_index(drop=True), params=params, spec=spec)


def _interval(values: pd.Series) -> tuple[float, float, float, int]:
    """(mean, low, high, n) of the two-sided 95% Student-t interval of the mean."""
    clean = values.dropna().to_numpy(dtype=float)
    n = clean.size
    if n == 0:
        return float("nan"), float("nan"), float("nan"), 0
    mean = float(clean.mean())
    if n < 2:
        return mean, mean, mean, n
    half = float(stats.t.ppf(0.975, n - 1)) * float(clean.std(ddof=1)) / float(np.sqrt(n))
    return mean, mean - half, mean + half, n


def bands(results: pd.DataFrame, x: str, metric: str, fixed: dict[str, Any] | None = None) -> pd.DataFrame:
    """Crowd rows (``role == "crowd"``) with the other parameters at ``fixed`` values: per aggregator and
    value of ``x``, ``mean, low, high`` (95% interval across seeds) and ``seeds``."""
    crowd = results[results["role"] == "crowd"]
    for name, value in (fixed or {}).items():
        crowd = crowd[crowd[name] == value]
    rows = []
    for (aggregator, value), group in crowd.groupby(["aggregator", x], sort=True):
        mean, low, high, n = _interval(group[metric])
        rows.append({"aggregator": aggregator, x: value, "mean": mean, "low": low, "high": high, "seeds": n})
    return pd.DataFrame(rows, columns=["aggregator", x, "mean", "low", "high", "seeds"])


def reference(results: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Reference rows (paid curation) per aggregator: ``mean, low, high, seeds`` of ``metric``."""
    rows = []
    for aggregator, group in results[results["role"] == "reference"].groupby("aggregator", sort=True):
        mean, low, high, n = _interval(group[metric])
        rows.append({"aggregator": aggregator, "mean": mean, "low": low, "high": high, "seeds": n})
    return pd.DataFrame(rows, columns=["aggregator", "mean", "low", "high", "seeds"])


def point_means(results: pd.DataFrame, params: list[str], columns: list[str]) -> pd.DataFrame:
    """Mean of ``columns`` over seeds per (role, parameters, aggregator); reference rows have NaN params."""
    keys = ["role", *params, "aggregator"]
    return results.groupby(keys, dropna=False, sort=True)[columns].mean().reset_index()


def frontier(
    results: pd.DataFrame, params: list[str], quality: str = "accuracy", cost: str = "cost_per_task"
) -> pd.DataFrame:
    """Mean cost and quality of every (role, grid point, aggregator), with ``on_frontier`` true for
    the points no other point beats (cheaper or as cheap, and at least as good)."""
    means = point_means(results, params, [cost, quality]).sort_values(
        [cost, quality], ascending=[True, False]
    )
    best = -np.inf
    on = []
    for value in means[quality].to_numpy(dtype=float):
        on.append(bool(value > best))
        best = max(best, value)
    return means.assign(on_frontier=on).reset_index(drop=True)


def cost_to_target(
    results: pd.DataFrame,
    params: list[str],
    by: str,
    target: float,
    quality: str = "accuracy",
    cost: str = "cost_per_task",
) -> pd.DataFrame:
    """Cheapest mean ``cost`` at which each aggregator's mean ``quality`` reaches ``target``, for each
    value of parameter ``by`` (the other parameters free, e.g. redundancy chosen as needed):
    ``aggregator, <by>, cost, reached``. Unreached targets have ``cost`` NaN."""
    keys = params if by in params else [*params, by]
    means = point_means(results[results["role"] == "crowd"], keys, [cost, quality])
    rows = []
    for (aggregator, value), group in means.groupby(["aggregator", by], sort=True):
        good = group[group[quality] >= target]
        rows.append(
            {
                "aggregator": aggregator,
                by: value,
                "cost": float(good[cost].min()) if len(good) else float("nan"),
                "reached": bool(len(good)),
            }
        )
    return pd.DataFrame(rows, columns=["aggregator", by, "cost", "reached"])


def with_cost_per_task(results: pd.DataFrame) -> pd.DataFrame:
    """Add ``cost_per_task`` = ``cost / n_tasks`` (money per labelled item) when both columns exist."""
    if {"cost", "n_tasks"} <= set(results.columns):
        return results.assign(cost_per_task=results["cost"] / results["n_tasks"])
    return results


def with_cheating_rate(results: pd.DataFrame, honest_share: str) -> pd.DataFrame:
    """Add ``cheating_rate`` = 1 − the swept honest share (NaN in reference rows); SandboxError if the
    sweep did not vary ``honest_share``."""
    if honest_share not in results.columns:
        raise SandboxError(f"the sweep has no column {honest_share!r}; it must vary the honest share")
    share = pd.to_numeric(results[honest_share], errors="coerce").astype(float)
    return results.assign(cheating_rate=(1.0 - share).round(6))


#: The measures of :func:`accuracy_by_items`: column → what the chart calls it.
ITEM_MEASURES = {"accuracy": "all items", "accuracy_misleading": "misleading items"}


def accuracy_by_items(results: pd.DataFrame, x: str, aggregator: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``aggregator``'s accuracy on all items and on the misleading ones as ``x`` grows (crowd rows:
    ``items, <x>, mean, low, high, seeds``), and the reference's (``items, mean, low, high, seeds``).
    SandboxError when the sweep has no misleading items (no ``accuracy_misleading`` column)."""
    if "accuracy_misleading" not in results.columns:
        raise SandboxError("the sweep has no misleading items (no accuracy_misleading column)")
    chosen = results[results["aggregator"] == aggregator]
    curves, references = [], []
    for column, label in ITEM_MEASURES.items():
        curve = bands(chosen, x, column).drop(columns="aggregator")
        curves.append(curve.assign(items=label))
        references.append(reference(chosen, column).drop(columns="aggregator").assign(items=label))
    return pd.concat(curves, ignore_index=True), pd.concat(references, ignore_index=True)
