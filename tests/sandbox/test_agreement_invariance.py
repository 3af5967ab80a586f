"""Renaming tasks, workers or labels changes no agreement statistic (Hypothesis); the bootstrap
interval stays the same whatever the tasks and workers are called."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox.metrics.agreement_report import agreement_report
from sandbox.metrics.alpha_bootstrap import ALL

ROWS = st.lists(st.tuples(st.integers(0, 15), st.integers(0, 8), st.integers(0, 3)), min_size=2, max_size=120)


def _renamed(answers: pd.DataFrame, seed: int, labels: bool) -> tuple[pd.DataFrame, dict[int, Any]]:
    """Tasks and workers under shuffled names of another type; labels too when ``labels``."""
    rng = np.random.default_rng(seed)
    task_names = {t: f"task {n}" for t, n in zip(range(16), rng.permutation(16), strict=True)}
    worker_names = {w: f"w{n:03d}" for w, n in zip(range(9), rng.permutation(900)[:9], strict=True)}
    label_names = {c: f"class {n}" for c, n in zip(range(4), rng.permutation(4), strict=True)}
    renamed = answers.assign(task=answers["task"].map(task_names), worker=answers["worker"].map(worker_names))
    if labels:
        renamed = renamed.assign(label=answers["label"].map(label_names))
    return renamed, dict(label_names) if labels else {c: c for c in range(4)}


def _same(a: float, b: float) -> bool:
    return (np.isnan(a) and np.isnan(b)) or abs(a - b) < 1e-9


@settings(max_examples=80, deadline=None)
@given(rows=ROWS, seed=st.integers(0, 2**16), labels=st.booleans())
def test_renaming_changes_no_statistic(rows: list[tuple[int, int, int]], seed: int, labels: bool) -> None:
    answers = pd.DataFrame(rows, columns=["task", "worker", "label"])
    renamed, label_names = _renamed(answers, seed, labels)
    before = agreement_report(answers, np.random.default_rng(1), resamples=30)
    after = agreement_report(renamed, np.random.default_rng(1), resamples=30)
    assert _same(before.fleiss_kappa, after.fleiss_kappa)
    assert _same(before.alpha.loc[ALL, "alpha"], after.alpha.loc[ALL, "alpha"])
    for label, name in label_names.items():
        if label in before.alpha.index:
            assert _same(before.alpha.loc[label, "alpha"], after.alpha.loc[name, "alpha"])
    if not labels:  # the resamples are drawn in an order of the tasks' answers alone
        for column in ("low", "high"):
            assert _same(before.alpha.loc[ALL, column], after.alpha.loc[ALL, column])
    task_names = dict(zip(answers["task"], renamed["task"], strict=True))
    moved = before.tasks["pair_agreement"].rename(index=task_names).sort_index()
    assert np.allclose(moved, after.tasks["pair_agreement"].sort_index(), equal_nan=True)
    worker_names = dict(zip(answers["worker"], renamed["worker"], strict=True))
    assert sorted(map(worker_names.get, before.paired)) == sorted(after.paired)
    kappas_before = {
        frozenset((worker_names[a], worker_names[b])): k
        for a, b, k in before.pairs[["worker_a", "worker_b", "kappa"]].itertuples(index=False)
    }
    kappas_after = {
        frozenset((a, b)): k
        for a, b, k in after.pairs[["worker_a", "worker_b", "kappa"]].itertuples(index=False)
    }
    assert kappas_before.keys() == kappas_after.keys()
    assert all(_same(kappas_before[key], kappas_after[key]) for key in kappas_before)


def test_renaming_changes_neither_the_suspects_nor_what_removing_them_buys() -> None:
    """snow_rte's real answers with tasks, workers and labels renamed: the same suspects, the same
    agreement and the same effect of removing them, intervals included."""
    from pathlib import Path

    from sandbox.kinds.classification.report import annotator_report

    data = Path(__file__).resolve().parents[2] / "datasets" / "snow_rte"
    answers = pd.read_csv(data / "labels.csv")
    gold = pd.read_csv(data / "gold.csv").set_index("task")["label"]
    labels = {0: "not entailed", 1: "entailed"}  # the other order when sorted
    renamed = answers.assign(
        task="item-" + (799 - answers["task"]).astype(str),
        worker="annotator " + answers["worker"].astype(str).str.zfill(4),
        label=answers["label"].map(labels),
    )
    renamed_gold = pd.Series(gold.map(labels).to_numpy(), index="item-" + (799 - gold.index).astype(str))
    before = annotator_report(answers, gold=gold, resamples=200)
    after = annotator_report(renamed, gold=renamed_gold, resamples=200)
    suspects = {"annotator " + str(w).zfill(4) for w in before.removal.removed}
    assert suspects == set(after.removal.removed)
    assert before.removal.effects == after.removal.effects
    for key in ("krippendorff_alpha", "krippendorff_alpha_low", "krippendorff_alpha_high", "fleiss_kappa"):
        assert (
            before.overall[key] == after.overall[key] or abs(before.overall[key] - after.overall[key]) < 1e-12
        )
