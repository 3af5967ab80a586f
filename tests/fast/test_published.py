"""Fast engine vs the published accuracies of crowd-kit's JOSS paper (shared crowd README).

Scored on the tasks that have gold, within ±0.005. Two figures of that table are not what
crowd-kit 1.4.2 computes (presumably an earlier version made them): crowd-kit 1.4.2 itself gives
GLAD 0.5646 and MACE 0.4823 on zheng_relevance (measured on these files: GLAD() in 57 s, MACE() in
16 s per restart), so there the fast engine is held to crowd-kit 1.4.2's figure and the published
one is an expected failure. GLAD's default fast mode runs EM to convergence, where it scores 0.4975
on zheng_relevance (crowd-kit's rule stops it after 2 iterations: ``test_glad_modes.py``); the
crowd-kit 1.4.2 figure is therefore checked in GLAD's parity mode.
"""

from __future__ import annotations

import pytest

from sandbox.aggregation.registry import fast_class
from tests.fast._crowds import accuracy, load_answers, load_gold

PUBLISHED = {
    "zheng_product": {"mv": 0.897, "wawa": 0.897, "ds": 0.940, "glad": 0.928, "mace": 0.929},
    "zheng_sentiment": {"mv": 0.932, "wawa": 0.951, "ds": 0.960, "glad": 0.948, "mace": 0.950},
    "zheng_relevance": {"mv": 0.536, "wawa": 0.557, "ds": 0.615, "glad": 0.511, "mace": 0.501},
}
CROWDKIT_142 = {("zheng_relevance", "glad"): 0.5646, ("zheng_relevance", "mace"): 0.4823}


def _case(dataset: str, method: str) -> object:
    marks = []
    if (dataset, method) in CROWDKIT_142:
        marks.append(
            pytest.mark.xfail(
                strict=True, reason="crowd-kit 1.4.2 itself does not reproduce this published figure"
            )
        )
    return pytest.param(dataset, method, id=f"{method}-{dataset}", marks=marks)


@pytest.mark.parametrize(
    ("dataset", "method"),
    [_case(dataset, method) for dataset, figures in PUBLISHED.items() for method in figures],
)
def test_published_accuracy(dataset: str, method: str) -> None:
    labels = fast_class(method)().fit_predict(load_answers(dataset))
    assert accuracy(labels, load_gold(dataset)) == pytest.approx(PUBLISHED[dataset][method], abs=0.005)


@pytest.mark.parametrize(("dataset", "method"), sorted(CROWDKIT_142))
def test_crowdkit_142_accuracy_where_published_differs(dataset: str, method: str) -> None:
    params = {"mode": "parity"} if method == "glad" else {}
    labels = fast_class(method)(**params).fit_predict(load_answers(dataset))
    assert accuracy(labels, load_gold(dataset)) == pytest.approx(CROWDKIT_142[(dataset, method)], abs=0.005)
