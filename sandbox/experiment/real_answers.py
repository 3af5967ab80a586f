"""Real (not simulated) answers for ``evaluate``: a bundled dataset's, or a user's answers/gold files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from annotators.errors import SandboxError
from sandbox.datasets import load_dataset
from sandbox.datasets.bundled import catalog
from sandbox.io.answers import align_gold, read_gold
from sandbox.io.importers import ImportedAnswers


@dataclass(frozen=True)
class RealAnswers:
    """Answers by real workers (``task, worker, label``) and gold (Series task → label; may be empty)."""

    source: str
    answers: pd.DataFrame
    gold: pd.Series


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
