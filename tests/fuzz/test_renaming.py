"""Renaming through every importer (issue 22): answers written in any export format, and the same
answers with tasks, workers and labels renamed by a bijection (rows in the same order), give the
same consensus mapped through the bijection, ties included, for every deterministic classification
aggregator of the fast engine under the default tie rule; a method that refuses one refuses the other. So no
score can depend on how ids or labels are spelled, whatever the file they come in."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foundation.errors import SandboxError
from sandbox.aggregation.crowdkit_adapter import AggregationFailed
from sandbox.kinds.classification.aggregation import aggregate
from sandbox.kinds.classification.readers import load_answers
from tests.fuzz.formats import CLASSIFICATION, Cell, Row, key, rule, write
from tests.fuzz.strategies import examples

#: The deterministic methods (MACE starts from seeded random parameters drawn per worker and label
#: code, so renaming changes its start: it is invariant in distribution only).
METHODS = ("mv", "wawa", "zbs", "ds", "onecoin_ds", "glad")
#: Spellings a renaming may use: integers, digits as text, words that sort in another order,
#: non-ASCII text (each list's members are distinct under the rule of ids and labels).
NAME_SETS: tuple[tuple[Cell, ...], ...] = (
    tuple(range(100, 90, -1)),
    tuple(str(n) for n in (7, 3, 9, 1, 8, 2, 6, 0, 5, 4)),
    ("zeta", "alpha", "mu", "beta", "omega", "chi", "eta", "pi", "rho", "tau"),
    ("Ω", "é", "日本", "ж", "ß", "ø", "λ", "ü", "ñ", "ç"),
)
ANSWERS = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 4), st.integers(0, 2)),
    min_size=2,
    max_size=24,
    unique_by=lambda row: (row[0], row[1]),
)


def renaming(names: tuple[Cell, ...], order: list[int]) -> dict[int, Cell]:
    """Code ``i`` → the ``order[i]``-th spelling of ``names``."""
    return {code: names[position] for code, position in enumerate(order)}


def consensus(name: str, rows: list[Row], method: str) -> dict[str, str] | str:
    """``method``'s labels (task key → label key) on ``rows`` written as format ``name``, or the
    kind of its refusal."""
    with tempfile.TemporaryDirectory() as folder:
        path, options = write(Path(folder), name, rows)
        answers = load_answers(path, **options).answers
    try:
        labels = aggregate(method, answers).labels
    except (SandboxError, AggregationFailed) as error:
        return type(error).__name__
    return {key(task): key(label) for task, label in labels.items()}


@settings(max_examples=examples(15), deadline=None)
@given(
    answers=ANSWERS,
    sets=st.tuples(*[st.sampled_from(NAME_SETS)] * 3),
    orders=st.tuples(*[st.permutations(list(range(10)))] * 3),
    name=st.sampled_from(sorted(CLASSIFICATION)),
)
def test_renaming_ids_and_labels_in_any_format_changes_no_consensus(
    answers: list[tuple[int, int, int]],
    sets: tuple[tuple[Cell, ...], ...],
    orders: tuple[list[int], ...],
    name: str,
) -> None:
    plain: list[Row] = [(f"t{t}", f"w{w}", f"l{label}") for t, w, label in answers]
    tasks, workers, labels = (renaming(names, order) for names, order in zip(sets, orders, strict=True))
    renamed: list[Row] = [(tasks[t], workers[w], labels[label]) for t, w, label in answers]
    task_key = {key(rule(f"t{t}")): key(rule(tasks[t])) for t, _, _ in answers}
    label_key = {key(rule(f"l{label}")): key(rule(labels[label])) for _, _, label in answers}
    for method in METHODS:
        before, after = consensus(name, plain, method), consensus(name, renamed, method)
        if isinstance(before, str):
            assert after == before, (method, before, after)
            continue
        assert isinstance(after, dict), (method, after)
        assert after == {task_key[t]: label_key[lab] for t, lab in before.items()}, method


@pytest.mark.parametrize("name", sorted(CLASSIFICATION))
def test_a_tied_task_keeps_its_label_under_renaming_in_every_format(name: str) -> None:
    """Two workers split on one task: the tied label follows the renaming (it is drawn by answer
    row), where crowd-kit's rule would flip it with the labels' sort order."""
    plain: list[Row] = [("t", "w1", "b"), ("t", "w2", "a")]
    renamed: list[Row] = [("t", "w1", "y"), ("t", "w2", "z")]  # b → y, a → z: the order flips
    before, after = consensus(name, plain, "mv"), consensus(name, renamed, "mv")
    assert isinstance(before, dict) and isinstance(after, dict)
    assert after["t"] == {"b": "y", "a": "z"}[before["t"]]
