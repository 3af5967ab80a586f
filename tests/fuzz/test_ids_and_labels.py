"""Properties of the one rule of ids and labels (README *Reliability*, ``sandbox/io/values.py``), in
every reader: ids at and beyond the 64-bit limits, other scripts' digits, look-alike letters, NFC
and NFD forms, zero padding, decimal points, whitespace, missing-value spellings and control
characters are read as the rule says, in every export format, whatever the other rows hold
(issue 22: ``01``, ``1``, ``1.0`` and `` 1`` merged into task 1 unless a row held ``x``; ``١٢``
next to task 12 gave two predictions, both of task 12; ``2**63`` wrapped to ``-2**63``)."""

from __future__ import annotations

import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from foundation.errors import SandboxError
from sandbox.io.labelstudio.predictions import prediction_task_id
from sandbox.kinds.classification.answers import align_gold, read_gold
from sandbox.kinds.classification.readers import load_answers
from sandbox.kinds.pairwise.readers import load_pairwise_answers
from tests.fuzz.formats import CLASSIFICATION, Cell, Row, _csv, key, pairwise_long, rule, write
from tests.fuzz.strategies import examples

CAFE = "café"
SPELLINGS = [
    "1", "01", "001", "1.0", " 1", "1 ", "+1", "-0", "0", "-1", "1e0", "12", "012", "x", "X",
    "a", "а", "A", "Α", "O", "Ο", "0", "〇",  # Latin, Cyrillic, Greek look-alikes
    unicodedata.normalize("NFC", CAFE), unicodedata.normalize("NFD", CAFE), "Å", "Å",
    "١٢", "１２", "²", "٣", "۳", "߃", "𝟙", "\u00a01", "1\u200b", "\ufeff1",
    "None", "NA", "null", "nan", "N/A", "NaN", "-nan", "#N/A", "<NA>", "n/a", "NULL", "1.#IND",
    "true", "False", "[]", "{}",
    str(2**63 - 1), str(2**63), str(-(2**63)), str(-(2**63) - 1), str(2**64 - 1), str(2**64), "9" * 30,
]  # fmt: skip
LIMITS = [0, 1, 2**31, 2**53 + 1, 2**63 - 1, 2**63, 2**64 - 1, 2**64, -1, -(2**63), -(2**63) - 1]
TEXT_CELLS = st.one_of(
    st.sampled_from(SPELLINGS),
    st.integers(-(2**65), 2**65).map(str),
    st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), min_size=1, max_size=5),
)
NUMBER_CELLS = st.one_of(st.sampled_from(LIMITS), st.integers(-(2**70), 2**70), st.integers(0, 20))
CELLS = st.one_of(TEXT_CELLS, TEXT_CELLS, NUMBER_CELLS).filter(lambda c: rule(c) is not None)
ROWS = st.lists(st.tuples(CELLS, CELLS, CELLS), min_size=1, max_size=8)


def read(name: str, rows: list[Row]) -> list[tuple[str, str, str]]:
    with tempfile.TemporaryDirectory() as folder:
        path, options = write(Path(folder), name, rows)
        answers = load_answers(path, **options).answers
    return [tuple(key(v) for v in row) for row in answers.itertuples(index=False)]  # type: ignore[misc]


def expected(rows: list[Row]) -> list[tuple[str, str, str]]:
    return [tuple(key(rule(c)) for c in row) for row in rows]  # type: ignore[misc]


@settings(max_examples=examples(300))
@given(rows=ROWS, name=st.sampled_from(sorted(CLASSIFICATION)))
def test_every_format_reads_every_cell_by_the_rule(rows: list[Row], name: str) -> None:
    if name == "labelstudio_csv":  # there a choice starting with { or [ is JSON (several choices)
        assume(not any(str(label).startswith(("{", "[")) for _, _, label in rows))
    assert read(name, rows) == expected(rows)


@settings(max_examples=examples(100))
@given(rows=ROWS, extra=st.tuples(CELLS, CELLS, CELLS), name=st.sampled_from(sorted(CLASSIFICATION)))
def test_whether_ids_merge_never_depends_on_the_other_rows(rows: list[Row], extra: Row, name: str) -> None:
    if name == "labelstudio_csv":
        assume(not any(str(label).startswith(("{", "[")) for _, _, label in [*rows, extra]))
    alone = read(name, rows)
    assert read(name, [*rows, extra])[: len(rows)] == alone
    assert read(name, [extra, *rows])[1:] == alone


