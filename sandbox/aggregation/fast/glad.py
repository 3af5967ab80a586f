"""GLAD (Whitehill et al. 2009): worker ability ``alpha`` times task easiness ``exp(beta)``.

Same model, initialisation and optimiser as crowd-kit's ``GLAD``: ``alpha = beta = 1``, uniform
fixed class priors, standard-normal priors centred on 1 for ``alpha`` and ``beta``, M-step by
scipy's conjugate gradient (``maxiter=25, tol=1e-2``), stop when ``Q / (answers · K)`` gains less
than ``tol``. Per answer, ``P(correct) = sigmoid(alpha_w · exp(beta_t))`` and a wrong answer picks
one of the other ``K - 1`` labels evenly; the expected log-likelihood over the K candidate labels
collapses to one term per answer, so each evaluation is O(answers).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from sandbox.aggregation.fast._base import FastAggregator, worker_series
from sandbox.aggregation.fast._coding import CodedAnswers, FloatArray
from sandbox.aggregation.fast._rows import softmax_rows

_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)


def _log_sigmoids(z: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``(log sigmoid(z), log sigmoid(-z))``, stable for any ``z``."""
    soft = np.log1p(np.exp(-np.abs(z)))
    return -(np.maximum(-z, 0.0) + soft), -(np.maximum(z, 0.0) + soft)


class GLAD(FastAggregator):
    """GLAD with crowd-kit's defaults. Learned: ``alphas_`` (Series by worker), ``betas_``
    (Series by task, log-easiness), ``priors_``, ``loss_history_`` (crowd-kit's Q per row)."""

    alphas_: pd.Series
    betas_: pd.Series
    priors_: pd.Series
    loss_history_: list[float]

    def __init__(
        self,
        n_iter: int = 100,
        tol: float = 1e-5,
        m_step_max_iter: int = 25,
        m_step_tol: float = 1e-2,
    ) -> None:
        self.n_iter = n_iter
        self.tol = tol
        self.m_step_max_iter = m_step_max_iter
        self.m_step_tol = m_step_tol

    def _setup(self, coded: CodedAnswers) -> None:
        self._coded = coded
        k = coded.n_labels
        self._log_others = math.log(k - 1) if k > 1 else 0.0
        self._log_priors = np.full(k, -math.log(k))

    def _e_step(self, alpha: FloatArray, beta: FloatArray) -> tuple[FloatArray, float]:
        c = self._coded
        z = alpha[c.worker] * np.exp(beta[c.task])
        log_right, log_wrong = _log_sigmoids(z)
        log_wrong -= self._log_others
        base = np.bincount(c.task, weights=log_wrong, minlength=c.n_tasks)
        k = c.n_labels
        bonus = np.bincount(
            c.task * k + c.label, weights=log_right - log_wrong, minlength=c.n_tasks * k
        ).reshape(c.n_tasks, k)
        logits = bonus + base[:, None] + self._log_priors
        post, log_norm = softmax_rows(logits)
        return post, float(log_norm.sum())

    def _q_and_gradient(self, x: FloatArray, right: FloatArray) -> tuple[float, FloatArray]:
        """Minus crowd-kit's Q (expected complete log-likelihood + Gaussian priors) and gradient.

        ``right[i]`` is the posterior of the label given in answer ``i``.
        """
        c = self._coded
        alpha, beta = x[: c.n_workers], x[c.n_workers :]
        easiness = np.exp(beta)
        a_i, e_i = alpha[c.worker], easiness[c.task]
        z = a_i * e_i
        log_right, log_wrong = _log_sigmoids(z)
        log_wrong -= self._log_others
        q = float(np.dot(right, log_right) + np.dot(1.0 - right, log_wrong))
        da, db = alpha - 1.0, beta - 1.0
        q -= 0.5 * (float(np.dot(da, da)) + float(np.dot(db, db)))
        q -= _HALF_LOG_2PI * x.size
        residual = right - np.exp(log_right)
        grad_alpha = np.bincount(c.worker, weights=residual * e_i, minlength=c.n_workers) - da
        grad_beta = np.bincount(c.task, weights=residual * z, minlength=c.n_tasks) - db
        return -q, -np.concatenate([grad_alpha, grad_beta])

    def _fit(self, coded: CodedAnswers) -> FloatArray:
        self._setup(coded)
        x: FloatArray = np.ones(coded.n_workers + coded.n_tasks)
        post, _ = self._e_step(x[: coded.n_workers], x[coded.n_workers :])
        rows = coded.n_answers * coded.n_labels
        q = -self._q_and_gradient(x, post[coded.task, coded.label])[0]
        self.loss_history_ = []
        self.converged_ = False
        self.n_iter_ = 0
        for _ in range(self.n_iter):
            last_q = q
            post, self.loglikelihood_ = self._e_step(x[: coded.n_workers], x[coded.n_workers :])
            right = post[coded.task, coded.label]
            result = minimize(
                self._q_and_gradient,
                x,
                args=(right,),
                method="CG",
                jac=True,
                tol=self.m_step_tol,
                options={"disp": False, "maxiter": self.m_step_max_iter},
            )
            x = np.asarray(result.x, dtype=np.float64)
            q = -self._q_and_gradient(x, right)[0] / rows
            self.loss_history_.append(q)
            self.n_iter_ += 1
            if not q - last_q >= self.tol:
                self.converged_ = True
                break
        self.alphas_ = worker_series(x[: coded.n_workers], coded, "alpha")
        self.betas_ = pd.Series(x[coded.n_workers :], index=coded.task_names, name="beta")
        self.priors_ = pd.Series(np.exp(self._log_priors), index=coded.label_names, name="prior")
        del self._coded
        return post
