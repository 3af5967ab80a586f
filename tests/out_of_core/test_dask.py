"""On a real local Dask cluster (two worker processes), per-partition reductions give the in-memory
results; ``evaluate --scheduler`` prints what the out-of-core run prints."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest

from sandbox.aggregation.ties import TieBreak
from sandbox.datasets import load_dataset
from sandbox.experiment.partitioned import evaluate_partitioned
from sandbox.kinds.base import default_kind
from sandbox.kinds.classification.aggregation import aggregate
from tests.conftest import REPO
from tests.out_of_core._partitions import assert_same_result, split_evenly
from tests.out_of_core.test_engine import synthetic

distributed = pytest.importorskip("distributed")

Cli = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A LocalCluster of two worker processes on 127.0.0.1 (workers import this checkout)."""
    previous = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), previous]))
    try:
        with distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as cluster:
            yield str(cluster.scheduler_address)
    finally:
        if previous is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = previous


@pytest.mark.parametrize("method", ["mv", "ds"])
def test_dask_reductions_match_in_memory(tmp_path: Path, scheduler: str, method: str) -> None:
    answers = load_dataset("zheng_dog").answers
    assert answers is not None
    split_evenly(answers, tmp_path, parts=4)
    result = evaluate_partitioned(
        default_kind(), str(tmp_path), None, [method], scheduler=scheduler, batch_rows=1000
    )
    assert result.partitions == 4 and result.passes[method] >= 1
    assert_same_result(result.outcome.aggregations[method], aggregate(method, answers, engine="fast"))


def test_dask_string_ids_match_out_of_core_and_in_memory(tmp_path: Path, scheduler: str) -> None:
    answers = synthetic(400, 30, ("neg", "neu", "pos"), seed=7)
    split_evenly(answers, tmp_path, parts=3)
    remote = evaluate_partitioned(
        default_kind(), str(tmp_path / "*.parquet"), None, ["ds"], scheduler=scheduler
    )
    local = evaluate_partitioned(default_kind(), str(tmp_path / "*.parquet"), None, ["ds"])
    memory = aggregate("ds", answers, engine="fast")
    assert_same_result(remote.outcome.aggregations["ds"], memory)
    assert_same_result(local.outcome.aggregations["ds"], memory)
    assert remote.passes == local.passes


def test_evaluate_with_scheduler_prints_the_out_of_core_json(
    cli: Cli, tmp_path: Path, scheduler: str
) -> None:
    answers = load_dataset("zheng_product").answers
    assert answers is not None
    split_evenly(answers, tmp_path / "parts", parts=3)
    truth = load_dataset("zheng_product").truth
    truth.rename("label").rename_axis("task").reset_index().to_csv(tmp_path / "gold.csv", index=False)
    common = ("evaluate", "--answers", str(tmp_path / "parts"), "--gold", str(tmp_path / "gold.csv"))
    remote = cli(*common, "--scheduler", scheduler, "--format", "json")
    local = cli(*common, "--format", "json")
    assert remote.returncode == 0 and local.returncode == 0, remote.stderr + local.stderr
    remote_doc, local_doc = json.loads(remote.stdout), json.loads(local.stdout)
    for document in (remote_doc, local_doc):
        for row in document["results"]:
            row.pop("seconds")
    assert remote_doc == local_doc
    accuracy = {row["aggregator"]: row["accuracy"] for row in remote_doc["results"]}
    assert accuracy["mv"] == pytest.approx(0.897, abs=0.005)  # as evaluate --dataset zheng_product
    assert accuracy["ds"] == pytest.approx(0.940, abs=0.005)


def test_dask_breaks_ties_as_in_memory(tmp_path: Path, scheduler: str) -> None:
    """Majority vote's tied tasks on the cluster (partitions in small batches) take the labels of the
    seeded rule on the same answers read whole in the same row order, as out of core locally."""
    answers = synthetic(600, 30, ("neg", "neu", "pos"), seed=11)
    paths = split_evenly(answers, tmp_path, parts=3)
    ordered = pd.concat([pd.read_parquet(path) for path in paths], ignore_index=True)
    memory = aggregate("mv", ordered, engine="fast", ties=TieBreak(seed=4))
    assert memory.n_tied > 0  # not vacuous
    ties = TieBreak(seed=4)
    for where in (scheduler, None):
        result = evaluate_partitioned(
            default_kind(), str(tmp_path), None, ["mv"], scheduler=where, batch_rows=100, ties=ties
        ).outcome.aggregations["mv"]
        assert result.n_tied == memory.n_tied
        assert result.labels.equals(memory.labels)
