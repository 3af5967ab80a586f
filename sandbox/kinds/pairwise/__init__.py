"""Pairwise preferences: each task shows two items; an answer says which is better (or a tie).

The kind's package: its datasets (``dataset.py``, ``datasets.py``, registered by ``sources.py``),
answers contract and gold (``answers.py``), export readers (``readers.py``), aggregation entry and
methods (``aggregation.py``, ``aggregators.py``), scores (``scoring.py``, ``metrics.py``), the rater
report and population fit (``report.py``), consensus writers (``consensus.py``) and the Preferences
page's view model (``views.py``). Loading the package registers them (see :mod:`sandbox.kinds`).
"""

from __future__ import annotations

from sandbox.datasets import register_source
from sandbox.kinds.base import register_kind
from sandbox.kinds.pairwise import aggregators as _aggregators  # registers the methods
from sandbox.kinds.pairwise.kind import Pairwise
from sandbox.kinds.pairwise.sources import SOURCES

PAIRWISE = register_kind(Pairwise())
for _source in SOURCES:
    register_source(_source)

__all__ = ["PAIRWISE", "Pairwise"]
del _aggregators
