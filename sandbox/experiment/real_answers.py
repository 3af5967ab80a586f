"""Real (not simulated) answers for ``evaluate``: a bundled dataset's, or a user's answers/gold files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from foundation.errors import SandboxError
from sandbox.datasets import Dataset, PairwiseDataset, load_dataset
from sandbox.datasets.bundled import catalog
from sandbox.io.answers import align_gold, read_gold
from sandbox.io.importers import ImportedAnswers
from sandbox.io.pairwise_answers import SIDES, read_pairwise_gold


@dataclass(frozen=True)
class RealAnswers:
    """Answers by real workers (``task, worker, label``) and gold (Series task → label; may be empty);
    ``dataset``: what the answers are scored against when the task kind needs more than gold labels
    (pairwise: the items and their gold)."""

    source: str
    answers: pd.DataFrame
    gold: pd.Series
    dataset: Dataset | None = None

    @property
    def gold_size(self) -> int:
        """How much gold there is: tasks (classification) or gold pairs (pairwise)."""
        heldout = getattr(self.dataset, "heldout", None)
        return len(heldout) if heldout is not None else len(self.gold)

    @property
    def gold_unit(self) -> str:
        return "pairs" if isinstance(self.dataset, PairwiseDataset) else "tasks"


def from_dataset(name: str) -> RealAnswers:
    """The real crowd answers and expert gold of a bundled dataset."""
    if name not in catalog():
        raise SandboxError(
            f"dataset {name!r} has no real crowd answers; datasets with real answers: {', '.join(catalog())}"
        )
    dataset = load_dataset(name)
    assert dataset.answers is not None  # every bundled dataset has answers
    return RealAnswers(name, dataset.answers, dataset.truth)


def from_export(imported: ImportedAnswers, path: str | Path, gold_path: str | Path | None) -> RealAnswers:
    """Answers read from any export (see :mod:`sandbox.io.importers`); gold from ``gold_path``, else
    the export's own ground truth (Label Studio), else none."""
    if gold_path is not None:
        gold = align_gold(read_gold(gold_path), imported.answers, str(gold_path))
    elif imported.gold is not None:
        gold = align_gold(imported.gold, imported.answers, f"{path} (its ground truth)")
    else:
        gold = pd.Series(dtype=object, name="label", index=pd.Index([], name="task"))
    return RealAnswers(Path(path).stem, imported.answers, gold)


def pairwise_from_export(
    imported: ImportedAnswers, path: str | Path, gold_path: str | Path | None
) -> RealAnswers:
    """Pairwise answers and what they are scored against: the items they compare, with true scores
    from a gold ``item, score`` file, or gold pairs (a ``left, right, label`` file, else the export's
    own ground truth by task). With item scores, the gold pairs are the distinct answered pairs (either
    way round, counted once)."""
    answers = imported.answers
    items = pd.Index(
        pd.unique(pd.concat([answers["left"], answers["right"]], ignore_index=True)), name="item"
    )
    scores = pd.Series(float("nan"), index=items, name="score")
    gold_pairs = pd.DataFrame({"left": [], "right": [], "label": []})
    if gold_path is not None:
        gold = read_pairwise_gold(gold_path, answers)
        if gold.scores is not None:
            scores = gold.scores.reindex(items)
            unordered = [
                tuple(sorted((a, b))) for a, b in zip(answers["left"], answers["right"], strict=True)
            ]
            pairs = answers[~pd.Series(unordered, index=answers.index).duplicated().to_numpy()]
            both = (
                scores.reindex(pd.Index(pairs["left"])).notna().to_numpy()
                & scores.reindex(pd.Index(pairs["right"])).notna().to_numpy()
            )
            pairs = pairs[both]
            left = scores.reindex(pd.Index(pairs["left"])).to_numpy()
            right = scores.reindex(pd.Index(pairs["right"])).to_numpy()
            label = [
                "right" if b > a else "left" if a > b else "tie" for a, b in zip(left, right, strict=True)
            ]
            gold_pairs = pd.DataFrame(
                {"left": pairs["left"].to_numpy(), "right": pairs["right"].to_numpy(), "label": label}
            )
        elif gold.pairs is not None:
            gold_pairs = gold.pairs
    elif imported.gold is not None:
        tasks = answers.drop_duplicates("task").set_index("task")
        known = imported.gold[imported.gold.index.isin(tasks.index)]
        gold_pairs = pd.DataFrame(
            {
                "left": tasks.loc[known.index, "left"].to_numpy(),
                "right": tasks.loc[known.index, "right"].to_numpy(),
                "label": known.to_numpy(),
            }
        )
    dataset = PairwiseDataset(
        name=Path(path).stem,
        description=f"real comparisons of {path}",
        truth=pd.Series([], dtype="int64", name="label", index=pd.Index([], name="task")),
        classes=SIDES,
        items=scores.to_frame(),
        pairs=pd.DataFrame({"left": [], "right": []}),
        heldout=gold_pairs,
    )
    gold_by_task = pd.Series(dtype=object, name="label", index=pd.Index([], name="task"))
    return RealAnswers(Path(path).stem, answers, gold_by_task, dataset)


def gold_sides_by_task(answers: pd.DataFrame, gold_pairs: pd.DataFrame) -> pd.Series:
    """The gold side of each answered task whose pair (either way round) is a gold pair."""
    gold = gold_pairs.drop_duplicates(["left", "right"]).set_index(["left", "right"])["label"]
    tasks = answers.drop_duplicates("task").set_index("task")
    direct = gold.reindex(pd.MultiIndex.from_arrays([tasks["left"], tasks["right"]])).to_numpy()
    flipped = gold.reindex(pd.MultiIndex.from_arrays([tasks["right"], tasks["left"]]))
    reverse = flipped.map({"left": "right", "right": "left", "tie": "tie"}).to_numpy()
    sides = pd.Series(
        np.where(pd.isna(direct), reverse, direct), index=tasks.index, name="label", dtype=object
    )
    return sides.dropna()


#: How ``evaluate`` reads the answers of each task kind: ``(imported, path, gold path)``.
FROM_EXPORT: dict[str, Callable[[ImportedAnswers, str | Path, str | Path | None], RealAnswers]] = {
    "classification": from_export,
    "pairwise": pairwise_from_export,
}
