"""``encode`` codes every kind of column as ``pd.factorize(column, sort=True)`` does."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foundation.errors import SandboxError
from sandbox.aggregation.fast.coding import code_column, encode
from sandbox.randomness import make_rng


def _columns() -> dict[str, pd.Series]:
    rng = make_rng(5)
    gappy = rng.choice(10_000, size=300, replace=False)
    words = np.array(["b", "a", "é", "Z", "ab", "É", "a b", "日本", "e\u0301"], dtype=object)
    return {
        "dense_from_0": pd.Series(rng.integers(0, 50, 2_000)),
        "dense_from_7": pd.Series(rng.integers(7, 57, 2_000)),
        "gappy": pd.Series(gappy[rng.integers(0, 300, 2_000)]),
        "negative": pd.Series(rng.integers(-40, 40, 2_000) * 3),
        "int32": pd.Series(rng.integers(0, 90, 2_000).astype(np.int32)),
        "uint8": pd.Series(rng.integers(0, 255, 2_000).astype(np.uint8)),
        "int8_negative": pd.Series(rng.integers(-128, 127, 2_000).astype(np.int8)),
        "uint64_huge": pd.Series(np.array([2**63 + 5, 3, 2**63 + 5, 2**64 - 1], dtype=np.uint64)),
        "wide_range": pd.Series(rng.integers(-(2**62), 2**62, 2_000)),
        "strided": pd.DataFrame(rng.integers(0, 30, (2_000, 3)))[1],
        "strings": pd.Series(words[rng.integers(0, words.size, 2_000)]),
        "string_dtype": pd.Series(words[rng.integers(0, words.size, 2_000)], dtype="string"),
        "pyarrow_strings": pd.Series(words[rng.integers(0, words.size, 2_000)], dtype="string[pyarrow]"),
        "arrow_dtype": pd.Series(words[rng.integers(0, words.size, 2_000)], dtype=pd.ArrowDtype(pa.string())),
        "arrow_ints": pd.Series(rng.integers(0, 50, 2_000), dtype=pd.ArrowDtype(pa.int64())),
        "equal_strings_as_distinct_objects": pd.Series(
            ["".join(("w", str(i % 7))) for i in rng.integers(0, 1_000, 2_000)], dtype=object
        ),
        "object_ints": pd.Series(np.array([5, 3, 5, 11], dtype=object)),
        "mixed_object": pd.Series(np.array(["b", 3, "a", 3, 1.5], dtype=object)),
        "floats": pd.Series(rng.integers(0, 5, 2_000) / 2),
        "bools": pd.Series(rng.random(2_000) < 0.5),
        "categorical": pd.Series(pd.Categorical(["y", "x", "y", "z"], categories=["z", "y", "x"])),
    }


COLUMNS = _columns()


@pytest.mark.parametrize("kind", list(COLUMNS))
def test_codes_equal_sorted_factorize(kind: str) -> None:
    values = COLUMNS[kind].reset_index(drop=True)
    frame = pd.DataFrame({"task": values, "worker": values, "label": values})
    coded = encode(frame)
    expected_codes, expected_names = pd.factorize(values, sort=True)
    for codes, names, column in (
        (coded.task, coded.task_names, "task"),
        (coded.worker, coded.worker_names, "worker"),
        (coded.label, coded.label_names, "label"),
    ):
        assert codes.dtype == np.intp
        assert (codes == expected_codes).all()
        assert names.name == column
        assert names.tolist() == list(expected_names)
        assert names.dtype == pd.Index(expected_names).dtype


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (pd.Series(["a", None, "b"]), "1 missing"),
        (pd.Series(["a", np.nan, np.nan]), "2 missing"),
        (pd.Series(["a", "b"], dtype="string").reindex([0, 1, 2]), "1 missing"),
    ],
)
def test_unusable_column_raises_sandbox_error(values: pd.Series, message: str) -> None:
    frame = pd.DataFrame({"task": values, "worker": [0] * len(values), "label": [0] * len(values)})
    with pytest.raises(SandboxError, match=message):
        encode(frame)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(["a", "b", "é", "zz", "a b", ""]), min_size=1, max_size=300),
    st.lists(st.booleans(), min_size=300, max_size=300),
)
def test_identity_coding_equals_sorted_factorize(words: list[str], fresh: list[bool]) -> None:
    """Object columns that repeat a few string objects are coded by identity first; equal strings
    held by different objects (``fresh``: a new object per row) still get one code."""
    values = [("".join([*w]) if new else w) for w, new in zip(words, fresh, strict=False)]
    column = pd.Series(np.asarray(values, dtype=object))
    codes, names = code_column(column, "label")
    expected_codes, expected_names = pd.factorize(column, sort=True)
    assert np.array_equal(codes, expected_codes)
    assert list(names) == list(expected_names)


def test_identity_coding_counts_missing_rows() -> None:
    column = pd.Series(np.asarray(["x", None, "y", None, "x"] * 100, dtype=object))
    with pytest.raises(SandboxError, match="200 missing"):
        code_column(column, "label")
