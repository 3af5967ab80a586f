"""Summary of a sweep: mean and 95% confidence interval across seeds, per point and aggregator."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from sandbox.sweep.parts import RESERVED_COLUMNS


def metric_columns(results: pd.DataFrame, params: list[str]) -> list[str]:
    """Numeric columns that are metrics (not keys, not grid parameters)."""
    skip = set(RESERVED_COLUMNS) | set(params)
    return [
        name
        for name in results.columns
        if name not in skip
        and pd.api.types.is_numeric_dtype(results[name])
        and not pd.api.types.is_bool_dtype(results[name])
    ]


def ci_half_width(values: pd.Series) -> float:
    """Half-width of the two-sided 95% Student-t interval of the mean (NaN below 2 values)."""
    clean = values.dropna().to_numpy(dtype=float)
    if clean.size < 2:
        return float("nan")
    t = float(stats.t.ppf(0.975, clean.size - 1))
    return t * float(np.std(clean, ddof=1)) / float(np.sqrt(clean.size))


def summarize(results: pd.DataFrame, params: list[str], order: list[str] | None = None) -> pd.DataFrame:
    """One row per (role, grid parameters, aggregator): ``seeds``, ``errors`` and, per metric,
    ``<metric>_mean`` and ``<metric>_ci95`` (half-width) over the seeds that ran.

    ``order`` lists point ids in display order (grid order); by default, order of appearance.
    """
    keys = ["role", *params, "aggregator"]
    metrics = metric_columns(results, params)
    if order is not None:
        rank = {point: index for index, point in enumerate(order)}
        position = results["point"].map(rank).fillna(len(rank))
        results = results.assign(_rank=position).sort_values("_rank", kind="stable")
    records = []
    for group, frame in results.groupby(keys, dropna=False, sort=False):
        ok = frame[frame["error"].isna()]
        record = dict(zip(keys, group, strict=True))
        record["seeds"] = int(frame["seed_index"].nunique())
        record["errors"] = int(frame["error"].notna().sum())
        for metric in metrics:
            record[f"{metric}_mean"] = float(ok[metric].mean()) if len(ok) else float("nan")
            record[f"{metric}_ci95"] = ci_half_width(ok[metric])
        records.append(record)
    return pd.DataFrame.from_records(records, columns=None if records else keys)
