"""How well the pairwise ``report --reference`` finds raters who paste a model's preferences, when
who pastes is known: the real sigir2010 batch with planted pasters.

The crowd is the bundled sigir2010 batch (79 raters, 281 pairs, about 10 answers each), with gold
from its items' expert scores (the better item of each pair, or a tie for equal scores). The
reference judge is the gold side of each task, changed on a seeded :data:`MODEL_ERROR` share of the
tasks (a decisive side to the other side; a tie to a side drawn at random: the judge rarely says
"same"). A seeded :data:`PLANTED_SHARE` of the raters paste: each of their answers is replaced by
the judge's with probability ``reliance``; their times stay as recorded (no speed is planted, so the
flags rest on agreement alone). The report (:func:`~sandbox.kinds.pairwise.report.pairwise_report`)
is run with the reference, with gold and without it.

Per reliance and gold setting, summed over seeds: pasters planted, raters flagged ``pasting``,
flags that are pasters (``found``), precision, recall, and recall among the raters with at least
:data:`~sandbox.kinds.pairwise.planted.ACTIVE` answers.

``python -m sandbox.kinds.pairwise.planted_pasters [SEEDS]`` prints the table over seeds 0 .. SEEDS − 1.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import numpy as np
import pandas as pd

from sandbox.datasets import load_dataset
from sandbox.fitting import planted_pasters
from sandbox.kinds.pairwise.answers import gold_sides_by_task
from sandbox.kinds.pairwise.dataset import PairwiseDataset
from sandbox.kinds.pairwise.planted import ACTIVE, REAL
from sandbox.kinds.pairwise.report import pairwise_report
from sandbox.randomness import make_rng

MODEL_ERROR = 0.2
PLANTED_SHARE = 0.1
RELIANCES = (0.25, 0.5, 0.8, 1.0)
OTHER_SIDE = {"left": "right", "right": "left"}


def real_crowd() -> tuple[pd.DataFrame, pd.Series]:
    """The sigir2010 answers and the gold side of each answered task."""
    dataset = load_dataset(REAL)
    assert isinstance(dataset, PairwiseDataset) and dataset.answers is not None
    return dataset.answers, gold_sides_by_task(dataset.answers, dataset.heldout)


def reference_judge(gold: pd.Series, rng: np.random.Generator, error: float = MODEL_ERROR) -> pd.Series:
    """``gold`` (side by task) changed on a random ``error`` share of the tasks (module docstring)."""
    wrong = rng.random(len(gold)) < error
    coin = rng.random(len(gold)) < 0.5
    sides = gold.to_numpy(dtype=object).copy()
    for row in np.flatnonzero(wrong):
        sides[row] = OTHER_SIDE.get(sides[row], "left" if coin[row] else "right")
    return pd.Series(sides, index=gold.index, name="reference")


def plant_pasters(
    answers: pd.DataFrame, reference: pd.Series, rng: np.random.Generator, reliance: float
) -> tuple[pd.DataFrame, pd.Index]:
    """``answers`` with a random :data:`PLANTED_SHARE` of the raters giving the judge's side with
    probability ``reliance`` on every task it judges; and the pasters
    (:func:`sandbox.fitting.planted_pasters.plant_pasters`)."""
    return planted_pasters.plant_pasters(answers, reference, rng, reliance, PLANTED_SHARE)


def planted_check(seed: int, reliance: float, with_gold: bool) -> dict[str, int]:
    """One planted crowd: pasters ``planted``, raters ``flagged``, ``found`` (both), and the same
    among the active raters."""
    answers, gold = real_crowd()
    rng = make_rng(seed)
    reference = reference_judge(gold, rng)
    planted_answers, pasters = plant_pasters(answers, reference, rng, reliance)
    report = pairwise_report(planted_answers, gold=gold if with_gold else None, reference=reference)
    return planted_pasters.flag_counts(report.annotators, pasters, ACTIVE)


def planted_table(seeds: int, reliances: Sequence[float] = RELIANCES) -> pd.DataFrame:
    """:func:`planted_check` summed over seeds, per reliance and gold setting, with precision and
    recall (all annotators and the active ones)."""
    return planted_pasters.planted_table(planted_check, seeds, reliances)


def main(arguments: list[str]) -> int:
    from sandbox.reporting.tables import frame_table

    seeds = int(arguments[0]) if arguments else 5
    print(
        f"planted pasters in {REAL} ({PLANTED_SHARE:.0%} of raters; the judge wrong on {MODEL_ERROR:.0%} "
        f"of tasks; {seeds} seeds; active: at least {ACTIVE} answers)"
    )
    print(frame_table(planted_table(seeds).set_index(["gold", "reliance"])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
