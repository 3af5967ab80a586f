"""Krippendorff's alpha: the vectorized one gives crowd-kit's (NLTK's) value, bit for bit."""

from __future__ import annotations

import math

import pandas as pd
from crowdkit.metrics.data import alpha_krippendorff
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sandbox.aggregation.crowdkit_adapter import quiet_crowdkit
from sandbox.metrics.agreement import krippendorff_alpha

ROWS = st.lists(st.tuples(st.integers(0, 30), st.integers(0, 8), st.integers(0, 3)), min_size=1, max_size=150)


def reference(answers: pd.DataFrame) -> float:
    """crowd-kit's alpha, NaN where the project calls it undefined."""
    if not (answers["task"].value_counts() >= 2).any() or answers["label"].nunique() < 2:
        return math.nan
    with quiet_crowdkit():
        return float(alpha_krippendorff(answers))


@settings(max_examples=200, deadline=None)
@given(rows=ROWS, ids=st.sampled_from(["small", "names", "shifted", "sparse"]))
def test_alpha_is_crowdkits_bit_for_bit(rows: list[tuple[int, int, int]], ids: str) -> None:
    """Small integers and shifted ones (negative, unsigned) go through a lookup table, names and
    sparse integers through a sort: the same value as crowd-kit's either way."""
    answers = pd.DataFrame(rows, columns=["task", "worker", "label"])
    # NLTK refuses one worker on one task (repeated answers); the project's answers never have that
    assume(answers["task"].nunique() > 1 or answers["worker"].nunique() > 1)
    if ids == "names":  # string ids and labels sort and compare like integers do
        answers = answers.assign(
            task="t" + answers["task"].astype(str), label=answers["label"].map("abcd".__getitem__)
        )
    elif ids == "shifted":
        answers = answers.assign(task=answers["task"] - 17, label=(answers["label"] + 2**40).astype("uint64"))
    elif ids == "sparse":  # far more distinct values than answers could index densely
        answers = answers.assign(task=answers["task"] * 10**12, label=answers["label"] * 10**9 - 5)
    expected, got = reference(answers), krippendorff_alpha(answers)
    assert (math.isnan(expected) and math.isnan(got)) or got == expected


def test_alpha_of_perfect_and_of_single_answers() -> None:
    perfect = pd.DataFrame({"task": [1, 1, 2, 2], "worker": [1, 2, 1, 2], "label": [0, 0, 1, 1]})
    assert krippendorff_alpha(perfect) == 1.0
    single = pd.DataFrame({"task": [1, 2], "worker": [1, 1], "label": [0, 1]})
    assert math.isnan(krippendorff_alpha(single))
