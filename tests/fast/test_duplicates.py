"""Repeated identical answers: results and worker skills as crowd-kit 1.4.2 computes them.

crowd-kit counts a repeated answer once when it scores a worker against the aggregate (MV, Wawa,
ZBS) but as separate evidence in votes and EM counts; the fast engine sums repeats in its incidence
matrix (GLAD weighs each distinct answer by its count) and keeps the distinct answers apart, so
both uses are checked here on a synthetic crowd with many repeats.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from crowdkit import aggregation as ck

from sandbox.aggregation.crowdkit_adapter import quiet_crowdkit
from sandbox.aggregation.registry import fast_class, fast_methods
from tests.fast._crowds import spammer_crowd
from tests.fast.test_against_crowdkit import BINARY_ONLY, compare

FAST_METHODS = fast_methods("classification")


def _with_repeats(seed: int, n_labels: int) -> tuple[pd.DataFrame, pd.Series]:
    """A spammer crowd where 15% of the answers are given again, a third of those three times."""
    answers, truth = spammer_crowd(seed, n_labels=n_labels, n_tasks=150)
    again = answers.sample(frac=0.15, random_state=seed)
    thrice = again.sample(frac=0.3, random_state=seed + 1)
    return pd.concat([answers, again, thrice], ignore_index=True), truth


CASES = [(3, 2), (4, 3)]


@pytest.mark.parametrize("method", list(FAST_METHODS))
@pytest.mark.parametrize(("seed", "n_labels"), CASES)
def test_repeated_answers_match_crowdkit(method: str, seed: int, n_labels: int) -> None:
    if method in BINARY_ONLY and n_labels != 2:
        pytest.skip(f"{method} is for binary labels only")
    answers, truth = _with_repeats(seed, n_labels)
    assert answers.duplicated().sum() > 25
    compare(method, answers, truth)


SKILLS = {
    "mv": ck.MajorityVote,
    "wawa": ck.Wawa,
    "zbs": ck.ZeroBasedSkill,
    "onecoin_ds": ck.OneCoinDawidSkene,
}


@pytest.mark.parametrize("method", list(SKILLS))
@pytest.mark.parametrize(("seed", "n_labels"), CASES)
def test_worker_skills_with_repeated_answers_match_crowdkit(method: str, seed: int, n_labels: int) -> None:
    answers, _ = _with_repeats(seed, n_labels)
    fast = fast_class(method)().fit(answers)
    reference = SKILLS[method]()
    with quiet_crowdkit():
        reference.fit(answers)
    skills = reference.skills_.reindex(fast.skills_.index)  # type: ignore[attr-defined]
    assert np.allclose(fast.skills_.to_numpy(), skills.to_numpy(), atol=1e-8)  # type: ignore[attr-defined]
