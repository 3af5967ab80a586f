"""The fast engine's classification methods: vectorized numpy/scipy versions of crowd-kit's.

Every class follows crowd-kit's estimator convention (``fit(data) -> self``, ``labels_``,
``probas_``, ``fit_predict``, ``fit_predict_proba``), reports convergence (``n_iter_``,
``converged_``, ``loglikelihood_``) and has ``fit_arrays`` for integer-coded inputs too large for a
DataFrame. Each one is validated against crowd-kit 1.4.2 on real crowd data (``tests/fast``).
The registry (:mod:`sandbox.aggregation.registry`) names them and pairs them with crowd-kit's.
"""

from __future__ import annotations

from sandbox.aggregation.fast.classification.base import FastAggregator
from sandbox.aggregation.fast.classification.ds import DawidSkene
from sandbox.aggregation.fast.classification.glad import GLAD
from sandbox.aggregation.fast.classification.kos import KOS
from sandbox.aggregation.fast.classification.mace import MACE
from sandbox.aggregation.fast.classification.mv import MajorityVote
from sandbox.aggregation.fast.classification.onecoin_ds import OneCoinDawidSkene
from sandbox.aggregation.fast.classification.wawa import Wawa
from sandbox.aggregation.fast.classification.zbs import ZeroBasedSkill

__all__ = [
    "GLAD",
    "KOS",
    "MACE",
    "DawidSkene",
    "FastAggregator",
    "MajorityVote",
    "OneCoinDawidSkene",
    "Wawa",
    "ZeroBasedSkill",
]
