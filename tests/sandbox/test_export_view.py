"""A user's upload: reading, consensus, annotator flags (planted crowd) and the published MV figure."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from annotators.population import Population
from sandbox.aggregation import aggregate
from sandbox.errors import SandboxError
from sandbox.export_view import annotator_table, consensus_table, fitted_population, read_upload
from tests.conftest import answers_frame

REPO = Path(__file__).resolve().parents[2]
SNOW_RTE = REPO / "datasets" / "snow_rte"
SNOW_RTE_MV = 0.9187  # majority-vote accuracy on gold, ties to the smallest label (datasets README)


def planted_crowd() -> tuple[pd.DataFrame, pd.Series]:
    """20 tasks, truth alternating 0/1: three perfect workers, one always answering 1, one always wrong."""
    rows = []
    for task in range(20):
        truth = task % 2
        rows += [(task, f"h{i}", truth) for i in range(3)]
        rows += [(task, "fixed", 1), (task, "liar", 1 - truth)]
    gold = pd.Series([t % 2 for t in range(20)], index=pd.Index(range(20), name="task"), name="label")
    return answers_frame(rows), gold


def test_annotator_table_flags_the_planted_spammers() -> None:
    answers, gold = planted_crowd()
    table = annotator_table(answers, aggregate("mv", answers), gold).set_index("worker")
    assert table.loc[["h0", "h1", "h2"], "agreement"].tolist() == [1.0, 1.0, 1.0]
    assert not table.loc[["h0", "h1", "h2"], "suspected"].any()
    # "fixed": label 1 in 100% of its answers; the consensus is 1 on 50% of those tasks (< 70%).
    assert table.loc["fixed", "suspected"] and "100%" in table.loc["fixed", "reason"]
    # "liar": agreement 0, chance = 0.5² + 0.5² = 0.5.
    assert table.loc["liar", "suspected"] and table.loc["liar", "agreement"] == 0.0
    assert table.loc["liar", "gold_accuracy"] == 0.0 and table.loc["h0", "gold_accuracy"] == 1.0


def test_fitted_population_of_the_planted_crowd() -> None:
    answers, gold = planted_crowd()
    table = annotator_table(answers, aggregate("mv", answers), gold)
    population = Population.from_dict(fitted_population(table, name="planted"), source="test")
    shares = {m.archetype.name: m.share for m in population.members}
    assert shares == pytest.approx({"honest": 0.6, "fixed_spammer": 0.2, "uniform_spammer": 0.2})
    assert population.pool_size == 5


def test_read_upload_of_snow_rte_reproduces_the_published_majority_vote(tmp_path: Path) -> None:
    labels = (SNOW_RTE / "labels.csv").read_bytes()
    gold = (SNOW_RTE / "gold.csv").read_bytes()
    real = read_upload((labels, "labels.csv"), (gold, "gold.csv"), tmp_path)
    assert len(real.answers) == 8000 and len(real.gold) == 800
    consensus = consensus_table(aggregate("mv", real.answers))
    right = consensus["label"].to_numpy() == real.gold.reindex(consensus["task"]).to_numpy()
    assert right.mean() == pytest.approx(SNOW_RTE_MV, abs=5e-5)
    assert consensus["confidence"].between(0.5, 1.0).all()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"task,worker\n1,2\n", "a.csv", "missing column 'label'"),
        (b"", "a.csv", "is empty"),
        (b"task,worker,label\n1,2,3\n", "a.xlsx", "unsupported file type '.xlsx'"),
        (b"\x00\x01 not parquet", "a.parquet", "cannot be read"),
    ],
)
def test_bad_uploads_are_sandbox_errors(tmp_path: Path, content: bytes, name: str, message: str) -> None:
    with pytest.raises(SandboxError, match=re.escape(message)):
        read_upload((content, name), None, tmp_path)
