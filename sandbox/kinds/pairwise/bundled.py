"""Real preference crowds bundled in ``datasets/pairwise/`` (see its ``catalog.toml``): the answers of
real raters, their items (expert scores, numeric features) and the expert gold pairs.

Each folder holds ``answers.csv`` (``task, worker, left, right, label[, seconds]``: label the chosen
item or ``tie``), ``items.csv`` (``item, score`` and optional numeric features) and
``gold_pairs.csv`` (``left, right, label``). The dataset's pairs are the pairs its raters compared,
one per task as they were shown; their truth comes from the expert scores (equal scores are true ties:
these interfaces offered a tie button), and they are also the gold pairs the aggregated preferences
are scored on. The expert scores are grades, so raters see their normal scores (``ordinal_scores``).
"""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import Field

from foundation.config import ConfigModel, validate
from sandbox.datasets.bundled import bundled_root
from sandbox.kinds.pairwise.answers import validate_pairwise_answers
from sandbox.kinds.pairwise.dataset import PairwiseDataset, make_pairwise
from sandbox.kinds.pairwise.datasets import read_items

FOLDER = "pairwise"


class PairwiseCatalogEntry(ConfigModel):
    """``[NAME]`` of ``datasets/pairwise/catalog.toml``: one bundled preference crowd."""

    description: str = Field(description="one line: what is compared, how many pairs and raters, source")


def folder() -> Path:
    """``datasets/pairwise`` (``sandbox/_datasets/pairwise`` in a wheel)."""
    return bundled_root() / FOLDER


def catalog() -> dict[str, dict[str, Any]]:
    """Name → entry (``description``) of the bundled preference crowds."""
    path = folder() / "catalog.toml"
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        tables = tomllib.load(handle)
    return {
        name: validate(PairwiseCatalogEntry, table, f"pairwise/catalog.toml: [{name}]").model_dump()
        for name, table in tables.items()
    }


def read_answers(name: str) -> pd.DataFrame:
    """The bundled crowd's answers in the pairwise answers table (sides, not item ids)."""
    from sandbox.kinds.pairwise.readers import load_pairwise_answers

    return load_pairwise_answers(folder() / name / "answers.csv", format="long").answers


def listing() -> dict[str, str]:
    """Name → one-line description of each bundled preference crowd."""
    return {name: str(entry["description"]) for name, entry in catalog().items()}


def load_bundled_pairs(name: str) -> PairwiseDataset:
    """One bundled preference crowd as a dataset with its real ``answers`` (see the module docstring)."""
    root = folder() / name
    items = read_items(str(root / "items.csv"))
    answers = validate_pairwise_answers(read_answers(name), str(root / "answers.csv"))
    shown = answers.drop_duplicates("task").set_index("task")[["left", "right"]]
    items.index = pd.Index(items.index, name="item")
    dataset = make_pairwise(
        name,
        str(catalog()[name]["description"]),
        items,
        shown,
        shown.reset_index(drop=True),
        0.0,
        tuple(c for c in items.columns if c != "score"),
        offers_ties=True,
        answers=answers,
    )
    return replace(dataset, ordinal_scores=True)
