"""Real crowd datasets bundled in ``datasets/`` (answers by real workers + expert gold)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import Field

from foundation.config import ConfigModel, validate
from sandbox.datasets.bundled import bundled_root
from sandbox.datasets.dataset import Dataset, class_codes, sorted_classes, truth_series
from sandbox.kinds.classification.dataset import ClassificationDataset


class CatalogEntry(ConfigModel):
    """``[NAME]`` of ``datasets/catalog.toml``: one bundled dataset."""

    description: str = Field(description="one line: what is labelled, how many tasks and answers, source")


def catalog() -> dict[str, dict[str, Any]]:
    """Name → entry of ``datasets/catalog.toml`` (one-line ``description``), each a :class:`CatalogEntry`."""
    with (bundled_root() / "catalog.toml").open("rb") as handle:
        tables = tomllib.load(handle)
    return {
        name: validate(CatalogEntry, table, f"catalog.toml: [{name}]").model_dump()
        for name, table in tables.items()
    }


def load_bundled(name: str) -> Dataset:
    """Load one bundled real dataset: truth = expert gold; ``answers`` = the real crowd answers.

    Labels are coded 0..K-1 over the sorted union of labels in answers and gold.
    """
    folder: Path = bundled_root() / name
    answers = pd.read_csv(folder / "labels.csv")
    gold = pd.read_csv(folder / "gold.csv")
    classes = sorted_classes(answers["label"], gold["label"])
    coded_answers = answers.assign(label=class_codes(answers["label"], classes))
    truth = truth_series(gold["task"], class_codes(gold["label"], classes))
    return ClassificationDataset(
        name=name,
        description=str(catalog()[name]["description"]),
        truth=truth,
        classes=classes,
        answers=coded_answers[["task", "worker", "label"]],
    )
