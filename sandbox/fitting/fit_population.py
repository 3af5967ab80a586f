"""A crowd fitted from real answers: who the annotators are, as a population and as individuals.

:func:`fit_population` takes the answers (``task, worker, label``) and, when there is any, gold
(Series indexed by task). The truth of a task is its gold label, else its Dawid–Skene consensus.
It fits:

- archetypes: each annotator mapped to honest, uniform_spammer, fixed_spammer or adversary (rules
  in :mod:`sandbox.fitting.annotator_report`), with Dawid–Skene confusions;
- task difficulty: a task is *misleading* when fewer than half of its answers are right (real
  crowds have them: the crowd agrees on a wrong label; only gold can reveal them); per true class,
  the share of misleading tasks and their empirical rates of right answers;
- skill: P(right answer | worker, true class) on the other tasks, by a logistic model with one
  coefficient per (worker, class) (scikit-learn, L2-regularised, C=1);
- mistakes: which wrong label is given, per true class, pooled over all workers;
- activity: answers per worker, and the exponent of a Zipf (rank-frequency) fit to them.

``population`` is a dict in the project's population TOML schema for ``run`` and sweeps: archetype
shares; honest skill as the empirical values of each worker's fitted overall P(right); mistakes as
the pooled confusion; adversaries' ``malice`` as their rate of wrong answers; activity as the Zipf
exponent. The schema has no misleading tasks (difficulty there only pulls answers towards chance),
so a population alone replays a crowd whose errors are independent.
:func:`simulate_replica` re-answers the real (task, worker) pairs from the full fitted model, with
each task's difficulty drawn anew from its class's distribution; it is
how the fit is validated against the real MV and DS accuracies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from annotators.errors import SandboxError, printable
from sandbox.aggregation.aggregate import aggregate
from sandbox.fitting.annotator_report import build_report
from sandbox.randomness import SeedLike, make_rng

ARCHETYPE_ORDER = ("honest", "uniform_spammer", "fixed_spammer", "adversary")
MISLEADING_BELOW = 0.5


@dataclass(frozen=True)
class FittedCrowd:
    """The fit (see the module docstring).

    Attributes:
        population: dict in the population TOML schema.
        workers: DataFrame indexed by ``worker``: ``answers, ds_accuracy, skill, archetype,
            reason`` (``skill``: the fitted P(right), misleading tasks included, over classes).
        skills: DataFrame worker × label: P(right answer | true label) on non-misleading tasks.
        mistakes: DataFrame true label × answered label: where wrong answers go (rows sum to 1).
        misleading_share: Series by label: share of tasks of that true label that are misleading.
        misleading_rates: label → rates of right answers on its misleading tasks.
        confusions: worker → Dawid–Skene confusion (true × answered).
        labels: label values in class-code order.
        activity: Series indexed by worker: number of answers.
        truth_from_gold: share of the fitted tasks whose truth came from gold.
    """

    population: dict[str, Any]
    workers: pd.DataFrame
    skills: pd.DataFrame
    mistakes: pd.DataFrame
    misleading_share: pd.Series
    misleading_rates: dict[Any, list[float]]
    confusions: dict[Any, pd.DataFrame]
    labels: tuple[Any, ...]
    activity: pd.Series
    truth_from_gold: float


def zipf_exponent(activity: pd.Series) -> float:
    """Exponent s of a rank-frequency fit ``answers ∝ rank^-s`` (least squares in log-log),
    clipped to the population schema's 0..5; 0 means uniform activity."""
    counts = np.sort(activity.to_numpy(dtype=float))[::-1]
    counts = counts[counts > 0]
    if len(counts) < 2 or counts[0] == counts[-1]:
        return 0.0
    ranks = np.arange(1, len(counts) + 1, dtype=float)
    slope = np.polyfit(np.log(ranks), np.log(counts), 1)[0]
    return float(np.clip(round(-slope, 3), 0.0, 5.0))


def _shares(counts: dict[str, int]) -> dict[str, float]:
    """Counts → shares rounded to 6 decimals that sum to exactly 1."""
    total = sum(counts.values())
    shares = {k: round(v / total, 6) for k, v in counts.items() if v}
    largest = max(shares, key=lambda k: shares[k])
    shares[largest] = round(1.0 - sum(v for k, v in shares.items() if k != largest), 6)
    return shares


