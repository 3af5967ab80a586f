"""Properties of ``--reference`` (issue 21): a hostile reference file (NUL characters, missing-value
spellings, empty cells, ids at the 64-bit limits and beyond, repeated tasks, no overlap, predictions
JSON of any shape) is read under the one rule of ids and labels or refused with one clear message;
and renaming tasks, workers and labels (pairwise: tasks, raters and items) by a bijection changes
none of the report's reference columns."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foundation.errors import SandboxError
from sandbox.kinds.classification.reference_answers import read_reference
from sandbox.kinds.classification.report import annotator_report
from tests.fuzz.formats import _csv, key, rule
from tests.fuzz.strategies import JSON_VALUES, examples
from tests.fuzz.test_missing_values import EMPTY, SPELLINGS
from tests.fuzz.test_renaming import NAME_SETS, renaming

#: The answers every reference file is read against: tasks 0..4, text labels.
ANSWERS = pd.DataFrame(
    {
        "task": np.repeat(np.arange(5, dtype=np.int64), 2),
        "worker": np.tile(np.array(["w1", "w2"], dtype=object), 5),
        "label": np.array(["cat", "dog"] * 5, dtype=object),
    }
)
LIMITS = ["9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809"]
TASK_CELLS = st.one_of(
    st.sampled_from(["0", "1", "2", "3", "4", " 3 ", "03", "+1", "1.0", "x", "٣", *LIMITS, *EMPTY]),
    st.sampled_from(["a\x00b", "\x00"]),
)
LABEL_CELLS = st.one_of(st.sampled_from(["cat", "dog", "0", "1", *SPELLINGS, *EMPTY]), st.just("c\x00t"))


def expected_error(cells: list[tuple[str, str]]) -> str | None:
    """The message a table of ``cells`` must be refused with (None: it must be read)."""
    flat = [cell for row in cells for cell in row]
    if any("\x00" in cell for cell in flat):
        return "NUL character"
    if any(rule(cell) is None for cell in flat):
        return "the cell is empty"
    tasks = [rule(task) for task, _ in cells]
    if len(set(map(key_of, tasks))) < len(tasks):
        return "more than one label"
    if not {key_of(t) for t in tasks} & {str(t) for t in range(5)}:
        return "shares no task"
    return None


def key_of(value: Any) -> str:
    return key(value) if value is not None else ""


@settings(max_examples=examples(150))
@given(rows=st.lists(st.tuples(TASK_CELLS, LABEL_CELLS), min_size=1, max_size=6))
def test_a_reference_table_is_read_under_the_rule_or_refused(rows: list[tuple[str, str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "reference.csv"
        path.write_bytes(_csv(["task", "label"], rows))
        error = expected_error(rows)
        if error is not None:
            with pytest.raises(SandboxError, match=error):
                read_reference(path, ANSWERS)
            return
        reference = read_reference(path, ANSWERS)
    wanted = {key_of(rule(t)): key_of(rule(label)) for t, label in rows if key_of(rule(t)) in set("01234")}
    assert {key(t): key(v) for t, v in reference.items()} == wanted
    assert all(isinstance(v, str) for v in reference)  # in the answers' type: text labels


PREDICTION_TASKS = st.one_of(
    st.integers(0, 6), st.sampled_from(["1", " 4 ", "03", "", "a\x00", 2**63, -(2**63), -1, None, True, [1]])
)
PREDICTION_CHOICES = st.sampled_from(
    ["cat", "dog", " dog ", 1, "NA", "None", None, "", " ", True, [1], {"a": 1}]
)


@st.composite
def prediction(draw: st.DrawFn) -> Any:
    """A Label Studio prediction: mostly well formed (a task 0..6, one label), else hostile."""
    shape = draw(st.integers(0, 15))
    if shape == 0:
        return draw(JSON_VALUES)
    if shape < 10:
        task: Any = draw(st.integers(0, 6))
        choices = [draw(st.sampled_from(["cat", "dog", "NA", " dog ", 1]))]
    else:
        task = draw(PREDICTION_TASKS)
        choices = draw(st.lists(PREDICTION_CHOICES, min_size=0, max_size=2))
    return {
        "task": task,
        "result": [{"from_name": "c", "to_name": "t", "type": "choices", "value": {"choices": choices}}],
    }


def cell_of(value: Any) -> int | str | None:
    """An id or label of a JSON value under the rule (None: not one)."""
    if type(value) is int:
        return rule(value)
    if type(value) is str and "\x00" not in value:
        return rule(value)
    return None


def clean_prediction(item: Any) -> tuple[str, str] | None:
    """(task key, label) of a prediction the reader must accept, None for one it must refuse."""
    if not isinstance(item, dict) or set(item) != {"task", "result"}:
        return None
    choices = item["result"][0]["value"]["choices"]
    task = cell_of(item["task"])
    label = cell_of(choices[0]) if len(choices) == 1 else None
    if task is None or label is None:
        return None
    return key(task), str(label)


@settings(max_examples=examples(150))
@given(items=st.lists(prediction(), min_size=1, max_size=5))
def test_predictions_json_of_any_shape_is_read_or_refused(items: list[Any]) -> None:
    read = [clean_prediction(item) for item in items]
    tasks = [r[0] for r in read if r is not None]
    must_refuse = None in read or len(set(tasks)) < len(tasks) or not set(tasks) & set("01234")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "reference.json"
        path.write_text(json.dumps(items))
        if must_refuse:
            with pytest.raises(SandboxError):
                read_reference(path, ANSWERS)
            return
        reference = read_reference(path, ANSWERS)
    wanted = {t: label for r in read if r is not None for t, label in [r] if t in set("01234")}
    assert {key(t): v for t, v in reference.items()} == wanted


ANSWER_ROWS = st.lists(
    st.tuples(st.integers(0, 7), st.integers(0, 5), st.integers(0, 2)),
    min_size=6,
    max_size=40,
    unique_by=lambda row: (row[0], row[1]),
)
REFERENCE_COLUMNS = (
    "model_answers", "model_agreement", "model_agreement_expected", "model_excess",
    "contested_answers", "contested_on_model", "contested_expected", "p_model",
    "model_wrong_answers", "model_wrong_on_model", "model_wrong_expected", "p_model_wrong", "pasting",
)  # fmt: skip


@settings(max_examples=examples(40))
@given(
    rows=ANSWER_ROWS,
    model=st.lists(st.integers(0, 2), min_size=8, max_size=8),
    gold=st.lists(st.integers(0, 2), min_size=8, max_size=8),
    sets=st.tuples(*[st.sampled_from(NAME_SETS)] * 3),
    orders=st.tuples(*[st.permutations(list(range(10)))] * 3),
)
def test_renaming_tasks_workers_and_labels_changes_no_reference_column(
    rows: list[tuple[int, int, int]],
    model: list[int],
    gold: list[int],
    sets: tuple[tuple[Any, ...], ...],
    orders: tuple[list[int], ...],
) -> None:
    tasks, workers, labels = (renaming(names, order) for names, order in zip(sets, orders, strict=True))

    def frame(t: Any, w: Any, lab: Any) -> pd.DataFrame:
        answers = pd.DataFrame(
            {
                "task": [t(r[0]) for r in rows],
                "worker": [w(r[1]) for r in rows],
                "label": [lab(r[2]) for r in rows],
            }
        )
        return answers.astype(object)

    def series(values: list[int], t: Any, lab: Any) -> pd.Series:
        return pd.Series([lab(v) for v in values], index=pd.Index([t(i) for i in range(8)], name="task"))

    def report(t: Any, w: Any, lab: Any) -> pd.DataFrame:
        from sandbox.kinds.classification.answers import align_gold, validate_answers
        from sandbox.kinds.classification.reference_answers import align_reference

        answers = validate_answers(frame(t, w, lab), "answers")
        truth = align_gold(series(gold, t, lab), answers, "gold", require_overlap=False)
        reference = align_reference(series(model, t, lab), answers, "reference")
        return annotator_report(answers, gold=truth, reference=reference).annotators

    def plain(code: int) -> str:
        return f"n{code}"

    before = report(plain, plain, plain)
    after = report(tasks.__getitem__, workers.__getitem__, labels.__getitem__)
    worker_of = {key(rule(f"n{w}")): key(rule(workers[w])) for _, w, _ in rows}
    after.index = [key(v) for v in after.index]
    mapped = after.loc[[worker_of[key(v)] for v in before.index]]
    for column in REFERENCE_COLUMNS:
        if column not in before:
            assert column not in after
            continue
        left, right = before[column].to_numpy(dtype=float), mapped[column].to_numpy(dtype=float)
        assert left == pytest.approx(right, nan_ok=True), column


PAIR_ROWS = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 5), st.sampled_from(["left", "right", "tie"])),
    min_size=6,
    max_size=40,
    unique_by=lambda row: (row[0], row[1]),
)


@settings(max_examples=examples(15))
@given(
    rows=PAIR_ROWS,
    model=st.lists(st.sampled_from(["left", "right", "tie"]), min_size=6, max_size=6),
    gold=st.lists(st.sampled_from(["left", "right", "tie"]), min_size=6, max_size=6),
    sets=st.tuples(*[st.sampled_from(NAME_SETS)] * 3),
    orders=st.tuples(*[st.permutations(list(range(10)))] * 3),
)
def test_renaming_pairs_raters_and_items_changes_no_pairwise_reference_column(
    rows: list[tuple[int, int, str]],
    model: list[str],
    gold: list[str],
    sets: tuple[tuple[Any, ...], ...],
    orders: tuple[list[int], ...],
) -> None:
    """Task t compares items t and t + 1 (mod 7); raters answer sides, which no renaming touches."""
    from sandbox.kinds.pairwise.answers import validate_pairwise_answers
    from sandbox.kinds.pairwise.report import pairwise_report

    tasks, workers, items = (renaming(names, order) for names, order in zip(sets, orders, strict=True))

    def report(t: Any, w: Any, i: Any) -> pd.DataFrame:
        frame = pd.DataFrame(
            {
                "task": [t(r[0]) for r in rows],
                "worker": [w(r[1]) for r in rows],
                "left": [i(r[0]) for r in rows],
                "right": [i((r[0] + 1) % 7) for r in rows],
                "label": [r[2] for r in rows],
            }
        ).astype(object)
        answers = validate_pairwise_answers(frame, "answers")
        index = pd.Index(pd.unique(answers["task"]), name="task")
        by_task = {key(rule(t(code))): code for code in range(6)}
        reference = pd.Series([model[by_task[key(k)]] for k in index], index=index, dtype=object)
        truth = pd.Series([gold[by_task[key(k)]] for k in index], index=index, dtype=object)
        return pairwise_report(answers, gold=truth, reference=reference).annotators

    def plain(code: int) -> str:
        return f"n{code}"

    before = report(plain, plain, plain)
    after = report(tasks.__getitem__, workers.__getitem__, items.__getitem__)
    worker_of = {key(rule(f"n{w}")): key(rule(workers[w])) for _, w, _ in rows}
    after.index = [key(v) for v in after.index]
    mapped = after.loc[[worker_of[key(v)] for v in before.index]]
    for column in REFERENCE_COLUMNS:
        assert (column in before) == (column in after)
        if column in before:
            left, right = before[column].to_numpy(dtype=float), mapped[column].to_numpy(dtype=float)
            assert left == pytest.approx(right, nan_ok=True), column
