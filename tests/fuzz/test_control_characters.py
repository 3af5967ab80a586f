"""Property: control characters anywhere in any cell of any table format — CSV (long, MTurk, Label
Studio), Parquet, JSON and JSON_MIN, gold files, pairwise tables — are read exactly (the rule of
``sandbox/io/values.py`` only strips whitespace around a cell), and a NUL anywhere is refused with one
error line; a cell is never cut at a control character, so different ids never merge (issue 22: an
MTurk batch with workers ``W\\x001`` and ``W\\x002`` was read as one worker ``W``)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from foundation.errors import SandboxError, printable
from sandbox.kinds.classification.answers import read_gold
from sandbox.kinds.classification.readers import load_answers
from sandbox.kinds.pairwise.readers import load_pairwise_answers
from tests.fuzz.formats import CLASSIFICATION, Row, _csv, key, pairwise_long, rule, write
from tests.fuzz.strategies import examples

CONTROLS = [chr(c) for c in range(32)] + ["\x7f", "\x85", "\u2028", "\u2029", "\u202e", "\ufeff", "\u200b"]
CELL = st.text(st.sampled_from([*CONTROLS, "a", "b", "1", " ", "é"]), min_size=1, max_size=6)
PLAIN = st.sampled_from(["t1", "t2", "w1", "w2", "x", "y"])


@st.composite
def rows_with_controls(draw: st.DrawFn) -> list[Row]:
    """A few rows of plain cells with control characters put anywhere (a NUL now and then)."""
    rows = draw(st.lists(st.tuples(PLAIN, PLAIN, PLAIN), min_size=1, max_size=5))
    cells = [list(row) for row in rows]
    for _ in range(draw(st.integers(1, 4))):
        row, column = draw(st.integers(0, len(cells) - 1)), draw(st.integers(0, 2))
        at = draw(st.integers(0, len(cells[row][column])))
        text = cells[row][column]
        cells[row][column] = text[:at] + draw(CELL) + text[at:]
    return [(a, b, c) for a, b, c in cells]


def has_nul(rows: list[Row]) -> bool:
    return any("\x00" in str(cell) for row in rows for cell in row)


@settings(max_examples=examples(300))
@given(rows=rows_with_controls(), name=st.sampled_from(sorted(CLASSIFICATION)))
def test_control_characters_are_kept_and_a_nul_is_refused_in_every_format(rows: list[Row], name: str) -> None:
    assume(all(rule(cell) is not None for row in rows for cell in row))
    if name == "labelstudio_csv":
        assume(not any(str(label).lstrip(" ").startswith(("{", "[")) for _, _, label in rows))
    with tempfile.TemporaryDirectory() as folder:
        path, options = write(Path(folder), name, rows)
        if has_nul(rows):
            with pytest.raises(SandboxError, match="NUL") as info:
                load_answers(path, **options)
            assert "\n" not in printable(str(info.value))
            return
        answers = load_answers(path, **options).answers
    read = [tuple(key(v) for v in row) for row in answers.itertuples(index=False)]
    assert read == [tuple(key(rule(c)) for c in row) for row in rows]


@settings(max_examples=examples(100))
@given(rows=rows_with_controls(), parquet=st.booleans())
def test_gold_files_keep_control_characters_and_refuse_a_nul(rows: list[Row], parquet: bool) -> None:
    assume(all(rule(cell) is not None for row in rows for cell in row[::2]))
    gold = {rule(task): label for task, _, label in rows}
    assume(len(gold) == len(rows))  # one row per task
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("gold.parquet" if parquet else "gold.csv")
        pairs = [(task, label) for task, _, label in rows]
        if parquet:
            import pyarrow as pa
            import pyarrow.parquet as pq

            table = {"task": [t for t, _ in pairs], "label": [label for _, label in pairs]}
            pq.write_table(pa.table({k: pa.array(v, pa.string()) for k, v in table.items()}), path)
        else:
            path.write_bytes(_csv(["task", "label"], pairs))
        if any("\x00" in t + label for t, label in pairs):
            with pytest.raises(SandboxError, match="NUL"):
                read_gold(path)
            return
        read = read_gold(path)
    assert [(key(t), key(label)) for t, label in read.items()] == [
        (key(rule(t)), key(rule(label))) for t, label in pairs
    ]


@settings(max_examples=examples(100))
@given(rows=rows_with_controls())
def test_pairwise_tables_keep_control_characters_and_refuse_a_nul(rows: list[Row]) -> None:
    votes = [(w, a, b, "left") for a, w, b in rows]
    assume(all(rule(c) is not None for row in rows for c in row))
    assume(all(rule(a) != rule(b) and str(rule(a)).lower() != "tie" for _, a, b, _ in votes))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "votes.csv"
        path.write_bytes(pairwise_long(votes))
        if has_nul(rows):
            with pytest.raises(SandboxError, match="NUL"):
                load_pairwise_answers(path, format="long")
            return
        answers = load_pairwise_answers(path, format="long").answers
    read = [
        (key(w), key(a), key(b)) for w, a, b in answers[["worker", "left", "right"]].itertuples(index=False)
    ]
    assert read == [(key(rule(w)), key(rule(a)), key(rule(b))) for w, a, b, _ in votes]
