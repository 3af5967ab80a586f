"""Property: no export, however shaped, makes a reader's memory grow beyond a small multiple of the
file's size (issue 13, item 1): measured in a child process that runs under an address-space limit
(``RLIMIT_AS``), so that a regression fails the test instead of exhausting the machine.

Hypothesis draws the worst shapes known — nesting tens of thousands of levels deep in task data, in
a JSON_MIN field, in a CSV cell holding JSON; records each with their own keys; very long strings;
many small tasks — at sizes up to a few hundred KB (a 30 KB file of nested arrays took 770 MB before
the bounded reader). A fixed Parquet bomb checks the footer check. One child reads every example
(its peak memory only grows, so each answer bounds everything read so far)."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz.strategies import examples

REPO = Path(__file__).resolve().parents[2]
#: The child's address-space limit (virtual memory, shared libraries included).
ADDRESS_SPACE_LIMIT = 2 * 1024**3
#: Memory a read may add, per byte of the file, on top of the child's resident memory at rest.
BYTES_PER_FILE_BYTE = 48
MARGIN_BYTES = 48 * 1024**2


class Reader:
    """The child process (``tests/fuzz/read_worker.py``) and its resident memory at rest."""

    def __init__(self) -> None:
        def limit() -> None:
            resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_LIMIT, ADDRESS_SPACE_LIMIT))

        env = {**os.environ, "PYTHONPATH": str(REPO), "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.fuzz.read_worker"],
            cwd=REPO,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            preexec_fn=limit,
        )
        fixtures = REPO / "tests" / "importers" / "fixtures"
        for name in ("ls_full.json", "ls_min.json", "ls_export.csv", "long.csv", "mturk_batch.csv"):
            self.rest = self.read(fixtures / name)["peak"]  # every reader imported

    def read(self, path: Path) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(f"{path}\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, f"the reader died (exit {self.process.wait()}) on {path}"
        outcome: dict[str, Any] = json.loads(line)
        assert outcome["status"] != "crash", outcome
        if outcome["status"] == "error":
            message = outcome["message"]
            assert message and "\n" not in message.replace("\\n", "")
        return outcome

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def reader() -> Iterator[Reader]:
    child = Reader()
    try:
        yield child
    finally:
        child.close()


def nested(depth: int, opening: str, closing: str, inner: str = "") -> str:
    return opening * depth + inner + closing * depth


def hostile_export(kind: str, size: int) -> tuple[str, str]:
    """(suffix, text) of one worst shape, about ``size`` bytes."""
    answer = '{"completed_by": 1, "result": [{"from_name": "c", "value": {"choices": ["a"]}}]}'
    if kind == "deep_array_in_data":
        return (
            ".json",
            f'[{{"id": 1, "data": {{"x": {nested(size // 2, "[", "]")}}}, "annotations": [{answer}]}}]',
        )
    if kind == "deep_object_in_data":
        deep = nested(size // 8, '{"a": ', "}", "1")
        return ".json", f'[{{"id": 1, "data": {{"x": {deep}}}, "annotations": [{answer}]}}]'
    if kind == "deep_json_min_field":
        return ".json", f'[{{"id": 1, "annotator": 1, "c": {nested(size // 2, "[", "]")}}}]'
    if kind == "deep_csv_cell":
        cell = nested(size // 2, "[", "]")
        return ".csv", f'id,annotator,c\n1,1,"{cell}"\n1,2,a\n'
    if kind == "wide_json_min":
        count = max(1, size // 60)
        records = [{"id": i // 3, "annotator": i % 7, "c": "ab"[i % 2], f"k{i}": i} for i in range(count)]
        return ".json", json.dumps(records)
    if kind == "long_string":
        return ".json", json.dumps(
            [{"id": 1, "data": {"text": "x" * size}, "annotations": [json.loads(answer)]}]
        )
    count = max(1, size // 120)
    tasks = [{"id": i, "annotations": [json.loads(answer)]} for i in range(count)]
    return ".json", json.dumps(tasks)


KINDS = [
    "deep_array_in_data",
    "deep_object_in_data",
    "deep_json_min_field",
    "deep_csv_cell",
    "wide_json_min",
    "long_string",
    "many_tasks",
]


@settings(max_examples=examples(25))
@given(kind=st.sampled_from(KINDS), size=st.integers(min_value=1_000, max_value=400_000))
def test_memory_stays_within_a_multiple_of_the_file(
    reader: Reader, tmp_path_factory: pytest.TempPathFactory, kind: str, size: int
) -> None:
    suffix, text = hostile_export(kind, size)
    path = tmp_path_factory.mktemp("shape") / f"export{suffix}"
    path.write_text(text)
    outcome = reader.read(path)
    if kind.startswith("deep") and size >= 400:
        assert outcome["status"] == "error" and "MAX_DEPTH" in outcome["message"], outcome
    bound = reader.rest + BYTES_PER_FILE_BYTE * path.stat().st_size + MARGIN_BYTES
    assert outcome["peak"] <= bound, (kind, size, outcome["peak"] / 2**20, bound / 2**20)


def test_a_parquet_bomb_is_refused_by_its_footer(reader: Reader, tmp_path: Path) -> None:
    """A few KB standing for 10 million rows: refused before reading (the child's budget is half its
    address-space limit, 1 GiB; the rows would take about 1.8 GiB)."""
    path = tmp_path / "bomb.parquet"
    ones = pa.array(np.ones(10_000_000, dtype=np.int8))
    pq.write_table(pa.table({"task": ones, "worker": ones, "label": ones}), path)
    assert path.stat().st_size < 1_000_000
    outcome = reader.read(path)
    assert outcome["status"] == "error" and "would need about" in outcome["message"], outcome
    assert outcome["peak"] <= reader.rest + MARGIN_BYTES


def parquet_bomb(path: Path, kind: str, rows: int, length: int) -> int:
    """Write a Parquet answers file whose label column decodes to ``rows × length`` bytes of text:
    one text stored once in a dictionary (``dictionary``), or written plainly and compressed
    (``compressed``: decompressed pages of that size). Returns the decoded text's size."""
    task = pa.array(np.arange(rows, dtype=np.int64))
    worker = pa.DictionaryArray.from_arrays(pa.array(np.zeros(rows, dtype=np.int32)), pa.array(["w"]))
    text = "x" * length
    if kind == "dictionary":
        label = pa.DictionaryArray.from_arrays(pa.array(np.zeros(rows, dtype=np.int32)), pa.array([text]))
        pq.write_table(pa.table({"task": task, "worker": worker, "label": label}), path)
    else:
        label = pa.array([text] * rows, pa.string())
        table = pa.table({"task": task, "worker": worker, "label": label})
        pq.write_table(table, path, use_dictionary=["worker"], compression="zstd", compression_level=19)
    return rows * length


