"""Classification: each task has one true class; an answer is a class label.

The kind's package: its datasets (``datasets/``, ``dataset.py``, registered by ``sources.py``), its
answers contract and gold (``answers.py``), export readers (``readers/``), aggregation entry and
methods (``aggregation.py``, ``aggregators.py``), scores (``scoring.py``, ``downstream.py``,
``soft_logistic.py``), the annotator report and population fit (``report.py``, ``fit.py``,
``item_model.py``, ``calibration.py``), the held-out check of a fit (``validation.py``), consensus
writers (``consensus.py``) and the "Your export" page's view model (``export_view.py``). Loading the
package registers them (see :mod:`sandbox.kinds`).
"""

from __future__ import annotations

from sandbox.datasets import register_source
from sandbox.kinds.base import register_kind
from sandbox.kinds.classification import aggregators as _aggregators  # registers the methods
from sandbox.kinds.classification.kind import Classification
from sandbox.kinds.classification.sources import SOURCES

CLASSIFICATION = register_kind(Classification())
for _source in SOURCES:
    register_source(_source)

__all__ = ["CLASSIFICATION", "Classification"]
del _aggregators