def _mistakes(
    true_codes: npt.NDArray[np.int64], answer_codes: npt.NDArray[np.int64], k: int
) -> npt.NDArray[np.float64]:
    """Pooled wrong-answer distribution per true class (uniform where no mistake was seen)."""
    counts = np.zeros((k, k))
    wrong = true_codes != answer_codes
    np.add.at(counts, (true_codes[wrong], answer_codes[wrong]), 1.0)
    np.fill_diagonal(counts, 0.0)
    out = np.empty((k, k))
    for i in range(k):
        total = counts[i].sum()
        out[i] = counts[i] / total if total > 0 else (np.arange(k) != i) / (k - 1)
    return out


def _rounded_rows(matrix: npt.NDArray[np.float64]) -> list[list[float]]:
    """Rows rounded to 6 decimals that still sum to exactly 1."""
    rows = [[round(float(x), 6) for x in row] for row in matrix]
    for row in rows:
        j = int(np.argmax(row))
        row[j] = round(1.0 - sum(x for i, x in enumerate(row) if i != j), 6)
    return rows


def _skills(
    workers: npt.NDArray[np.int64],
    true_codes: npt.NDArray[np.int64],
    right: npt.NDArray[np.bool_],
    n_workers: int,
    k: int,
) -> npt.NDArray[np.float64]:
    """P(right | worker, class) from an L2 logistic model with one coefficient per pair (C = 1)."""
    if right.all() or not right.any():
        return np.full((n_workers, k), float(right.mean()))
    pair = workers.astype(np.int64) * k + true_codes
    trials = np.bincount(pair, minlength=n_workers * k).astype(float)
    successes = np.bincount(pair, weights=right.astype(float), minlength=n_workers * k).astype(float)
    coefficients, intercept = pair_logistic(successes, trials, c=1.0)
    logits = coefficients + intercept
    return np.asarray(1.0 / (1.0 + np.exp(-logits))).reshape(n_workers, k)


def pair_logistic(
    successes: npt.NDArray[np.float64], trials: npt.NDArray[np.float64], *, c: float
) -> tuple[npt.NDArray[np.float64], float]:
    """The L2-regularised logistic regression of scikit-learn (``LogisticRegression(C=c)``, intercept
    not penalised) on one-hot features, one per group: ``(coefficients, intercept)``.

    With one feature per row the log-likelihood is a sum over groups of ``successes`` and
    ``trials``, and the Hessian is a diagonal plus the intercept's row and column: Newton's method
    solves it exactly in O(groups) per step (scikit-learn's L-BFGS over every row took 40 s on two
    million answers; this takes well under one). Damped by backtracking, so each step decreases
    the objective; stops when the gradient vanishes (1e-10 relative).
    """
    from scipy.special import expit

    weights = np.zeros(len(trials))
    intercept = 0.0
    penalty = 1.0 / c

    def objective(w: npt.NDArray[np.float64], b: float) -> float:
        z = w + b
        softplus = np.logaddexp(0.0, z)
        return float((trials * softplus - successes * z).sum() + 0.5 * penalty * (w @ w))

    current = objective(weights, intercept)
    scale = max(float(trials.sum()), 1.0)
    for _ in range(100):
        probability = expit(weights + intercept)
        residual = trials * probability - successes
        grad_w = residual + penalty * weights
        grad_b = float(residual.sum())
        if max(float(np.abs(grad_w).max()), abs(grad_b)) < 1e-10 * scale:
            break
        curvature = trials * probability * (1.0 - probability)
        diagonal = curvature + penalty
        step_b = (grad_b - float((curvature * grad_w / diagonal).sum())) / max(
            float((curvature - curvature**2 / diagonal).sum()), 1e-300
        )
        step_w = (grad_w - curvature * step_b) / diagonal
        size = 1.0
        while size > 1e-10:
            trial_w, trial_b = weights - size * step_w, intercept - size * step_b
            value = objective(trial_w, trial_b)
            if value <= current:
                break
            size /= 2
        weights, intercept, current = trial_w, trial_b, value
    return weights, intercept


