"""How well ``report --reference`` finds annotators who paste a model's labels, when who pastes is
known: a real crowd with planted pasters, reported on, and each ``pasting`` flag checked.

The crowd is a bundled real crowd with expert gold (:data:`REAL`, snow_rte: 164 annotators, 800
tasks, 10 answers each, long-tailed activity). The reference model is the gold with its label
changed on a seeded :data:`MODEL_ERROR` share of the tasks (the next label in sorted order: on two
classes, the other one), so that its accuracy is known (about 80 %) and its mistakes are its own.
A seeded :data:`PLANTED_SHARE` of the annotators become pasters: each of their answers is replaced
by the model's label with probability ``reliance`` (the rest stay their real answers). The report
(:func:`~sandbox.kinds.classification.report.annotator_report`, Dawid–Skene consensus) is run with
the reference, with gold (both tests) and without it (the test against the consensus alone).

Per reliance and gold setting, summed over seeds: pasters planted, annotators flagged, flags that are
pasters (``found``), precision (found / flagged), recall (found / planted), and the same among the
annotators with at least :data:`ACTIVE` answers (``recall_active``), whose pasting moves the labels.

``python -m sandbox.kinds.classification.planted [SEEDS]`` prints the table over seeds 0 .. SEEDS − 1.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import numpy as np
import pandas as pd

from sandbox.datasets import load_dataset
from sandbox.fitting import planted_pasters
from sandbox.kinds.classification.report import annotator_report
from sandbox.randomness import make_rng

REAL = "snow_rte"
#: The share of tasks where the reference model's label is not gold's.
MODEL_ERROR = 0.2
#: The share of the crowd's annotators planted as pasters (the issue's third of a crowd is a
#: platform's estimate; a tenth keeps honest annotators the majority of every task's answers).
PLANTED_SHARE = 0.1
RELIANCES = (0.25, 0.5, 0.8, 1.0)
#: Annotators with this many answers are the active ones: snow_rte's 23 most active of 164 gave at
#: least 60 answers each.
ACTIVE = 60


def reference_model(gold: pd.Series, rng: np.random.Generator, error: float = MODEL_ERROR) -> pd.Series:
    """Gold with the label of a random ``error`` share of the tasks changed to the next label (in
    sorted order, cyclically): a model whose accuracy is 1 − ``error`` up to sampling."""
    labels = np.sort(np.asarray(pd.unique(gold)))
    position = np.searchsorted(labels, gold.to_numpy())
    wrong = rng.random(len(gold)) < error
    position = np.where(wrong, (position + 1) % len(labels), position)
    return pd.Series(labels[position], index=gold.index, name="reference")


def plant_pasters(
    answers: pd.DataFrame,
    reference: pd.Series,
    rng: np.random.Generator,
    reliance: float,
    share: float = PLANTED_SHARE,
) -> tuple[pd.DataFrame, pd.Index]:
    """``answers`` with a random ``share`` of the annotators pasting: each of their answers replaced
    by the reference's label with probability ``reliance``; and the pasters
    (:func:`sandbox.fitting.planted_pasters.plant_pasters`)."""
    return planted_pasters.plant_pasters(answers, reference, rng, reliance, share)


def planted_check(seed: int, reliance: float, with_gold: bool) -> dict[str, int]:
    """One planted crowd: pasters ``planted``, annotators ``flagged``, ``found`` (both), and the
    same counts among the active annotators."""
    dataset = load_dataset(REAL)
    assert dataset.answers is not None
    rng = make_rng(seed)
    reference = reference_model(dataset.truth, rng)
    answers, pasters = plant_pasters(dataset.answers, reference, rng, reliance)
    report = annotator_report(answers, gold=dataset.truth if with_gold else None, reference=reference)
    return planted_pasters.flag_counts(report.annotators, pasters, ACTIVE)


def planted_table(seeds: int, reliances: Sequence[float] = RELIANCES) -> pd.DataFrame:
    """:func:`planted_check` summed over seeds, per reliance and gold setting, with precision and
    recall (all annotators and the active ones)."""
    return planted_pasters.planted_table(planted_check, seeds, reliances)


def main(arguments: list[str]) -> int:
    from sandbox.reporting.tables import frame_table

    seeds = int(arguments[0]) if arguments else 5
    print(
        f"planted pasters in {REAL} ({PLANTED_SHARE:.0%} of annotators; the model wrong on "
        f"{MODEL_ERROR:.0%} of tasks; {seeds} seeds; active: at least {ACTIVE} answers)"
    )
    print(frame_table(planted_table(seeds).set_index(["gold", "reliance"])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