@settings(max_examples=examples(200))
@given(cell=st.one_of(TEXT_CELLS, NUMBER_CELLS))
def test_a_prediction_names_a_label_studio_task_only_by_its_plain_integer_id(cell: Cell) -> None:
    value = rule(cell)
    if isinstance(value, int) and value >= 0:
        assert prediction_task_id(value) == value
        assert prediction_task_id(str(value)) == value
    else:
        with pytest.raises(SandboxError, match="not a Label Studio task id"):
            prediction_task_id(value if value is not None else cell)


@settings(max_examples=examples(150))
@given(
    answers=st.lists(st.tuples(NUMBER_CELLS, st.sampled_from(["w1", "w2"]), CELLS), min_size=1, max_size=6),
    gold_tasks=st.lists(TEXT_CELLS.filter(lambda c: rule(c) is not None), min_size=1, max_size=6),
)
def test_gold_meets_the_answers_by_the_rule(answers: list[Row], gold_tasks: list[str]) -> None:
    """A gold file's task ``012`` is not the export's task 12; ``12`` is."""
    gold_tasks = list(dict.fromkeys(gold_tasks))
    gold_tasks = [t for i, t in enumerate(gold_tasks) if rule(t) not in {rule(u) for u in gold_tasks[:i]}]
    with tempfile.TemporaryDirectory() as folder:
        path, options = write(Path(folder), "labelstudio_json", answers)
        imported = load_answers(path, **options).answers
        gold_path = Path(folder) / "gold.csv"
        gold_path.write_bytes(_csv(["task", "label"], [(t, "g") for t in gold_tasks]))
        gold = read_gold(gold_path)
    aligned = align_gold(gold, imported, require_overlap=False)
    answered = {key(rule(t)) for t, _, _ in answers}
    assert {key(t) for t in aligned.index if key(t) in answered} == {
        key(rule(t)) for t in gold_tasks if key(rule(t)) in answered
    }


@settings(max_examples=examples(150))
@given(
    rows=st.lists(
        st.tuples(CELLS, CELLS, CELLS, st.sampled_from(["left", "right", "tie"])), min_size=1, max_size=6
    ).filter(lambda rows: all(rule(a) != rule(b) for _, a, b, _ in rows))
)
def test_pairwise_items_follow_the_same_rule(rows: list[tuple[Cell, Cell, Cell, str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "votes.csv"
        path.write_bytes(pairwise_long(rows))
        try:
            answers = load_pairwise_answers(path, format="long").answers
        except SandboxError as error:
            # an item called "tie" (any case) next to its pair's tie answer is ambiguous: refused
            assert any("tie" in (str(rule(a)).lower(), str(rule(b)).lower()) for _, a, b, _ in rows), error
            return
    got = [
        (key(w), key(a), key(b), side)
        for w, a, b, side in answers[["worker", "left", "right", "label"]].itertuples(index=False)
    ]
    want = [(key(rule(w)), key(rule(a)), key(rule(b)), side) for w, a, b, side in rows]
    assert got == want


@settings(max_examples=examples(100))
@given(rows=ROWS, split=st.integers(0, 8))
def test_out_of_core_reads_the_answers_read_in_memory(rows: list[Row], split: int) -> None:
    """Partitions read out of core (``evaluate --answers DIR``) give the answers, and the codes, of
    the same file read in memory: the same rule, integers beyond 64 bits as text on both paths."""
    from sandbox.aggregation.fast.coding import encode
    from sandbox.io.partitioned.reader import build_dictionaries, coded_batches, discover
    from tests.fuzz.formats import long_parquet

    split = min(split, len(rows))
    with tempfile.TemporaryDirectory() as folder:
        whole = Path(folder) / "whole.parquet"
        whole.write_bytes(long_parquet(rows)[1])
        parts = Path(folder) / "parts"
        parts.mkdir()
        pieces = [rows[:split], rows[split:]] if 0 < split < len(rows) else [rows]
        for number, piece in enumerate(pieces):
            (parts / f"part-{number}.parquet").write_bytes(long_parquet(piece)[1])
        try:
            memory = encode(load_answers(whole, format="long").answers)
        except SandboxError:
            with pytest.raises(SandboxError):
                build_dictionaries(discover(str(parts)))
            return
        try:
            dictionaries = build_dictionaries(discover(str(parts)))
        except SandboxError as error:  # partitions of one column differ in kind (ints and text)
            assert "schema differs" in str(error)
            return
        batches = list(coded_batches(discover(str(parts)), dictionaries))
    for column, names in (
        ("task", memory.task_names),
        ("worker", memory.worker_names),
        ("label", memory.label_names),
    ):
        assert [key(v) for v in dictionaries.names(column)] == [key(v) for v in names], column
    codes = [list(memory.task), list(memory.worker), list(memory.label)]
    streamed = [[int(c) for batch in batches for c in batch[i]] for i in range(3)]
    assert streamed == codes