def fit_population(
    answers: pd.DataFrame,
    *,
    name: str,
    gold: pd.Series | None = None,
    description: str = "",
    cost_per_label: float = 0.0,
    engine: str = "fast",
) -> FittedCrowd:
    """Fit a crowd to ``answers`` (see the module docstring); Dawid–Skene runs once, with ``engine``."""
    labels = sorted(answers["label"].unique().tolist())
    k = len(labels)
    if k < 2:
        raise SandboxError(f"cannot fit a crowd on answers with one label ({labels[0]!r})")
    dawid_skene = aggregate("ds", answers, engine)
    truth = dawid_skene.labels if gold is None else gold.combine_first(dawid_skene.labels)
    truth = truth[truth.isin(labels)]
    report = build_report(answers, consensus=dawid_skene, dawid_skene=dawid_skene, gold=gold, agreement=False)
    frame = answers[answers["task"].isin(truth.index)]
    worker_index = pd.Index(sorted(frame["worker"].unique(), key=str))
    w = worker_index.get_indexer(pd.Index(frame["worker"]))
    true_codes = np.searchsorted(labels, frame["task"].map(truth).to_numpy())
    answer_codes = np.searchsorted(labels, frame["label"].to_numpy())
    right = true_codes == answer_codes
    rate = pd.Series(right).groupby(frame["task"].to_numpy()).mean()
    misleading = rate < MISLEADING_BELOW
    normal = ~frame["task"].map(misleading).to_numpy(dtype=bool)
    skills = _skills(w[normal], true_codes[normal], right[normal], len(worker_index), k)
    task_class = truth.reindex(rate.index)
    misleading_share = misleading.groupby(task_class).mean().reindex(labels, fill_value=0.0)
    misleading_rates = {
        label: [round(float(x), 6) for x in rate[misleading & (task_class == label)]] for label in labels
    }
    priors = task_class.value_counts(normalize=True).reindex(labels, fill_value=0.0).to_numpy()
    workers = report.annotators.reindex(worker_index)[
        ["answers", "ds_accuracy", "archetype", "reason"]
    ].copy()
    # overall P(right), misleading tasks included: the one-number skill of the population schema
    mean_rate = np.array([np.mean(misleading_rates[c]) if misleading_rates[c] else 0.0 for c in labels])
    share = misleading_share.to_numpy()
    overall = (skills * (1.0 - share) + mean_rate * share) @ priors
    workers.insert(2, "skill", pd.Series(overall, index=worker_index))
    mistakes = _mistakes(true_codes, answer_codes, k)
    counts = workers["archetype"].value_counts().to_dict()
    shares = _shares({a: int(counts.get(a, 0)) for a in ARCHETYPE_ORDER})
    archetypes: dict[str, dict[str, Any]] = {}
    if "honest" in shares:
        honest = workers.loc[workers["archetype"] == "honest", "skill"]
        archetypes["honest"] = {
            "share": shares["honest"],
            "skill": {"values": [round(float(x), 6) for x in honest]},
            "mistakes": "confusion",
            "confusion": _rounded_rows(mistakes),
        }
    if "uniform_spammer" in shares:
        archetypes["uniform_spammer"] = {"share": shares["uniform_spammer"]}
    if "fixed_spammer" in shares:
        fixed: dict[str, Any] = {"share": shares["fixed_spammer"]}
        chosen = set(report.annotators.loc[report.annotators["archetype"] == "fixed_spammer", "top_label"])
        if len(chosen) == 1:
            fixed["label"] = labels.index(chosen.pop())
        archetypes["fixed_spammer"] = fixed
    if "adversary" in shares:
        wrong = 1.0 - workers.loc[workers["archetype"] == "adversary", "skill"]
        archetypes["adversary"] = {
            "share": shares["adversary"],
            "malice": {"values": [round(float(x), 6) for x in wrong]},
        }
    exponent = zipf_exponent(workers["answers"])
    population = {
        "name": name,
        "description": description or f"fitted from {len(answers)} real answers of {len(workers)} annotators",
        "pool_size": len(workers),
        "cost_per_label": float(cost_per_label),
        "activity": {"zipf": exponent} if exponent >= 0.05 else "uniform",
        "archetypes": archetypes,
    }
    return FittedCrowd(
        population=population,
        workers=workers,
        skills=pd.DataFrame(skills, index=worker_index, columns=labels),
        mistakes=pd.DataFrame(mistakes, index=labels, columns=labels),
        misleading_share=misleading_share,
        misleading_rates=misleading_rates,
        confusions=report.confusions,
        labels=tuple(labels),
        activity=workers["answers"].rename("answers"),
        truth_from_gold=float(truth.index.isin(gold.index).mean()) if gold is not None else 0.0,
    )


