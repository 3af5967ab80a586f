"""Property: every file, read as any export format with any options, gives answers that keep the
contract or one SandboxError — never another exception — and Python allocations stay within a
small multiple of the file's size (measured with tracemalloc)."""

from __future__ import annotations

import tempfile
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import event, given, settings
from hypothesis import strategies as st

from foundation.errors import SandboxError, printable
from sandbox.io.export_formats import DUPLICATE_POLICIES, FORMATS, MULTI_CHOICE_POLICIES
from sandbox.io.importers.base import ImportedAnswers
from sandbox.kinds.classification.answers import read_gold
from sandbox.kinds.classification.readers import load_answers
from sandbox.kinds.pairwise.items import read_item_table
from sandbox.kinds.pairwise.readers import load_pairwise_answers
from tests.fuzz.strategies import CELLS, examples, export_file, items_file, pairwise_export_file

FIXTURES = Path(__file__).resolve().parents[1] / "importers" / "fixtures"
#: Python allocations while reading: at most this many times the file's size, plus a fixed margin
#: for pandas' own tables.
BYTES_PER_FILE_BYTE = 64
MARGIN_BYTES = 8 * 1024**2

ANY_OPTIONS = st.fixed_dictionaries(
    {
        "format": st.sampled_from([None] * 8 + list(FORMATS)),
        "from_name": st.sampled_from([None, None, None, "c", "q", "s", "nope"]),
        "task_field": st.sampled_from([None, None, None, "item", "x"]),
        "duplicates": st.sampled_from(DUPLICATE_POLICIES),
        "multi_choice": st.sampled_from(MULTI_CHOICE_POLICIES),
        "label_config": st.sampled_from([None, None, None, None, str(FIXTURES / "ls_config.xml")]),
    }
)
OPTIONS = st.one_of(st.just({}), ANY_OPTIONS)  # the defaults half the time: deeper into the readers


def _warm_up() -> None:
    """Import every reader once, so that the memory measured is the reading, not module loading."""
    for name in ("ls_full.json", "ls_min.json", "ls_export.csv", "long.csv"):
        try:
            load_answers(FIXTURES / name, label_config=FIXTURES / "ls_config.xml", multi_choice="skip")
        except SandboxError:
            pass
    for fmt in FORMATS:
        try:
            load_answers(FIXTURES / "mturk_batch.csv", format=fmt)
        except SandboxError:
            pass


_warm_up()


def check_seconds(answers: pd.DataFrame) -> None:
    """The working-time contract: an optional ``seconds`` column of float64, finite and >= 0 where
    known, NaN where not recorded, never a column of NaN only."""
    if "seconds" not in answers.columns:
        return
    values = answers["seconds"]
    assert values.dtype == np.float64
    known = values.dropna().to_numpy()
    assert len(known) > 0 and np.isfinite(known).all() and (known >= 0).all()


def check_contract(answers: pd.DataFrame) -> None:
    """The answers contract: three columns (+ optional seconds), rows, no gaps, one type per column,
    plain values."""
    check_seconds(answers)
    assert [c for c in answers.columns if c != "seconds"] == ["task", "worker", "label"]
    answers = answers[["task", "worker", "label"]]
    assert len(answers) > 0
    assert not answers.isna().any().any()
    for column in answers.columns:
        values = answers[column]
        if values.dtype == object:
            assert all(type(v) is str and v and "\x00" not in v for v in values), values.tolist()
        else:
            assert values.dtype == np.int64


def one_line(error: SandboxError) -> str:
    line = printable(str(error))
    assert line and "\n" not in line
    return line


def read_measured(file: tuple[str, bytes], read: Callable[[Path], ImportedAnswers]) -> ImportedAnswers | None:
    """``read`` the file's bytes from disk: its result, or None after a one-line SandboxError; the
    Python allocations while reading must stay within a multiple of the file's size."""
    suffix, data = file
    result = None
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"export{suffix}"
        path.write_bytes(data)
        tracemalloc.start()
        try:
            result = read(path)
        except SandboxError as error:
            one_line(error)
        finally:
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
    assert peak <= BYTES_PER_FILE_BYTE * len(data) + MARGIN_BYTES, (peak, len(data))
    event("refused" if result is None else "read")
    return result


