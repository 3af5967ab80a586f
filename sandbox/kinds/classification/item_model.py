"""Items fitted by EM: how hard each item is, which items mislead the crowd, where, how strongly.

Model (truth known, e.g. gold): every item has an easiness ``e`` drawn from a distribution over the
grid ``EASINESS`` (weights ``easiness``); it is misleading with probability ``m[c]`` for its true class
``c``, and a misleading item has a lure ``l`` drawn from ``lure[c]``. A worker who tries answers right
with probability ``chance + (skill[w, c] - chance) * e`` (their class-conditional skill on an easy
item, less on hard ones: the project's task difficulty is ``1 - e``), else a wrong class drawn from
``mistakes[c]``; on a misleading item they first answer the lure with probability ``pull``. Workers
who do not try (spammers, adversaries) answer alike on every item, so only the answers of workers
who try tell items apart.

:func:`fit_items` maximises the likelihood by EM over each item's (kind, lure, easiness): the E-step
weighs every combination per item; the M-step updates shares, lures and the easiness weights in
closed form, the pull by a one-dimensional search and the skills by a few Newton steps. Skills are
shrunk towards their class mean with ``SKILL_PRIOR`` pseudo answers, so that workers with few
answers are not judged on noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize_scalar
from scipy.special import betaln, digamma, gammaln, logsumexp, polygamma

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Easiness grid: 0 (a hopeless item, everyone at chance) to 1 (a worker's full skill).
EASINESS = np.linspace(0.0, 1.0, 11)
#: Pseudo answers at the class mean added to each worker's class-conditional skill.
SKILL_PRIOR = 4.0
#: Pseudo items that keep a class's misleading share away from 0 and 1 exactly.
SHARE_PRIOR = 1.0
#: Skills are stated at the easiness of the median item (items at least this easy hold half of all).
ANCHOR_SHARE = 0.5
MAX_ITERATIONS = 100
#: Above this many answers of workers who try, EM runs on a sample of the tasks (see fit_items).
MAX_EM_ANSWERS = 100_000
#: Rounds over all answers that refine skills, mistakes and posteriors after a sampled EM.
REFINE_ROUNDS = 1
SAMPLE_SEED = 0
TOLERANCE = 1e-6
NEWTON_STEPS = 3
PULL_FLOOR = 1e-4
#: Range of the concentrations of workers' own mistakes (per class) and pulls around the crowd's:
#: from a fraction of a pseudo answer (every worker their own) to so many that all share the crowd's.
CONCENTRATION_RANGE = (0.1, 1e4)
#: Newton steps per EM iteration of each class's mistake concentration (from the last iteration's).
CONCENTRATION_NEWTON_STEPS = 1
EPS = 1e-9
#: Answers whose item lures to them with a posterior below this weigh nothing in the pull's search.
LURE_WEIGHT_FLOOR = 1e-12


@dataclass(frozen=True)
class ItemFit:
    """The fitted items and skills (class codes 0..K-1, worker codes 0..W-1).

    ``misleading_share`` (K), ``lure`` (K × K, rows sum to 1, 0 on the diagonal), ``pull``,
    ``easiness`` (weights over :data:`EASINESS`), ``skill`` (W × K: P(right) on an easy ordinary
    item), ``mistakes`` (K × K: where wrong answers go), ``posterior`` (per item: P(misleading)),
    ``loglikelihood``, ``n_iter``, ``worker_pull`` (W: each worker's pull, if fitted per worker),
    ``worker_mistakes`` (W × K × K: each worker's own mistakes, if fitted per worker) and
    ``mistake_concentration`` (K: how closely workers' mistakes follow the crowd's, per true class).
    """

    misleading_share: FloatArray
    lure: FloatArray
    pull: float
    easiness: FloatArray
    skill: FloatArray
    mistakes: FloatArray
    posterior: FloatArray
    loglikelihood: float
    n_iter: int
    worker_pull: FloatArray | None = None
    worker_mistakes: FloatArray | None = None
    mistake_concentration: FloatArray | None = None

    def difficulty_values(self, count: int = 100) -> list[float]:
        """``count`` equally likely item difficulties (``1 - e``), quantiles of the fitted weights."""
        cumulative = np.cumsum(self.easiness[::-1])  # difficulty ascending
        points = (np.arange(count) + 0.5) / count
        grid = (1.0 - EASINESS)[::-1]
        return [round(float(grid[min(np.searchsorted(cumulative, p), len(grid) - 1)]), 6) for p in points]


@dataclass(frozen=True)
class _Answers:
    """The answers of workers who try, coded: task, worker, answer, true class, correct."""

    t: IntArray
    w: IntArray
    a: IntArray
    c: IntArray
    right: NDArray[np.bool_]


def fit_items(
    task: IntArray,
    worker: IntArray,
    answer: IntArray,
    truth: IntArray,
    tries: NDArray[np.bool_],
    n_classes: int,
    *,
    max_em_answers: int | None = None,
    worker_pull: bool = False,
    worker_mistakes: bool = False,
    start: ItemFit | None = None,
) -> ItemFit:
    """Fit the model (module docstring) to integer-coded answers.

    ``task``, ``worker``, ``answer``: one entry per answer; ``truth``: per task code, its class;
    ``tries``: per worker code, whether they try (honest archetypes). Returns an :class:`ItemFit`.

    When the workers who try gave more than ``max_em_answers`` answers (default
    :data:`MAX_EM_ANSWERS`), EM runs on a seeded sample of the tasks holding about that many, and
    the item parameters it finds (shares, lures, pull, easiness) are kept while every worker's skill,
    the mistakes and every item's posterior are refined on all answers (:data:`REFINE_ROUNDS`
    rounds). Smaller inputs (every bundled dataset) are fitted on all answers throughout.

    ``worker_pull``: each worker who tries has their own pull, shrunk towards the crowd's by a
    concentration fitted to the data (:func:`_worker_pulls`); otherwise one pull for everyone.
    ``worker_mistakes``: each worker who tries has their own mistakes (where their wrong answers go,
    per true class), the crowd's shrunk by a concentration fitted per class (:func:`_mistake_model`);
    otherwise one for everyone.

    ``start``: parameters to start EM from instead of the rule of thumb (a fit of similar data, its
    skills already in this call's worker codes), e.g. the fit a bootstrap resample perturbs: EM then
    needs a few iterations instead of dozens.
    """
    cap = MAX_EM_ANSWERS if max_em_answers is None else max_em_answers
    k, n_tasks, n_workers = n_classes, len(truth), len(tries)
    keep = tries[worker]
    data = _Answers(
        task[keep], worker[keep], answer[keep], truth[task[keep]], answer[keep] == truth[task[keep]]
    )
    if len(data.t) > cap:
        return _fit_on_a_sample(
            task, worker, answer, truth, tries, k, data, cap, worker_pull, worker_mistakes
        )
    class_counts = np.bincount(truth, minlength=k).astype(float)
    answered = np.bincount(data.t, minlength=n_tasks)
    rate = np.bincount(data.t, weights=data.right, minlength=n_tasks) / np.maximum(answered, 1)
    guess = (rate < 0.5) & (answered > 0)  # items most answers get wrong: misleading, to begin with
    if start is None:
        share = (np.bincount(truth, weights=guess, minlength=k) + SHARE_PRIOR / 2) / (
            class_counts + SHARE_PRIOR
        )
        lure = _normalise_rows(np.ones((k, k)) - np.eye(k))
        pull = 0.8
        easiness: FloatArray = np.full(len(EASINESS), 1.0 / len(EASINESS))
        weight = np.where(guess[data.t], 0.0, 1.0)[:, None] * np.ones(len(EASINESS)) / len(EASINESS)
        skill = _newton_skills(data, weight, np.full((n_workers, k), 0.8), n_workers, k)
        mistakes, own, concentration = _mistake_model(data, weight.sum(axis=1), k, n_workers, worker_mistakes)
    else:
        share, lure, pull, easiness = start.misleading_share, start.lure, start.pull, start.easiness
        skill, mistakes = start.skill, start.mistakes
        own, concentration = start.worker_mistakes, start.mistake_concentration
        if not worker_mistakes:
            own = concentration = None
        elif own is None:
            mistakes, own, concentration = _mistake_model(data, np.ones(len(data.t)), k, n_workers, True)
    pulls = (
        start.worker_pull if start is not None and start.worker_pull is not None else np.full(n_workers, pull)
    )
    previous, iteration, mis = -np.inf, 0, guess.astype(float)
    loglik = -np.inf
    while iteration < MAX_ITERATIONS:
        iteration += 1
        p_ord = _p_ordinary(skill, mistakes if own is None else own, data, k)  # answers × easiness
        ordinary, lured, loglik = _e_step(
            data, truth, p_ord, share, lure, pulls[data.w], easiness, n_tasks, k
        )
        mis = lured.sum(axis=(1, 2))
        share = (np.bincount(truth, weights=mis, minlength=k) + SHARE_PRIOR / 2) / (
            class_counts + SHARE_PRIOR
        )
        lure_mass = np.zeros((k, k))
        np.add.at(lure_mass, truth, lured.sum(axis=2))
        lure = _normalise_rows(lure_mass + EPS * (1 - np.eye(k)))
        easiness = (ordinary.sum(axis=0) + lured.sum(axis=(0, 1)) + EPS) / (n_tasks + EPS * len(EASINESS))
        if worker_pull:
            pulls, pull = _worker_pulls(data, p_ord, lured, pulls, n_workers)
        else:
            pull = _best_pull(data, p_ord, lured)
            pulls = np.full(n_workers, pull)
        weight = _ordinary_weight(data, p_ord, ordinary, lured, pulls[data.w])
        skill = _newton_skills(data, weight, skill, n_workers, k)
        mistakes, own, concentration = _mistake_model(
            data, weight.sum(axis=1), k, n_workers, worker_mistakes, concentration
        )
        if loglik - previous < TOLERANCE * max(1.0, abs(loglik)):
            break
        previous = loglik
    easiness, skill = _anchor_easiest(easiness, skill, k)
    return ItemFit(
        share,
        lure,
        pull,
        easiness,
        skill,
        mistakes,
        mis,
        loglik,
        iteration,
        pulls if worker_pull else None,
        own,
        concentration,
    )


def _fit_on_a_sample(
    task: IntArray,
    worker: IntArray,
    answer: IntArray,
    truth: IntArray,
    tries: NDArray[np.bool_],
    k: int,
    data: _Answers,
    cap: int,
    worker_pull: bool,
    worker_mistakes: bool,
) -> ItemFit:
    """EM on a seeded sample of the tasks, then skills, pulls, mistakes and posteriors on all answers."""
    n_tasks, n_workers = len(truth), len(tries)
    sampled = np.random.default_rng(SAMPLE_SEED).random(n_tasks) < cap / len(data.t)
    code = np.full(n_tasks, -1, dtype=np.int64)
    code[sampled] = np.arange(int(sampled.sum()))
    rows = sampled[task]
    sample = fit_items(
        code[task[rows]],
        worker[rows],
        answer[rows],
        truth[sampled],
        tries,
        k,
        max_em_answers=len(task),
        worker_pull=worker_pull,
        worker_mistakes=worker_mistakes,
    )
    share, lure, pull, easiness = sample.misleading_share, sample.lure, sample.pull, sample.easiness
    skill, mistakes = sample.skill, sample.mistakes
    own, concentration = sample.worker_mistakes, sample.mistake_concentration
    pulls = sample.worker_pull if sample.worker_pull is not None else np.full(n_workers, pull)
    for _ in range(REFINE_ROUNDS):
        p_ord = _p_ordinary(skill, mistakes if own is None else own, data, k)
        ordinary, lured, loglik = _e_step(
            data, truth, p_ord, share, lure, pulls[data.w], easiness, n_tasks, k
        )
        if worker_pull:
            pulls, pull = _worker_pulls(data, p_ord, lured, pulls, n_workers)
        weight = _ordinary_weight(data, p_ord, ordinary, lured, pulls[data.w])
        skill = _newton_skills(data, weight, skill, n_workers, k)
        mistakes, own, concentration = _mistake_model(
            data, weight.sum(axis=1), k, n_workers, worker_mistakes, concentration
        )
    posterior = lured.sum(axis=(1, 2))
    return ItemFit(
        share,
        lure,
        pull,
        easiness,
        skill,
        mistakes,
        posterior,
        loglik,
        sample.n_iter,
        pulls if worker_pull else None,
        own,
        concentration,
    )


def _anchor_easiest(easiness: FloatArray, skill: FloatArray, k: int) -> tuple[FloatArray, FloatArray]:
    """State skills at the median item's easiness, which becomes 1 (easier items count as that easy).
    A skill and an easiness shared by all items trade off exactly (chance + (s − chance) e), so
    without an anchor the split between them drifts along that ridge."""
    held = np.cumsum(easiness[::-1])[::-1]  # share of items at least this easy
    top = EASINESS[np.flatnonzero(held >= ANCHOR_SHARE).max()]
    if top >= 1.0 or top <= 0.0:
        return easiness, skill
    chance = 1.0 / k
    anchored: FloatArray = np.zeros_like(easiness)
    nearest = np.abs(np.minimum(EASINESS / top, 1.0)[:, None] - EASINESS[None, :]).argmin(axis=1)
    np.add.at(anchored, nearest, easiness)
    return anchored, chance + (skill - chance) * top


def _normalise_rows(matrix: FloatArray) -> FloatArray:
    out: FloatArray = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), EPS)
    return out


def _p_correct(skill: FloatArray, k: int) -> FloatArray:
    """P(right) for skills (any shape) on each easiness of the grid (a last axis)."""
    chance = 1.0 / k
    out: FloatArray = chance + (skill[..., None] - chance) * EASINESS
    return np.clip(out, EPS, 1 - EPS)


def _p_ordinary(skill: FloatArray, mistakes: FloatArray, data: _Answers, k: int) -> FloatArray:
    """P(answer | ordinary item of each easiness): answers × easiness grid. ``mistakes``: K × K for
    everyone, or W × K × K (each worker's own)."""
    q = _p_correct(skill[data.w, data.c], k)
    where = mistakes[data.c, data.a] if mistakes.ndim == 2 else mistakes[data.w, data.c, data.a]
    wrong = (1.0 - q) * where[:, None]
    p: FloatArray = np.where(data.right[:, None], q, wrong)
    return np.maximum(p, EPS)


def _per_task(t: IntArray, values: FloatArray, n_tasks: int) -> FloatArray:
    """Sum ``values`` (answers × columns) per task (or any code ``t`` < ``n_tasks``): n_tasks × columns."""
    out = np.empty((n_tasks, values.shape[1]))
    for column in range(values.shape[1]):
        out[:, column] = np.bincount(t, weights=values[:, column], minlength=n_tasks)
    return out


def _e_step(
    data: _Answers,
    truth: IntArray,
    p_ord: FloatArray,
    share: FloatArray,
    lure: FloatArray,
    pull: FloatArray,
    easiness: FloatArray,
    n_tasks: int,
    k: int,
) -> tuple[FloatArray, FloatArray, float]:
    """Posteriors per item of (ordinary, easiness) — n_tasks × G — and of (lure, easiness) —
    n_tasks × K × G — and the log-likelihood; ``pull`` per answer (its worker's)."""
    g = len(EASINESS)
    pull = pull[:, None]
    log_ordinary = _per_task(data.t, np.log(p_ord), n_tasks)
    # On an item luring to l, an answer other than l is (1 - pull) p; an answer l is pull + (1 - pull) p:
    # one sum per item for the first, then per lure class a correction over the answers equal to it.
    missed = np.log(np.maximum((1.0 - pull) * p_ord, EPS))
    hit_gain = np.log(np.maximum(pull + (1.0 - pull) * p_ord, EPS)) - missed
    log_missed = _per_task(data.t, missed, n_tasks)
    log_lured = np.empty((n_tasks, k, g))
    for lure_class in range(k):
        answered_lure = data.a == lure_class
        log_lured[:, lure_class, :] = log_missed + _per_task(
            data.t[answered_lure], hit_gain[answered_lure], n_tasks
        )
    with np.errstate(divide="ignore"):
        log_easiness = np.log(easiness)
        ordinary = np.log(1.0 - share[truth])[:, None] + log_easiness + log_ordinary
        lured = (
            np.log(share[truth])[:, None, None] + np.log(lure[truth])[:, :, None] + log_easiness + log_lured
        )
    lured[np.arange(n_tasks), truth, :] = -np.inf  # an item never lures to its own class
    total = logsumexp(np.concatenate([ordinary, lured.reshape(n_tasks, k * g)], axis=1), axis=1)
    return np.exp(ordinary - total[:, None]), np.exp(lured - total[:, None, None]), float(total.sum())


def _lure_weights(data: _Answers, lured: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Per answer and easiness: the posterior that its item lures to the answer given, and that it
    lures elsewhere (answers × G each)."""
    is_lure: FloatArray = lured[data.t, data.a, :]
    not_lure: FloatArray = lured.sum(axis=1)[data.t] - is_lure
    return is_lure, not_lure


def _best_pull(data: _Answers, p_ord: FloatArray, lured: FloatArray) -> float:
    """The pull that maximises the expected log-likelihood of the answers on misleading items.

    ``not_lure · log((1 - pull) p)`` splits into ``log(1 - pull) Σ not_lure`` plus a constant, and
    answers whose item is (almost) surely not misleading towards them weigh nothing in the rest, so
    each evaluation of the search is one pass over the few answers that may be lure answers."""
    is_lure, not_lure = _lure_weights(data, lured)
    if is_lure.sum() + not_lure.sum() <= EPS:
        return 0.0
    candidates = is_lure.max(axis=1) > LURE_WEIGHT_FLOOR
    weights, p = is_lure[candidates], p_ord[candidates]
    missed_mass = float(not_lure.sum())

    def negative(pull: float) -> float:
        return -float((weights * np.log(pull + (1.0 - pull) * p)).sum() + missed_mass * np.log(1.0 - pull))

    return float(minimize_scalar(negative, bounds=(1e-4, 1 - 1e-4), method="bounded").x)


def _worker_pulls(
    data: _Answers, p_ord: FloatArray, lured: FloatArray, pulls: FloatArray, n_workers: int
) -> tuple[FloatArray, float]:
    """Each worker's pull and the crowd's (their mean), one EM step: per worker the expected number of
    answers on misleading items that followed the lure, of all their answers on misleading items;
    the pulls are modelled as drawn from Beta(μν, (1 − μ)ν) around the crowd's pull μ (the pooled
    share), ν maximising the beta-binomial likelihood of those counts over
    ``CONCENTRATION_RANGE``; a worker's pull is its posterior mean, (followed + μν) / (answers + ν)."""
    is_lure, not_lure = _lure_weights(data, lured)
    mine = pulls[data.w][:, None]
    followed = is_lure * mine / (mine + (1.0 - mine) * p_ord)
    hits = np.bincount(data.w, weights=followed.sum(axis=1), minlength=n_workers).astype(float)
    trials = np.bincount(data.w, weights=(is_lure + not_lure).sum(axis=1), minlength=n_workers).astype(float)
    if trials.sum() <= EPS:
        return pulls, float(pulls.mean())
    mean = float(np.clip(hits.sum() / trials.sum(), PULL_FLOOR, 1.0 - PULL_FLOOR))
    nu = _beta_binomial_concentration(hits, trials, mean)
    out: FloatArray = np.clip((hits + mean * nu) / (trials + nu), PULL_FLOOR, 1.0 - PULL_FLOOR)
    return out, mean


def _beta_binomial_concentration(hits: FloatArray, trials: FloatArray, mean: float) -> float:
    """ν maximising Σ_w log BetaBinomial(hits_w | trials_w, μν, (1 − μ)ν) (counts may be fractional)."""
    keep = trials > EPS
    h, n = hits[keep], trials[keep]
    if len(h) < 2:
        return float(CONCENTRATION_RANGE[1])

    def negative(log_nu: float) -> float:
        a, b = mean * np.exp(log_nu), (1.0 - mean) * np.exp(log_nu)
        return -float((betaln(h + a, n - h + b) - betaln(a, b)).sum())

    low, high = np.log(CONCENTRATION_RANGE)
    return float(np.exp(minimize_scalar(negative, bounds=(low, high), method="bounded").x))


def _ordinary_weight(
    data: _Answers, p_ord: FloatArray, ordinary: FloatArray, lured: FloatArray, pull: FloatArray
) -> FloatArray:
    """P(an answer came from the ordinary behaviour on an item of each easiness): answers × G
    (``pull`` per answer)."""
    is_lure, not_lure = _lure_weights(data, lured)
    pull = pull[:, None]
    not_pulled = (1.0 - pull) * p_ord / (pull + (1.0 - pull) * p_ord)
    out: FloatArray = ordinary[data.t] + not_lure + is_lure * not_pulled
    return out


def _newton_skills(
    data: _Answers, weight: FloatArray, skill: FloatArray, n_workers: int, k: int
) -> FloatArray:
    """Class-conditional skills maximising the weighted likelihood of the answers (Newton steps on
    every (worker, class) at once), then shrunk to the class mean with ``SKILL_PRIOR`` answers (the
    mean over all classes for a class without answers)."""
    chance = 1.0 / k
    cell = data.w * k + data.c
    n_cells = n_workers * k
    # q depends on (cell, easiness) only: sum the weights of right and wrong answers per cell first.
    right_weight = _per_task(cell[data.right], weight[data.right], n_cells)  # cells × G
    wrong_weight = _per_task(cell[~data.right], weight[~data.right], n_cells)
    s = skill.reshape(-1).copy()
    for _ in range(NEWTON_STEPS):
        q = np.clip(chance + (s[:, None] - chance) * EASINESS, EPS, 1 - EPS)
        gradient = (right_weight / q - wrong_weight / (1 - q)) * EASINESS
        curvature = (right_weight / q**2 + wrong_weight / (1 - q) ** 2) * EASINESS**2
        g, h = gradient.sum(axis=1), curvature.sum(axis=1)
        s = np.clip(s + np.where(h > EPS, g / np.maximum(h, EPS), 0.0), chance * 0.5, 1 - 1e-6)
    amount = (right_weight.sum(axis=1) + wrong_weight.sum(axis=1)).reshape(n_workers, k)
    fitted = s.reshape(n_workers, k)
    per_class = amount.sum(axis=0)
    mean = (fitted * amount).sum(axis=0) / np.maximum(per_class, EPS)
    # a class no answer was scored on (never the truth of an answered task) says nothing of its
    # own: its mean is every class's
    mean = np.where(per_class > EPS, mean, (fitted * amount).sum() / max(float(per_class.sum()), EPS))
    shrunk: FloatArray = (fitted * amount + SKILL_PRIOR * mean) / (amount + SKILL_PRIOR)
    return np.clip(shrunk, EPS, 1 - EPS)


def _mistake_model(
    data: _Answers,
    weight: FloatArray,
    k: int,
    n_workers: int,
    per_worker: bool,
    previous: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray | None, FloatArray | None]:
    """The crowd's mistakes (K × K) and, when ``per_worker`` (and K > 2, where a wrong answer has a
    choice), each worker's own (W × K × K) with the concentration per true class (K).

    Each worker's row of true class c is modelled as drawn from Dirichlet(κ_c · crowd's row): κ_c
    maximises the Dirichlet-multinomial likelihood of the workers' (expected) wrong-answer counts
    over ``CONCENTRATION_RANGE`` (a bounded search, or Newton steps from ``previous``, the last EM
    iteration's), and a worker's own row is its posterior mean,
    (counts + κ_c · crowd's row) / (wrong answers + κ_c)."""
    shared = _mistakes(data, weight, k)
    if not per_worker or k < 3:
        return shared, None, None
    counts = np.zeros((n_workers, k, k))
    np.add.at(counts, (data.w, data.c, data.a), weight * ~data.right)
    concentration = np.array(
        [
            _concentration(counts[:, c, :], shared[c], None if previous is None else float(previous[c]))
            for c in range(k)
        ]
    )
    own: FloatArray = (counts + concentration[None, :, None] * shared[None]) / (
        counts.sum(axis=2, keepdims=True) + concentration[None, :, None]
    )
    return shared, own, concentration


def _concentration(counts: FloatArray, row: FloatArray, previous: float | None = None) -> float:
    """κ maximising Σ_w log DirMult(counts_w | κ · row) (workers with wrong answers only): a bounded
    search over log κ, or from ``previous`` a few safeguarded Newton steps on log κ (digamma and
    trigamma derivatives; a step that lowers the likelihood is halved)."""
    keep = counts.sum(axis=1) > EPS
    active = row > EPS
    x, p = counts[keep][:, active], row[active]
    low, high = np.log(CONCENTRATION_RANGE)
    if len(x) < 2 or active.sum() < 2:
        return float(CONCENTRATION_RANGE[1])
    n = x.sum(axis=1)

    def loglik(log_kappa: float) -> float:
        kappa = np.exp(log_kappa)
        a = kappa * p
        return float((gammaln(kappa) - gammaln(n + kappa) + (gammaln(x + a) - gammaln(a)).sum(axis=1)).sum())

    if previous is None:
        return float(np.exp(minimize_scalar(lambda u: -loglik(u), bounds=(low, high), method="bounded").x))
    u = float(np.clip(np.log(previous), low, high))
    for _ in range(CONCENTRATION_NEWTON_STEPS):
        kappa = np.exp(u)
        a = kappa * p
        first = (digamma(kappa) - digamma(n + kappa)).sum() + (p * (digamma(x + a) - digamma(a))).sum()
        second = (polygamma(1, kappa) - polygamma(1, n + kappa)).sum() + (
            p**2 * (polygamma(1, x + a) - polygamma(1, a))
        ).sum()
        gradient, curvature = kappa * first, kappa * first + kappa**2 * second
        step = -gradient / curvature if curvature < 0 else np.sign(gradient) * 1.0
        current = loglik(u)
        for _ in range(10):
            proposal = float(np.clip(u + step, low, high))
            if loglik(proposal) >= current:
                u = proposal
                break
            step /= 2
    return float(np.exp(u))


def _mistakes(data: _Answers, weight: FloatArray, k: int) -> FloatArray:
    """Where wrong answers go, per true class (K × K, rows sum to 1, uniform where none was seen)."""
    wrong = np.zeros((k, k))
    np.add.at(wrong, (data.c, data.a), weight * ~data.right)
    empty = wrong.sum(axis=1) <= EPS
    wrong[empty] = 1.0
    np.fill_diagonal(wrong, 0.0)
    return _normalise_rows(wrong)


def shares_of(fit: ItemFit) -> list[float]:
    """The misleading shares, rounded for a TOML file."""
    return [round(float(x), 6) for x in fit.misleading_share]