@settings(max_examples=examples(12))
@given(
    kind=st.sampled_from(["dictionary", "dictionary", "compressed"]),
    rows=st.integers(1, 300_000),
    length=st.integers(1, 300_000),
)
def test_a_parquet_file_with_a_large_decoded_size_is_read_or_refused_before_decoding(
    reader: Reader, tmp_path_factory: pytest.TempPathFactory, kind: str, rows: int, length: int
) -> None:
    """Issue 22: a 614 KB file whose label is one 200 KB text stored once in a dictionary decoded to
    20 GB (an ArrowMemoryError traceback). Whatever the ratio of decoded to stored bytes, the read
    either stays within the child's budget or is refused before the text is decoded."""
    if kind == "compressed":
        rows = min(rows, max(1, 200_000_000 // length))  # the writer holds the plain text
    path = tmp_path_factory.mktemp("bomb") / "bomb.parquet"
    decoded = parquet_bomb(path, kind, rows, length)
    outcome = reader.read(path)
    budget = ADDRESS_SPACE_LIMIT // 2
    if decoded > budget:
        assert outcome["status"] == "error" and "would need about" in outcome["message"], outcome
    if decoded + rows * 3 * 64 < budget // 8:
        assert outcome["status"] == "ok", outcome
    assert outcome["peak"] <= ADDRESS_SPACE_LIMIT
