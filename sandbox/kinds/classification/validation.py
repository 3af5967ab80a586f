"""Is a fitted crowd a faithful twin of the real one? Judged on tasks it was not fitted on.

Protocol (:func:`validate`): the tasks with gold are split in two halves (seeded); the crowd is fitted
on the first half's answers and gold (:func:`~sandbox.kinds.classification.fit.fit_population`); the
fitted population then answers the second half's exact (task, worker) structure
(:func:`~sandbox.simulation.replay.replay`: workers seen in the first half keep their fitted traits,
the others are drawn from the population; which items mislead is drawn, never read off the answers).
Real and replica answers on the second half are compared on its gold: majority-vote and Dawid–Skene
accuracy, the distribution of per-task majority shares (total variation distance between the two
histograms), the share of tasks whose majority is wrong, and the distribution of per-worker accuracy
(two-sample Kolmogorov–Smirnov statistic). ``--seeds N`` repeats with N splits and averages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.stats import ks_2samp

from foundation.errors import SandboxError
from sandbox.kinds.classification.aggregation import aggregate
from sandbox.kinds.classification.fit import FittedCrowd, fit_population, fitted_population, known_workers
from sandbox.randomness import make_rng
from sandbox.simulation.replay import replay

#: Majority-share histogram: ten bins of width 0.1, [0, 0.1) … [0.9, 1] (a share of 1 in the last).
SHARE_BINS = 10
#: Workers need this many held-out answers with gold for their accuracy to count in the KS test.
MIN_WORKER_ANSWERS = 5
#: Tolerances of the verdict: accuracy gaps (MV, DS) and wrong-majority gap in points, TVD.
ACCURACY_TOLERANCE = 0.02
WRONG_MAJORITY_TOLERANCE = 0.02
TVD_TOLERANCE = 0.10


@dataclass(frozen=True)
class CrowdStatistics:
    """What is compared between a real crowd and its replica on the held-out tasks."""

    mv: float
    ds: float
    majority_share_hist: list[float]
    wrong_majority_share: float
    worker_accuracy: NDArray[np.float64] = field(repr=False)

    def to_dict(self) -> dict[str, object]:
        """The JSON form (worker accuracies are summarised by the KS statistic, not listed)."""
        return {
            "mv": self.mv,
            "ds": self.ds,
            "majority_share_hist": self.majority_share_hist,
            "wrong_majority_share": self.wrong_majority_share,
        }


@dataclass(frozen=True)
class Validation:
    """The comparison of a real crowd and its replica (averaged over splits)."""

    dataset: str
    n_tasks_fit: int
    n_tasks_test: int
    real: CrowdStatistics
    replica: CrowdStatistics
    tvd_majority_share: float
    ks_worker_accuracy: float
    seeds: int = 1

    @property
    def within_tolerance(self) -> dict[str, bool]:
        """The verdict per criterion, and ``all``."""
        verdict = {
            "mv": abs(self.replica.mv - self.real.mv) <= ACCURACY_TOLERANCE,
            "ds": abs(self.replica.ds - self.real.ds) <= ACCURACY_TOLERANCE,
            "majority_share": self.tvd_majority_share <= TVD_TOLERANCE,
            "wrong_majority": abs(self.replica.wrong_majority_share - self.real.wrong_majority_share)
            <= WRONG_MAJORITY_TOLERANCE,
        }
        verdict["all"] = all(verdict.values())
        return verdict

    def to_dict(self) -> dict[str, object]:
        """The documented JSON object."""
        return {
            "dataset": self.dataset,
            "n_tasks_fit": self.n_tasks_fit,
            "n_tasks_test": self.n_tasks_test,
            "seeds": self.seeds,
            "real": self.real.to_dict(),
            "replica": self.replica.to_dict(),
            "tvd_majority_share": self.tvd_majority_share,
            "ks_worker_accuracy": self.ks_worker_accuracy,
            "within_tolerance": self.within_tolerance,
        }

    def table(self) -> str:
        """The table ``validate`` prints."""
        from sandbox.kinds.classification.validation_table import validation_table

        return validation_table(self)


def crowd_statistics(answers: pd.DataFrame, gold: pd.Series, engine: str = "fast") -> CrowdStatistics:
    """MV and DS accuracy on ``gold``, majority-share histogram, wrong-majority share and per-worker
    accuracy of ``answers`` (tasks with gold only)."""
    scored = answers[answers["task"].isin(gold.index)]
    mv = aggregate("mv", scored, engine).labels
    ds = aggregate("ds", scored, engine).labels
    counts = scored.groupby(["task", "label"]).size()
    share = (counts.groupby(level="task").max() / counts.groupby(level="task").sum()).to_numpy()
    # 7 / 10 is 0.7 in the bin [0.7, 0.8): a tolerance keeps exact fractions off the float edges
    hist = np.bincount(
        np.minimum(np.floor(share * SHARE_BINS + 1e-9), SHARE_BINS - 1).astype(int), minlength=SHARE_BINS
    )
    right = scored["label"].to_numpy() == scored["task"].map(gold).to_numpy()
    per_worker = pd.Series(right).groupby(scored["worker"].to_numpy()).agg(["mean", "size"])
    return CrowdStatistics(
        mv=float((mv == gold.reindex(mv.index)).mean()),
        ds=float((ds == gold.reindex(ds.index)).mean()),
        majority_share_hist=(hist / hist.sum()).tolist(),
        wrong_majority_share=float((mv != gold.reindex(mv.index)).mean()),
        worker_accuracy=per_worker.loc[per_worker["size"] >= MIN_WORKER_ANSWERS, "mean"].to_numpy(),
    )


def split_tasks(tasks: Sequence[object] | pd.Index, seed: int) -> tuple[pd.Index, pd.Index]:
    """The tasks in two halves (fit, test), at random from ``seed``."""
    order = make_rng(seed).permutation(len(tasks))
    index = pd.Index(tasks)
    half = len(index) // 2
    return index[np.sort(order[:half])], index[np.sort(order[half:])]


def validate_once(
    answers: pd.DataFrame, gold: pd.Series, name: str, seed: int, engine: str = "fast"
) -> tuple[Validation, FittedCrowd]:
    """One split (``seed``): fit on a half, replay the other half, compare (module docstring)."""
    gold = gold[gold.index.isin(answers["task"])]
    if len(gold) < 4:
        raise SandboxError(f"{name}: validation needs gold on at least 4 answered tasks, found {len(gold)}")
    fit_tasks, test_tasks = split_tasks(gold.index, seed)
    fitted = fit_population(
        answers[answers["task"].isin(fit_tasks)], name=name, gold=gold.reindex(fit_tasks), engine=engine
    )
    test = answers[answers["task"].isin(test_tasks)].reset_index(drop=True)
    labels = list(fitted.labels)
    truth = pd.Series(pd.Index(labels).get_indexer(gold.reindex(test_tasks)), index=test_tasks)
    if (truth < 0).any():
        unknown = gold.reindex(test_tasks)[truth.to_numpy() < 0].iloc[0]
        raise SandboxError(f"{name}: gold label {unknown!r} never appears in the fitted half's answers")
    coded = replay(fitted_population(fitted), test[["task", "worker"]], truth, seed, known_workers(fitted))
    replica = coded.assign(label=np.asarray(labels, dtype=object)[coded["label"].to_numpy()])
    replica = replica.astype({"label": test["label"].dtype})
    real_stats = crowd_statistics(test, gold.reindex(test_tasks), engine)
    replica_stats = crowd_statistics(replica, gold.reindex(test_tasks), engine)
    result = Validation(
        dataset=name,
        n_tasks_fit=len(fit_tasks),
        n_tasks_test=len(test_tasks),
        real=real_stats,
        replica=replica_stats,
        tvd_majority_share=_tvd(real_stats.majority_share_hist, replica_stats.majority_share_hist),
        ks_worker_accuracy=_ks(real_stats.worker_accuracy, replica_stats.worker_accuracy),
    )
    return result, fitted


def validate(
    answers: pd.DataFrame, gold: pd.Series, name: str, seeds: int = 1, engine: str = "fast"
) -> Validation:
    """:func:`validate_once` for splits ``0 .. seeds - 1``, every figure averaged over them."""
    if seeds < 1:
        raise SandboxError(f"seeds must be >= 1, got {seeds}")
    runs = [validate_once(answers, gold, name, seed, engine)[0] for seed in range(seeds)]
    return Validation(
        dataset=name,
        n_tasks_fit=runs[0].n_tasks_fit,
        n_tasks_test=runs[0].n_tasks_test,
        real=_mean_statistics([r.real for r in runs]),
        replica=_mean_statistics([r.replica for r in runs]),
        tvd_majority_share=float(np.mean([r.tvd_majority_share for r in runs])),
        ks_worker_accuracy=float(np.mean([r.ks_worker_accuracy for r in runs])),
        seeds=seeds,
    )


def _mean_statistics(runs: Sequence[CrowdStatistics]) -> CrowdStatistics:
    return CrowdStatistics(
        mv=float(np.mean([r.mv for r in runs])),
        ds=float(np.mean([r.ds for r in runs])),
        majority_share_hist=np.mean([r.majority_share_hist for r in runs], axis=0).tolist(),
        wrong_majority_share=float(np.mean([r.wrong_majority_share for r in runs])),
        worker_accuracy=np.concatenate([r.worker_accuracy for r in runs]),
    )


def _tvd(p: Sequence[float], q: Sequence[float]) -> float:
    """Total variation distance between two histograms (each sums to 1)."""
    return 0.5 * float(np.abs(np.asarray(p) - np.asarray(q)).sum())


def _ks(a: NDArray[np.float64], b: NDArray[np.float64]) -> float:
    """Two-sample Kolmogorov–Smirnov statistic (NaN when either side has no worker)."""
    if len(a) == 0 or len(b) == 0:
        return float("nan")
    return float(ks_2samp(a, b).statistic)