@settings(max_examples=examples(400))
@given(file=export_file(), options=OPTIONS)
def test_any_file_is_read_within_the_contract_or_refused(
    file: tuple[str, bytes], options: dict[str, Any]
) -> None:
    result = read_measured(file, lambda path: load_answers(path, **options))
    if result is not None:
        check_contract(result.answers)
        if result.gold is not None:
            assert not result.gold.isna().any()


GOLD_ROWS = st.lists(st.tuples(CELLS, CELLS), max_size=6)


@settings(max_examples=examples(100))
@given(rows=GOLD_ROWS, header=st.sampled_from(["task,label", "task", "label,task", "id,label", ""]))
def test_any_gold_file_is_read_or_refused(rows: list[tuple[str, str]], header: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "gold.csv"
        text = header + "\n" + "".join(f'"{a}","{b}"\n'.replace("\x00", "") for a, b in rows)
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            gold = read_gold(path)
        except SandboxError as error:
            one_line(error)
        else:
            assert len(gold) > 0 and not gold.isna().any()
            assert not gold.index.duplicated().any()


PAIRWISE_OPTIONS = st.fixed_dictionaries(
    {
        "format": st.sampled_from([None] * 6 + list(FORMATS)),
        "from_name": st.sampled_from([None, None, "pw", "q", "nope"]),
        "left_field": st.sampled_from([None, None, "text1", "a", "left"]),
        "right_field": st.sampled_from([None, None, "text2", "b", "right"]),
        "group_field": st.sampled_from([None, None, None, "query", "nope"]),
        "duplicates": st.sampled_from(DUPLICATE_POLICIES),
    }
)


@settings(max_examples=examples(300))
@given(file=pairwise_export_file(), options=st.one_of(st.just({}), PAIRWISE_OPTIONS))
def test_any_file_read_as_pairwise_keeps_the_contract_or_is_refused(
    file: tuple[str, bytes], options: dict[str, Any]
) -> None:
    result = read_measured(file, lambda path: load_pairwise_answers(path, **options))
    if result is not None:
        check_seconds(result.answers)
        columns = ["task", "worker", "left", "right", "label"]
        assert [c for c in result.answers.columns if c != "seconds"] == columns
        answers = result.answers[columns]
        assert len(answers) > 0 and not answers.isna().any().any()
        assert set(answers["label"]) <= {"left", "right", "tie"}
        assert (answers["left"] != answers["right"]).all()


def test_a_pairwise_result_that_is_not_a_list_is_one_line(tmp_path: Path) -> None:
    """Found by the fuzz suite: ``"result": 1`` crashed the pairwise Label Studio reader."""
    path = tmp_path / "export.json"
    path.write_text('[{"id": 0, "data": {}, "annotations": [{"completed_by": 1, "result": 1}]}]')
    try:
        load_pairwise_answers(path, format="labelstudio_json")
    except SandboxError as error:
        assert "result must be a list of objects" in one_line(error)
    else:
        raise AssertionError("a result of 1 was accepted")


ITEM_ANSWERS = pd.DataFrame({"left": [0, 1, 2], "right": [1, 2, 3]})


@settings(max_examples=examples(100))
@given(text=items_file())
def test_any_items_file_is_read_or_refused(text: str) -> None:
    """``--items``: numeric, finite columns by item in the answers' id type, or one error line."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "items.csv"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            items = read_item_table(path, ITEM_ANSWERS)
        except SandboxError as error:
            one_line(error)
        else:
            assert not items.index.duplicated().any() and len(items.columns) > 0
            assert np.isfinite(items.to_numpy(dtype=float)).all()
