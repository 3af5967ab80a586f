"""Property: ``fit`` estimates its memory before any work (issue 22: one worker with a million
answers peaked at 3.6 GB and died in the item model's E-step under a 4 GB address space, while
every other command refused against the budget first). On crowds of any shape the measured peak
(tracemalloc) stays within the estimate plus the fixed cost of a fit; past the budget it is refused
in one line before any work."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foundation.errors import SandboxError
from sandbox.kinds.classification.fit import (
    FIT_BYTES_PER_ANSWER,
    FIT_BYTES_PER_CONFUSION_CELL,
    FIT_BYTES_PER_TASK,
    FIT_BYTES_PER_TASK_LABEL,
    fit_population,
)
from tests.fuzz.strategies import examples

#: What a fit costs whatever its size (the models' own tables, pandas' small frames).
FIXED_BYTES = 64 * 1024**2


def crowd(n_tasks: int, n_workers: int, per_task: int, k: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    task = np.repeat(np.arange(n_tasks), per_task)
    worker = rng.integers(0, n_workers, len(task))
    truth = rng.integers(0, k, n_tasks)
    label = np.where(rng.random(len(task)) < 0.7, truth[task], rng.integers(0, k, len(task)))
    return pd.DataFrame({"task": task, "worker": worker, "label": label})


def estimate(answers: pd.DataFrame, k: int) -> float:
    n_tasks, n_workers = answers["task"].nunique(), answers["worker"].nunique()
    return float(
        n_tasks * (FIT_BYTES_PER_TASK + FIT_BYTES_PER_TASK_LABEL * k)
        + FIT_BYTES_PER_ANSWER * len(answers)
        + FIT_BYTES_PER_CONFUSION_CELL * n_workers * k * k
    )


@settings(max_examples=examples(6))
@given(
    n_tasks=st.integers(2_000, 25_000),
    n_workers=st.sampled_from([1, 2, 30, 300]),
    per_task=st.integers(1, 4),
    k=st.integers(2, 6),
    seed=st.integers(0, 3),
)
def test_the_peak_of_a_fit_stays_within_its_estimate(
    n_tasks: int, n_workers: int, per_task: int, k: int, seed: int
) -> None:
    answers = crowd(n_tasks, n_workers, per_task, k, seed)
    labels = answers["label"].nunique()
    tracemalloc.start()
    try:
        fit_population(answers, name="x")
    except SandboxError:
        pass
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert peak <= estimate(answers, labels) + FIXED_BYTES, (peak / 2**20, estimate(answers, labels) / 2**20)


def test_one_worker_with_a_million_answers_is_refused_before_any_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CROWD_SANDBOX_MEMORY_LIMIT", "2G")
    answers = crowd(1_000_000, 1, 1, 2, 0)
    tracemalloc.start()
    try:
        with pytest.raises(SandboxError, match=r"fit on 1000000 answers.*would need about 3.6 GiB"):
            fit_population(answers, name="x")
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert peak < 200 * 1024**2