def simulate_replica(
    fitted: FittedCrowd, structure: pd.DataFrame, truth: pd.Series, seed: SeedLike
) -> pd.DataFrame:
    """Answer the (task, worker) pairs of ``structure`` anew from the fitted model.

    ``truth`` gives each task's true label (Series indexed by task); pairs on tasks without truth
    are left out. Each class gets its fitted share of misleading tasks (on one, every worker is
    right with one rate drawn from that class's misleading rates), else worker ``w`` is right with
    ``skills[w, class]``; wrong answers follow ``mistakes``. Returns ``task, worker, label``.
    """
    rng = make_rng(seed)
    pairs = structure[structure["task"].isin(truth.index)][["task", "worker"]]
    missing = sorted(set(pairs["worker"]) - set(fitted.skills.index), key=str)
    if missing:
        raise SandboxError(f"workers not in the fit: {', '.join(map(str, missing[:10]))}")
    labels = list(fitted.labels)
    k = len(labels)
    tasks = pd.Index(pd.unique(pairs["task"]))
    task_class = np.searchsorted(labels, truth.reindex(tasks).to_numpy())
    task_rate = np.full(len(tasks), np.nan)  # NaN: an ordinary task
    for c, label in enumerate(labels):
        members = np.flatnonzero(task_class == c)
        rates = fitted.misleading_rates[label]
        n_chosen = round(float(fitted.misleading_share[label]) * len(members))
        chosen = rng.choice(members, size=n_chosen, replace=False)
        if rates and len(chosen):
            task_rate[chosen] = rng.choice(rates, size=len(chosen))
    t = tasks.get_indexer(pd.Index(pairs["task"]))
    w = fitted.skills.index.get_indexer(pd.Index(pairs["worker"]))
    true_codes = task_class[t]
    p_right = np.where(np.isnan(task_rate[t]), fitted.skills.to_numpy()[w, true_codes], task_rate[t])
    right = rng.random(len(pairs)) < p_right
    cumulative = np.cumsum(fitted.mistakes.to_numpy()[true_codes], axis=1)
    wrong = np.minimum((rng.random(len(pairs))[:, None] > cumulative).sum(axis=1), k - 1)
    codes = np.where(right, true_codes, wrong)
    return pd.DataFrame(
        {
            "task": pairs["task"].to_numpy(),
            "worker": pairs["worker"].to_numpy(),
            "label": np.asarray(labels, dtype=object)[codes],
        }
    ).astype({"label": structure["label"].dtype})


def population_toml(fitted: FittedCrowd, source: str) -> str:
    """The fitted population as a TOML file, with what was measured but is not in the schema as
    comments. ``source`` names the export it was fitted on."""
    import tomli_w

    counts = fitted.workers["archetype"].value_counts()
    labels = ", ".join(printable(str(label)) for label in fitted.labels)
    header = [
        f"# Population fitted by `crowd-sandbox fit` from {printable(source)}",
        f"# ({int(fitted.activity.sum())} answers, {len(fitted.workers)} annotators, labels "
        f"{labels}; class code i = i-th label).",
        f"# Truth: gold on {fitted.truth_from_gold:.0%} of the tasks, Dawid-Skene consensus elsewhere.",
        "# Annotators mapped to archetypes: " + ", ".join(f"{k} {v}" for k, v in counts.items()) + ".",
        f"# Answers per annotator: median {fitted.activity.median():g}, max {fitted.activity.max()}.",
        "# Misleading tasks (fewer than half the answers right) per true label: "
        + ", ".join(f"{printable(str(k))} {v:.1%}" for k, v in fitted.misleading_share.items())
        + " (not in the population schema: `run` draws independent errors).",
        f"# Activity: Zipf exponent {zipf_exponent(fitted.activity):g} fitted to answers per annotator.",
        "",
    ]
    return "\n".join(header) + tomli_w.dumps(fitted.population)
