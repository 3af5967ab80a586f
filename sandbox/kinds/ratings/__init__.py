"""Ratings on a scale: each task is an item; an answer is a rating on a declared scale (integer
points such as 1-5, or a continuous range such as a 0-100 slider).

The kind's package: its datasets (``dataset.py``, ``datasets.py``, registered by ``sources.py``), the
answers contract, scale and gold (``answers.py``), campaign rules (``rules.py``), export readers
(``readers.py``), aggregation entry and methods (``aggregation.py``, ``aggregators.py``), scores
(``scoring.py``, ``metrics.py``, ``agreement.py``, ``downstream.py``), the rater report and population
fit (``report.py``, ``fit.py``), the held-out twin (``validation.py``, ``replay.py``), consensus writers
(``consensus.py``) and the Ratings page's view model (``views.py``). Loading the package registers
them (see :mod:`sandbox.kinds`).
"""

from __future__ import annotations

from sandbox.datasets import register_source
from sandbox.kinds.base import register_kind
from sandbox.kinds.ratings import aggregators as _aggregators  # registers the methods
from sandbox.kinds.ratings.kind import Ratings
from sandbox.kinds.ratings.sources import SOURCES

RATINGS = register_kind(Ratings())
for _source in SOURCES:
    register_source(_source)

__all__ = ["RATINGS", "Ratings"]
del _aggregators
