"""Fast GLAD's blocked E-step and M-step objective against the formulas written out over all answers.

Small blocks make both kinds of block occur: tasks all with the same number of answers (easiness
repeated, columns added) and tasks with different numbers (gathers and ``np.bincount``), with repeated
identical answers (weights) and tasks that have no answer.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sandbox.aggregation.fast.classification import glad
from sandbox.aggregation.fast.coding import CodedAnswers, FloatArray, from_codes
from sandbox.randomness import make_rng


def _crowd(seed: int, n_labels: int, mixed: bool) -> CodedAnswers:
    """Fixed overlap of 4 answers per task, or (``mixed``) 1-9 answers per task, repeats and gaps."""
    rng = make_rng(seed)
    n_tasks, n_workers = 300, 25
    counts = rng.integers(1, 10, n_tasks) if mixed else np.full(n_tasks, 4)
    if mixed:
        counts[[5, 6, 150]] = 0  # tasks without answers
    task = np.repeat(np.arange(n_tasks), counts)
    worker = (np.repeat(rng.integers(0, n_workers, n_tasks), counts) + np.arange(task.size)) % n_workers
    label = rng.integers(0, n_labels, task.size)
    if mixed:  # some answers given twice
        again = rng.choice(task.size, task.size // 8, replace=False)
        task, worker, label = (np.concatenate([a, a[again]]) for a in (task, worker, label))
    return from_codes(task, worker, label, n_tasks=n_tasks, n_workers=n_workers, n_labels=n_labels)


def _reference(coded: CodedAnswers, x: FloatArray, post: FloatArray) -> tuple[FloatArray, float, FloatArray]:
    """Over every answer (repeats apart): E-step logits, minus Q and its gradient."""
    k, n_w = coded.n_labels, coded.n_workers
    alpha, beta = x[:n_w], x[n_w:]
    easy = np.exp(beta[coded.task])
    z = alpha[coded.worker] * easy
    log_right = -np.logaddexp(0.0, -z)
    log_wrong = log_right - z - math.log(k - 1)
    logits = np.full((coded.n_tasks, k), -math.log(k))
    for label in range(k):
        np.add.at(logits[:, label], coded.task, np.where(coded.label == label, log_right, log_wrong))
    right = post[coded.task, coded.label]
    q = float(np.sum(right * log_right + (1 - right) * log_wrong))
    q -= 0.5 * float(np.sum((x - 1.0) ** 2)) + 0.5 * math.log(2 * math.pi) * x.size
    slope = right - 1.0 / (1.0 + np.exp(-z))
    gradient = 1.0 - x
    gradient[:n_w] += np.bincount(coded.worker, weights=slope * easy, minlength=n_w)
    gradient[n_w:] += np.bincount(coded.task, weights=slope * z, minlength=coded.n_tasks)
    return logits, -q, -gradient


@pytest.mark.parametrize(
    ("seed", "n_labels", "mixed"), [(0, 2, False), (1, 2, True), (2, 4, False), (3, 3, True)]
)
def test_blocks_match_the_formulas(
    monkeypatch: pytest.MonkeyPatch, seed: int, n_labels: int, mixed: bool
) -> None:
    monkeypatch.setattr(glad, "_BLOCK", 64)
    coded = _crowd(seed, n_labels, mixed)
    problem = glad.GladProblem(coded)
    assert len(problem.blocks) > 10
    kinds = {block.per_task for block in problem.blocks}
    assert kinds == ({0} if mixed else {4})  # gathers and bincount, or repeats and columns
    x = 1.0 + make_rng(seed + 10).normal(size=coded.n_workers + coded.n_tasks)
    post, _ = problem.e_step(x[: coded.n_workers], x[coded.n_workers :])
    logits, q, gradient = _reference(coded, x, post)
    expected = np.exp(logits - logits.max(axis=1, keepdims=True))
    assert np.allclose(post, expected / expected.sum(axis=1, keepdims=True), rtol=0, atol=1e-12)
    got_q, got_gradient = problem.q_and_gradient(x, problem.responsibilities(post))
    assert got_q == pytest.approx(q, rel=1e-12)
    assert np.allclose(got_gradient, gradient, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize(
    ("seed", "n_labels", "mixed"), [(4, 2, False), (5, 2, True), (6, 4, False), (7, 3, True)]
)
def test_fast_mode_passes_match_the_formulas(
    monkeypatch: pytest.MonkeyPatch, seed: int, n_labels: int, mixed: bool
) -> None:
    """The fast mode's two passes against the formulas over all answers: the E-step, each task's
    objective and Newton step on beta, the fall-back of tasks whose objective fell, and each
    worker's Newton step on alpha."""
    monkeypatch.setattr(glad, "_BLOCK", 64)
    coded = _crowd(seed, n_labels, mixed)
    problem = glad.GladProblem(coded)
    n_w, n_t, k = coded.n_workers, coded.n_tasks, n_labels
    x = 1.0 + make_rng(seed + 10).normal(size=n_w + n_t)
    alpha, beta = x[:n_w], x[n_w:]
    post, new_beta, task_q = np.empty((n_t, k)), np.empty(n_t), np.empty(n_t)
    loglikelihood = problem.task_pass(alpha, beta, post, new_beta, task_q)
    expected_post, expected_loglikelihood = problem.e_step(alpha, beta)
    assert np.allclose(post, expected_post, rtol=0, atol=1e-12)
    assert loglikelihood == pytest.approx(expected_loglikelihood, rel=1e-12)

    def per_task(at_alpha: FloatArray, at_beta: FloatArray) -> tuple[FloatArray, ...]:
        easy = np.exp(at_beta[coded.task])
        z = at_alpha[coded.worker] * easy
        log_right = -np.logaddexp(0.0, -z)
        sigma = 1.0 / (1.0 + np.exp(-z))
        r = post[coded.task, coded.label]
        term = r * log_right + (1 - r) * (log_right - z - math.log(k - 1))
        q = np.bincount(coded.task, term, n_t) - 0.5 * (at_beta - 1.0) ** 2
        g = np.bincount(coded.task, (r - sigma) * z, n_t)
        c = np.bincount(coded.task, sigma * (1 - sigma) * z * z, n_t)
        g_w = np.bincount(coded.worker, (r - sigma) * easy, n_w) - (at_alpha - 1.0)
        c_w = np.bincount(coded.worker, sigma * (1 - sigma) * easy * easy, n_w) + 1.0
        return q, g, c, g_w, c_w

    q, g, c, _, _ = per_task(alpha, beta)
    assert np.allclose(task_q, q, rtol=1e-10, atol=1e-10)
    step = np.clip((g - (beta - 1.0)) / (c + 1.0 + np.maximum(-g, 0.0)), -1.0, 1.0)
    assert np.allclose(new_beta, beta + step, rtol=1e-10, atol=1e-10)
    proposed = new_beta.copy()
    moved_q = per_task(alpha, proposed)[0]
    kept = np.where(moved_q < task_q, beta, proposed)  # a step that lowered its task's objective is undone
    new_alpha = problem.worker_pass(alpha, beta, new_beta, post, task_q)
    assert np.array_equal(new_beta, kept)
    _, _, _, g_w, c_w = per_task(alpha, kept)
    assert np.allclose(new_alpha, alpha + np.clip(g_w / c_w, -1.0, 1.0), rtol=1e-10, atol=1e-10)
    assert per_task(alpha, kept)[0].sum() >= task_q.sum()
