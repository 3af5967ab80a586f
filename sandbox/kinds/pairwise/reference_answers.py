"""A reference model's preferences (``--reference``) for pairwise answers: read like pairwise gold,
turned into the model's side of each answered pair, and imported as a rater.

The file has the shape of pairwise gold (:func:`sandbox.kinds.pairwise.answers.read_pairwise_gold`,
the hardened table readers underneath): ``left, right, label`` with the label naming the item the
model prefers, or ``tie``; or ``item, score`` (a reward model's scores: the higher item is
preferred, equal scores tie). Item ids follow :mod:`sandbox.io.values` in the answers' type. A pair
named twice (either way round) is refused; a reference that judges none of the answered pairs is
refused; one that judges some is compared on those. The model's answer on a task is then a side,
``left``, ``right`` or ``tie``, as the raters' answers are.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd

from foundation.errors import SandboxError, printable
from sandbox.fitting.reference import new_annotator_name
from sandbox.io.values import shown as values_shown
from sandbox.kinds.pairwise.aggregation import PairwiseAggregation, aggregate_pairs
from sandbox.kinds.pairwise.answers import (
    _pairs_from_scores,
    gold_sides_by_task,
    read_pairwise_gold,
    validate_pairwise_answers,
)

#: The method that turns the model's preferences into item scores for ``evaluate --reference``.
SCORING_METHOD = "bt"


def read_pairwise_reference(path: str | Path, answers: pd.DataFrame) -> pd.Series:
    """The model's side of each answered task (Series by task), from the file at ``path`` (see the
    module docstring)."""
    source = f"reference file {path}"
    read = read_pairwise_gold(path, answers, "reference")
    if read.scores is not None:
        pairs = _pairs_from_scores(answers, read.scores)
    else:
        assert read.pairs is not None
        pairs = read.pairs
        unordered = pd.Series(
            [tuple(sorted((str(a), str(b)))) for a, b in zip(pairs["left"], pairs["right"], strict=True)]
        )
        if unordered.duplicated().any():
            row = int(unordered.duplicated().to_numpy().nonzero()[0][0])
            left, right = pairs["left"].iloc[row], pairs["right"].iloc[row]
            raise SandboxError(
                f"{source}: the pair {printable(values_shown(left))}, {printable(values_shown(right))} "
                f"has more than one row (row {row + 2}); give one preference per pair"
            )
    sides = gold_sides_by_task(answers, pairs).rename("reference")
    if sides.empty:
        raise SandboxError(f"{source}: the reference judges none of the pairs the answers compare")
    return sides


def model_answers(answers: pd.DataFrame, reference: pd.Series, worker: object) -> pd.DataFrame:
    """The model's answers as a rater's: one row per task it judges (its pair as the answers show
    it, the model's side as the label)."""
    shown = answers.drop_duplicates("task").set_index("task")
    judged = reference[reference.index.isin(shown.index)]
    return pd.DataFrame(
        {
            "task": judged.index.to_numpy(),
            "worker": pd.Series([worker] * len(judged), dtype=object),
            "left": shown.loc[judged.index, "left"].to_numpy(),
            "right": shown.loc[judged.index, "right"].to_numpy(),
            "label": judged.to_numpy(),
        }
    )


def with_reference_worker(answers: pd.DataFrame, reference: pd.Series, worker: str) -> pd.DataFrame:
    """``answers`` with one more rater, ``worker``, who gives the model's side on every task it
    judges (no working time); SandboxError when a rater of that name exists already."""
    name = new_annotator_name(worker, answers)
    added = model_answers(answers, reference, name)
    if "seconds" in answers:
        added["seconds"] = float("nan")
    return validate_pairwise_answers(pd.concat([answers, added], ignore_index=True), "--reference-as-worker")


def reference_aggregation(reference: pd.Series, answers: pd.DataFrame) -> PairwiseAggregation:
    """The model's preferences as item scores (Bradley–Terry on its answers alone), named
    ``reference``, scored beside the aggregators."""
    fitted = aggregate_pairs(SCORING_METHOD, model_answers(answers, reference, "reference"))
    return replace(fitted, aggregator="reference")
