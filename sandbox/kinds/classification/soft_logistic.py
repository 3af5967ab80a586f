"""Logistic regression fitted on soft labels (a probability per class for each row).

The downstream model trained on an aggregator's posteriors used to be scikit-learn's
``LogisticRegression`` on every row repeated once per class, weighted by the posterior: the same
objective as the cross-entropy against the posterior, on K times the rows (a digits sweep cell spent
~2 s per aggregator there). :class:`SoftLogisticRegression` minimises that objective directly, with
scikit-learn's parametrisation, penalty and optimiser settings (L2 with ``C = 1`` on the coefficients,
not the intercepts, scaled by the total weight; L-BFGS from zero with ``gtol = 1e-4``, ``maxls = 50``):
one logit for two classes, one per class (softmax) for more. It reaches the same optimum;
``tests/sandbox/test_soft_logistic.py`` holds it to scikit-learn's on repeated rows.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize
from scipy.special import expit, log_expit, logsumexp, softmax

FloatArray = NDArray[np.float64]

MAX_ITER = 2000
GTOL = 1e-4
FTOL = 64 * float(np.finfo(float).eps)


class SoftLogisticRegression:
    """``fit(features, soft)`` with ``soft`` an ``n × K`` array of non-negative weights per class (one
    row per sample; a posterior row sums to 1); classes whose column is all zero are left out, as
    scikit-learn leaves out classes that never occur. ``predict(features)`` gives class positions
    (columns of ``soft``)."""

    def __init__(self, C: float = 1.0, max_iter: int = MAX_ITER, tol: float = GTOL) -> None:
        self.C, self.max_iter, self.tol = C, max_iter, tol

    def fit(self, features: FloatArray, soft: FloatArray) -> SoftLogisticRegression:
        """Fit on ``features`` (``n × d``) against ``soft`` (``n × K``); returns ``self``."""
        present = np.flatnonzero(soft.sum(axis=0) > 0)
        self.classes_: NDArray[np.intp] = present
        soft = np.ascontiguousarray(soft[:, present], dtype=np.float64)
        total = float(soft.sum())
        design = np.hstack([features, np.ones((features.shape[0], 1))])
        strength = 1.0 / (self.C * total)
        if present.size == 1:
            self.coef_ = np.zeros((1, features.shape[1] + 1))
            return self
        if present.size == 2:
            objective, shape = _binary(design, soft, total, strength), (1, design.shape[1])
        else:
            objective, shape = _multinomial(design, soft, total, strength), (present.size, design.shape[1])
        result = minimize(
            objective,
            np.zeros(int(np.prod(shape))),
            method="L-BFGS-B",
            jac=True,
            options={
                "maxiter": self.max_iter,
                "maxls": 50,
                "gtol": self.tol,
                "ftol": 64 * np.finfo(float).eps,
            },
        )
        self.n_iter_ = int(result.nit)
        self.coef_ = np.asarray(result.x, dtype=np.float64).reshape(shape)
        return self

    def decision_function(self, features: FloatArray) -> FloatArray:
        """Logits: ``n`` (two classes) or ``n × K``."""
        scores: FloatArray = features @ self.coef_[:, :-1].T + self.coef_[:, -1]
        return scores[:, 0] if self.coef_.shape[0] == 1 else scores

    def predict(self, features: FloatArray) -> NDArray[np.intp]:
        """The most probable class of each row (its position among ``soft``'s columns)."""
        if self.classes_.size == 1:
            return np.full(features.shape[0], self.classes_[0])
        scores = self.decision_function(features)
        best = (scores > 0).astype(np.intp) if scores.ndim == 1 else scores.argmax(axis=1)
        return self.classes_[best]


def _penalty(coef: FloatArray, strength: float) -> tuple[float, FloatArray]:
    """Half the L2 norm of the coefficients (intercepts, the last column, are free) and its gradient."""
    gradient = coef.copy()
    gradient[:, -1] = 0.0
    return 0.5 * strength * float(np.sum(gradient * gradient)), strength * gradient


def _binary(design: FloatArray, soft: FloatArray, total: float, strength: float) -> Any:
    """Objective of one logit ``f``: weight of class 1 × -log σ(f) + weight of class 0 × -log σ(-f)."""
    negative, positive = soft[:, 0], soft[:, 1]
    weight = negative + positive

    def objective(flat: FloatArray) -> tuple[float, FloatArray]:
        coef = flat.reshape(1, -1)
        logit = design @ coef[0]
        loss = -float(np.dot(positive, log_expit(logit)) + np.dot(negative, log_expit(-logit))) / total
        residual = weight * expit(logit) - positive
        penalty, penalty_gradient = _penalty(coef, strength)
        gradient = (design.T @ residual) / total + penalty_gradient[0]
        return loss + penalty, gradient

    return objective


def _multinomial(design: FloatArray, soft: FloatArray, total: float, strength: float) -> Any:
    """Objective of one logit per class: cross-entropy of the softmax against the soft labels."""
    weight = soft.sum(axis=1)
    n_classes = soft.shape[1]

    def objective(flat: FloatArray) -> tuple[float, FloatArray]:
        coef = flat.reshape(n_classes, -1)
        logits = design @ coef.T
        loss = float(np.dot(weight, logsumexp(logits, axis=1)) - np.sum(soft * logits)) / total
        residual = softmax(logits, axis=1) * weight[:, None] - soft
        penalty, penalty_gradient = _penalty(coef, strength)
        gradient = (residual.T @ design) / total + penalty_gradient
        return loss + penalty, gradient.ravel()

    return objective
