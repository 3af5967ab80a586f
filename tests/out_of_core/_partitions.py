"""Helpers of the out-of-core tests: answers written as Parquet partitions, results compared."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import numpy as np
import pandas as pd

from sandbox.aggregation.aggregate import Aggregation

TOLERANCE = 1e-8


def write_partitions(answers: pd.DataFrame, directory: Path, bounds: list[int]) -> list[Path]:
    """``answers`` cut at ``bounds`` (sorted row positions) into ``part-i.parquet`` files."""
    directory.mkdir(parents=True, exist_ok=True)
    edges = [0, *bounds, len(answers)]
    paths = []
    for index, (start, stop) in enumerate(pairwise(edges)):
        path = directory / f"part-{index:03d}.parquet"
        answers.iloc[start:stop].to_parquet(path, index=False)
        paths.append(path)
    return paths


def split_evenly(answers: pd.DataFrame, directory: Path, parts: int, seed: int = 0) -> list[Path]:
    """The answers shuffled and cut into ``parts`` partitions."""
    shuffled = answers.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    bounds = [len(answers) * i // parts for i in range(1, parts)]
    return write_partitions(shuffled, directory, bounds)


def assert_same_result(streamed: Aggregation, memory: Aggregation) -> None:
    """Same tasks and labels; posteriors (and DS confusions, priors) within 1e-8.

    A label may differ only where the in-memory posteriors tie to within 1e-8 (then the summation
    order alone decides the first maximum)."""
    assert streamed.probas is not None and memory.probas is not None
    pd.testing.assert_index_equal(streamed.probas.index, memory.probas.index)
    pd.testing.assert_index_equal(streamed.probas.columns, memory.probas.columns)
    difference = np.abs(streamed.probas.to_numpy() - memory.probas.to_numpy()).max()
    assert difference <= TOLERANCE, difference
    ordered = np.sort(memory.probas.to_numpy(), axis=1)
    clear = (
        ordered[:, -1] - ordered[:, -2] > TOLERANCE if ordered.shape[1] > 1 else np.ones(len(ordered), bool)
    )
    pd.testing.assert_index_equal(streamed.labels.index, memory.labels.index)
    assert (streamed.labels.to_numpy()[clear] == memory.labels.to_numpy()[clear]).all()
    if memory.confusion is not None:
        assert streamed.confusion is not None and streamed.priors is not None and memory.priors is not None
        pd.testing.assert_index_equal(streamed.confusion.index, memory.confusion.index)
        assert np.abs(streamed.confusion.to_numpy() - memory.confusion.to_numpy()).max() <= TOLERANCE
        assert np.abs(streamed.priors.to_numpy() - memory.priors.to_numpy()).max() <= TOLERANCE
