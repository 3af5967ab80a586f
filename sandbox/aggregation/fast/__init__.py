"""Fast aggregation engine: vectorized numpy/scipy versions of crowd-kit's classification methods.

Every class follows crowd-kit's estimator convention (``fit(data) -> self``, ``labels_``,
``probas_``, ``fit_predict``, ``fit_predict_proba``), reports convergence (``n_iter_``,
``converged_``, ``loglikelihood_``) and has ``fit_arrays`` for integer-coded inputs too large for a
DataFrame. Each one is validated against crowd-kit 1.4.2 on real crowd data (``tests/fast``).
The registry (:mod:`sandbox.aggregation.registry`) names them and pairs them with crowd-kit's.
"""

from __future__ import annotations

from sandbox.aggregation.fast._base import FastAggregator
from sandbox.aggregation.fast._coding import CodedAnswers, code_column, encode, from_codes
from sandbox.aggregation.fast.ds import DawidSkene
from sandbox.aggregation.fast.glad import GLAD
from sandbox.aggregation.fast.kos import KOS
from sandbox.aggregation.fast.mace import MACE
from sandbox.aggregation.fast.mv import MajorityVote
from sandbox.aggregation.fast.onecoin_ds import OneCoinDawidSkene
from sandbox.aggregation.fast.wawa import Wawa
from sandbox.aggregation.fast.zbs import ZeroBasedSkill

__all__ = [
    "GLAD",
    "KOS",
    "MACE",
    "CodedAnswers",
    "DawidSkene",
    "FastAggregator",
    "MajorityVote",
    "OneCoinDawidSkene",
    "Wawa",
    "ZeroBasedSkill",
    "code_column",
    "encode",
    "from_codes",
]
