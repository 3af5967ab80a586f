"""Measuring the ``pasting`` flag where who pastes is known, whatever the kind: a real crowd with a
share of its annotators planted as pasters, reported on, each flag checked, summed over seeds.

Each kind supplies its crowd, its stand-in model and its report (``planted_check``: one crowd's
:func:`flag_counts`); this module plants the pasters (:func:`plant_pasters`) and sums the checks
into precision and recall (:func:`planted_table`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd


def plant_pasters(
    answers: pd.DataFrame, reference: pd.Series, rng: np.random.Generator, reliance: float, share: float
) -> tuple[pd.DataFrame, pd.Index]:
    """``answers`` with a random ``share`` of the annotators (at least one) pasting: each of their
    answers on a task ``reference`` answers replaced by its answer with probability ``reliance``;
    and the pasters. The annotators are drawn in sorted order of their ids."""
    workers = np.sort(np.asarray(pd.unique(answers["worker"])))
    chosen = rng.choice(workers, size=max(1, round(share * len(workers))), replace=False)
    answered = answers["task"].isin(reference.index).to_numpy()
    pasted = answers["worker"].isin(chosen).to_numpy() & answered & (rng.random(len(answers)) < reliance)
    labels = answers["label"].to_numpy(copy=True)
    labels[pasted] = reference.reindex(answers["task"].to_numpy()[pasted]).to_numpy()
    return answers.assign(label=labels), pd.Index(chosen, name="worker")


def flag_counts(annotators: pd.DataFrame, pasters: pd.Index, active: int) -> dict[str, int]:
    """Pasters ``planted``, annotators ``flagged`` (the report's ``pasting``), ``found`` (both), and
    the same counts among the annotators with at least ``active`` answers."""
    planted = annotators.index.isin(pasters)
    flagged = annotators["pasting"].to_numpy(dtype=bool)
    busy = (annotators["answers"] >= active).to_numpy()
    return {
        "planted": int(planted.sum()),
        "flagged": int(flagged.sum()),
        "found": int((planted & flagged).sum()),
        "planted_active": int((planted & busy).sum()),
        "flagged_active": int((flagged & busy).sum()),
        "found_active": int((planted & flagged & busy).sum()),
    }


def planted_table(
    check: Callable[[int, float, bool], dict[str, int]], seeds: int, reliances: Sequence[float]
) -> pd.DataFrame:
    """``check(seed, reliance, with_gold)`` (one crowd's :func:`flag_counts`) summed over seeds
    ``0 .. seeds - 1``, per gold setting and reliance, with precision (found / flagged) and recall
    (found / planted), among all annotators and the active ones (NaN where nothing was flagged or
    planted)."""
    rows = []
    for with_gold in (True, False):
        for reliance in reliances:
            checks = pd.DataFrame([check(seed, reliance, with_gold) for seed in range(seeds)])
            rows.append({"gold": with_gold, "reliance": reliance, "seeds": seeds, **checks.sum().to_dict()})
    table = pd.DataFrame(rows)
    for suffix in ("", "_active"):
        found = table[f"found{suffix}"]
        table[f"precision{suffix}"] = found / table[f"flagged{suffix}"].where(table[f"flagged{suffix}"] > 0)
        table[f"recall{suffix}"] = found / table[f"planted{suffix}"].where(table[f"planted{suffix}"] > 0)
    return table
