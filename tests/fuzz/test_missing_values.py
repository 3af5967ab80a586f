"""Properties: a missing-value spelling (``None``, ``NA``, ``null``, ``nan``, ``N/A`` and the rest of
pandas' list) is a value like any other in every user table — gold, answers, pairwise gold — while an
empty cell is refused with its row (answers and gold) or counted as no answer (a platform's export);
nothing is dropped silently (issue 22: gold ``1,None / 2,cat / 3,dog`` scored 1.0 on 2 tasks)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foundation.errors import SandboxError
from sandbox.cli.main import main
from sandbox.kinds.classification.answers import read_gold
from sandbox.kinds.pairwise.answers import read_pairwise_gold
from tests.fuzz.formats import _csv, key, rule
from tests.fuzz.strategies import examples

#: pandas' default missing-value strings (``pandas._libs.parsers.STR_NA_VALUES``) and their kin.
SPELLINGS = [
    "None", "NA", "null", "nan", "N/A", "NaN", "-nan", "-NaN", "#N/A", "#N/A N/A", "#NA", "<NA>",
    "n/a", "NULL", "-1.#IND", "1.#IND", "-1.#QNAN", "1.#QNAN", "NAN", "Null", "none",
]  # fmt: skip
EMPTY = ["", " ", "\t", "  \u3000"]
LABELS = st.one_of(st.sampled_from(SPELLINGS), st.sampled_from(["cat", "dog", "0", "1"]))


def _parquet(path: Path, columns: dict[str, list[str]]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({k: pa.array(v, pa.string()) for k, v in columns.items()}), path)


@settings(max_examples=examples(120))
@given(
    labels=st.lists(st.one_of(LABELS, st.sampled_from(EMPTY)), min_size=1, max_size=8),
    parquet=st.booleans(),
)
def test_gold_keeps_every_spelling_and_refuses_an_empty_cell(labels: list[str], parquet: bool) -> None:
    tasks = [str(t) for t in range(len(labels))]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("gold.parquet" if parquet else "gold.csv")
        if parquet:
            _parquet(path, {"task": tasks, "label": labels})
        else:
            path.write_bytes(_csv(["task", "label"], list(zip(tasks, labels, strict=True))))
        empties = [row for row, label in enumerate(labels) if rule(label) is None]
        if empties:
            with pytest.raises(
                SandboxError, match=rf"row {empties[0] + 1}, column 'label': the cell is empty"
            ):
                read_gold(path)
            return
        gold = read_gold(path)
    assert len(gold) == len(labels)
    assert [key(v) for v in gold.to_numpy()] == [key(rule(label)) for label in labels]


@settings(max_examples=examples(40))
@given(gold_labels=st.lists(LABELS, min_size=2, max_size=6), answered=st.data())
def test_evaluate_scores_every_gold_task_whatever_its_label_is_called(
    gold_labels: list[str], answered: st.DataObject, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every task has three answers of one label drawn from the gold labels' spellings: MV is that
    label, and the accuracy is the share of tasks where it equals the gold, over every gold task."""
    names = sorted(set(gold_labels))
    given_labels = [answered.draw(st.sampled_from(names)) for _ in gold_labels]
    with tempfile.TemporaryDirectory() as folder:
        answers = Path(folder) / "answers.csv"
        rows = [(t, f"w{w}", label) for t, label in enumerate(given_labels) for w in range(3)]
        answers.write_bytes(_csv(["task", "worker", "label"], rows))
        gold = Path(folder) / "gold.csv"
        gold.write_bytes(_csv(["task", "label"], list(enumerate(gold_labels))))
        capsys.readouterr()
        status = main(
            [
                "evaluate",
                "--answers",
                str(answers),
                "--gold",
                str(gold),
                "--aggregators",
                "mv",
                "--format",
                "json",
            ]
        )
        captured = capsys.readouterr()
    if not set(gold_labels) & set(given_labels):
        assert status == 2 and "shares no label" in captured.err
        return
    assert status == 0, captured.err
    result = json.loads(captured.out)["results"][0]
    right = sum(a == g for a, g in zip(given_labels, gold_labels, strict=True))
    assert result["accuracy"] == pytest.approx(right / len(gold_labels))


@settings(max_examples=examples(60))
@given(
    items=st.lists(st.sampled_from([*SPELLINGS, "a", "b", "c"]), min_size=2, max_size=5, unique=True),
    score=st.sampled_from(["0.5", "1", *SPELLINGS, *EMPTY]),
)
def test_pairwise_gold_items_may_be_called_anything_but_a_score_is_a_number(
    items: list[str], score: str
) -> None:
    answers_items = [rule(i) for i in items]
    import pandas as pd

    answers = pd.DataFrame({"left": answers_items[:-1], "right": answers_items[1:]}, dtype=object)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "scores.csv"
        path.write_bytes(
            _csv(["item", "score"], [(i, score if n == 0 else "1") for n, i in enumerate(items)])
        )
        try:
            float(score)
            number = score.strip().lower() not in ("nan", "-nan", "inf") and score.strip() != ""
        except ValueError:
            number = False
        if not number:
            with pytest.raises(SandboxError, match="it must hold a finite score"):
                read_pairwise_gold(path, answers)
            return
        gold = read_pairwise_gold(path, answers)
    assert gold.scores is not None and [key(i) for i in gold.scores.index] == [key(i) for i in answers_items]
