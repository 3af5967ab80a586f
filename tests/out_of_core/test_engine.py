"""Out-of-core MV and Dawid–Skene over Parquet partitions give the in-memory fast engine's results."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sandbox.aggregation.aggregate import Aggregation
from sandbox.aggregation.out_of_core import Sizes, StreamedReductions, aggregate_streamed
from sandbox.datasets import load_dataset
from sandbox.io.partitioned.reader import build_dictionaries, coded_batches, discover
from sandbox.kinds.classification.aggregation import aggregate
from sandbox.kinds.classification.answers import validate_answers
from tests.out_of_core._partitions import assert_same_result, split_evenly, write_partitions


def streamed(method: str, pattern: str, batch_rows: int = 1 << 20) -> tuple[Aggregation, int]:
    """``method`` over the partitions of ``pattern``, batches of ``batch_rows``; and its passes."""
    paths = discover(pattern)
    dictionaries = build_dictionaries(paths, batch_rows)
    sizes = Sizes(len(dictionaries.tasks), len(dictionaries.workers), len(dictionaries.labels))
    reductions = StreamedReductions(lambda: coded_batches(paths, dictionaries, batch_rows), sizes)
    names = [dictionaries.names(c) for c in ("task", "worker", "label")]
    return aggregate_streamed(method, reductions, *names), reductions.passes


def synthetic(n_tasks: int, n_workers: int, classes: tuple[str, ...], seed: int) -> pd.DataFrame:
    """String task and worker ids, string labels; workers right with probability 0.5–0.95."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, len(classes), n_tasks)
    skill = rng.uniform(0.5, 0.95, n_workers)
    task = np.repeat(np.arange(n_tasks), 5)
    worker = rng.integers(0, n_workers, task.size)
    right = rng.random(task.size) < skill[worker]
    label = np.where(right, truth[task], rng.integers(0, len(classes), task.size))
    return pd.DataFrame(
        {
            "task": [f"item-{t:05d}" for t in task],
            "worker": [f"w{w}" for w in worker],
            "label": np.asarray(classes, dtype=object)[label],
        }
    )


@pytest.mark.parametrize("dataset", ["zheng_product", "zheng_dog"])
@pytest.mark.parametrize("method", ["mv", "ds"])
def test_bundled_answers_in_partitions_match_in_memory(tmp_path: Path, dataset: str, method: str) -> None:
    answers = load_dataset(dataset).answers
    assert answers is not None
    split_evenly(answers, tmp_path / "parts", parts=5)
    result, passes = streamed(method, str(tmp_path / "parts"), batch_rows=997)
    assert_same_result(result, aggregate(method, answers, engine="fast"))
    if method == "ds":
        assert passes % 2 == 0 and passes >= 4  # vote + first M-step, then two per iteration


@pytest.mark.parametrize("method", ["mv", "ds"])
def test_string_ids_and_four_classes_through_a_glob(tmp_path: Path, method: str) -> None:
    answers = synthetic(600, 40, ("ant", "bee", "cat", "dog"), seed=3)
    split_evenly(answers, tmp_path / "a", parts=3)
    split_evenly(answers.iloc[:0], tmp_path / "b", parts=1)  # an empty partition adds nothing
    result, _ = streamed(method, str(tmp_path / "*" / "part-*.parquet"), batch_rows=500)
    memory = aggregate(method, answers, engine="fast")
    assert_same_result(result, memory)
    assert list(result.probas.columns) == ["ant", "bee", "cat", "dog"]  # type: ignore[union-attr]


def test_integer_valued_floats_are_integer_codes(tmp_path: Path) -> None:
    answers = synthetic(50, 7, ("x", "y", "z"), seed=1)
    answers["label"] = answers["label"].map({"x": 1.0, "y": 2.0, "z": 10.0})
    split_evenly(answers, tmp_path, parts=2)
    result, _ = streamed("ds", str(tmp_path))
    read_whole = validate_answers(answers, "whole")  # what evaluate makes of one such file
    assert_same_result(result, aggregate("ds", read_whole, engine="fast"))
    assert set(result.probas.columns) == {1, 2, 10}  # type: ignore[union-attr]


answer_rows = st.lists(
    st.tuples(st.integers(0, 12), st.sampled_from(["a", "b", "c", "d", "e"]), st.integers(0, 3)),
    min_size=1,
    max_size=80,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=answer_rows, cuts=st.lists(st.integers(0, 80), max_size=5), batch_rows=st.integers(1, 50))
def test_random_tables_in_random_partitions_match_in_memory(
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[tuple[int, str, int]],
    cuts: list[int],
    batch_rows: int,
) -> None:
    answers = pd.DataFrame(rows, columns=["task", "worker", "label"])
    directory = tmp_path_factory.mktemp("random")
    write_partitions(answers, directory, sorted({min(c, len(answers)) for c in cuts}))
    for method in ("mv", "ds"):
        result, _ = streamed(method, str(directory), batch_rows=batch_rows)
        assert_same_result(result, aggregate(method, answers, engine="fast"))
