"""Is a fitted crowd a faithful twin of the real one? Judged by predictive intervals on held-out tasks.

Protocol (:func:`validate`), for each of ``seeds`` splits: the tasks with gold are split in two
halves (seeded); a crowd is fitted on the first half's answers and gold
(:func:`~sandbox.kinds.classification.fit.fit_population`), ``refits`` times on bootstrap resamples of
its tasks (the fitting noise); each fit replays the second half's exact (task, worker) structure
(:func:`~sandbox.simulation.replay.replay`: workers seen in the fitted half keep their fitted traits,
the others are drawn from the population; which items are hard or mislead is drawn, never read off
the answers), ``replays`` replays in all. Real and replica answers on the held-out half are compared
on its gold by the statistics of :func:`crowd_statistics`: each aggregator's accuracy, the share of
tasks whose majority is wrong, the histogram of per-task majority shares and the 10th, 50th and 90th
percentiles of per-worker accuracy. :mod:`sandbox.fitting.intervals` turns the replicas into 90 %
intervals, says whether the real value lies inside and how sharp the interval is (see there for what
the interval covers), and gives the verdict: inside, and no wider than 1.5 binomial half-widths.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.stats import ks_2samp

from foundation.errors import SandboxError
from sandbox.aggregation.crowdkit_adapter import AggregationFailed
from sandbox.aggregation.ties import DEFAULT_TIES, TieBreak, break_ties
from sandbox.fitting.intervals import (
    MIN_DRAWS,
    Metric,
    PredictiveCheck,
    SplitDraws,
    predictive_check,
    replica_draws,
)
from sandbox.kinds.classification.aggregation import aggregate
from sandbox.kinds.classification.fit import FittedCrowd, fit_population, fitted_population, known_workers
from sandbox.randomness import make_rng
from sandbox.resources import check_work
from sandbox.simulation.replay import replay

#: Majority-share histogram: ten bins of width 0.1, [0, 0.1) … [0.9, 1] (a share of 1 in the last).
SHARE_BINS = 10
#: Workers need this many held-out answers with gold for their accuracy to count.
MIN_WORKER_ANSWERS = 5
#: Percentiles of per-worker accuracy compared (the spread of the crowd, not one worker).
WORKER_PERCENTILES = (10, 50, 90)
#: Replays per split by default: the 5 % and 95 % order statistics of 400 draws have a Monte-Carlo
#: error of about 0.1 standard deviations each (sqrt(0.05 * 0.95 / n) / φ(1.645) for a normal), and
#: the interval covers a new draw with probability 0.9 ± 0.015 (Beta(361, 40) standard deviation).
DEFAULT_REPLAYS = 400
#: Replays per bootstrap fit by default (400 replays: 100 fits): the fitting noise's variance is then
#: estimated from 100 fits, to about ±14 % (sqrt(2 / 99)), which moves a half-width by about ±4 %
#: when fitting and held-out noise are alike (they are, on the bundled sets and in the planted test).
#: Each refit starts EM from the split's fit (a few iterations instead of dozens).
REPLAYS_PER_REFIT = 4
#: More replays than this per split add nothing an order statistic can show.
MAX_REPLAYS = 10_000
#: Work limit of one validation, in answer-aggregations (replayed answers × aggregators, plus refitted
#: answers at the cost of FIT_COST aggregations each): about 10 minutes of the fast engine, which
#: runs an aggregation of a million answers in about a second.
MAX_WORK = 6e8
#: A refit costs about as much per answer as this many aggregations (EM over items started from the
#: split's fit, a few iterations: about 0.05 s for snow_rte's 4,000 answers, against about 1 µs per
#: answer and aggregation).
FIT_COST = 20


@dataclass(frozen=True)
class CrowdStatistics:
    """What is compared between a real crowd and its replica on the held-out tasks: ``accuracy``
    per aggregator, the majority-share histogram, the wrong-majority share, per-worker accuracy of
    the workers with :data:`MIN_WORKER_ANSWERS` or more answers on gold (``worker_answers``: how
    many each)."""

    accuracy: dict[str, float]
    majority_share_hist: list[float]
    wrong_majority_share: float
    worker_accuracy: NDArray[np.float64] = field(repr=False)
    worker_answers: NDArray[np.int64] = field(repr=False, default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def mv(self) -> float:
        return self.accuracy["mv"]

    @property
    def ds(self) -> float:
        return self.accuracy["ds"]

    def to_dict(self) -> dict[str, object]:
        """The JSON form: one key per aggregator, then the histogram and the wrong-majority share
        (worker accuracies are summarised by percentiles and the KS statistic, not listed)."""
        return {
            **self.accuracy,
            "majority_share_hist": self.majority_share_hist,
            "wrong_majority_share": self.wrong_majority_share,
        }

    def scalars(self) -> dict[str, float]:
        """Every compared number by metric name (see :func:`metric_names`)."""
        percentiles = (
            np.percentile(self.worker_accuracy, WORKER_PERCENTILES)
            if len(self.worker_accuracy)
            else np.full(len(WORKER_PERCENTILES), np.nan)
        )
        return {
            **self.accuracy,
            "wrong_majority_share": self.wrong_majority_share,
            **dict(zip(share_bin_names(), self.majority_share_hist, strict=True)),
            **{
                f"worker_accuracy_p{q}": float(v)
                for q, v in zip(WORKER_PERCENTILES, percentiles, strict=True)
            },
        }


def share_bin_names() -> list[str]:
    """Metric names of the majority-share bins: ``majority_share[0.0,0.1)`` … ``majority_share[0.9,1.0]``."""
    edges = [i / SHARE_BINS for i in range(SHARE_BINS + 1)]
    return [
        f"majority_share[{edges[i]:.1f},{edges[i + 1]:.1f}{']' if i == SHARE_BINS - 1 else ')'}"
        for i in range(SHARE_BINS)
    ]


@dataclass(frozen=True)
class Validation:
    """The comparison of a real crowd and its replicas (pooled over splits).

    ``real``: mean over splits; ``replica``: mean over every replay; ``check``: the predictive
    intervals and verdicts; ``tvd_majority_share`` and ``ks_worker_accuracy``: mean over replays of
    the distance between the real and one replica's histogram / worker accuracies.
    """

    dataset: str
    n_tasks_fit: int
    n_tasks_test: int
    real: CrowdStatistics
    replica: CrowdStatistics
    tvd_majority_share: float
    ks_worker_accuracy: float
    check: PredictiveCheck
    seeds: int = 1
    replays: int = DEFAULT_REPLAYS
    refits: int = DEFAULT_REPLAYS // REPLAYS_PER_REFIT

    @property
    def within_tolerance(self) -> dict[str, bool]:
        """The verdict per group (each aggregator, ``wrong_majority``, ``majority_share``,
        ``worker_accuracy``) and ``all``: real values inside the 90 % intervals (envelope) and every
        interval at most 1.5 binomial half-widths."""
        return dict(self.check.verdict)

    def to_dict(self) -> dict[str, object]:
        """The documented JSON object."""
        check = self.check
        return {
            "dataset": self.dataset,
            "n_tasks_fit": self.n_tasks_fit,
            "n_tasks_test": self.n_tasks_test,
            "seeds": self.seeds,
            "replays": self.replays,
            "refits": self.refits,
            "level": check.level,
            "real": self.real.to_dict(),
            "replica": self.replica.to_dict(),
            "tvd_majority_share": self.tvd_majority_share,
            "ks_worker_accuracy": self.ks_worker_accuracy,
            "replica_interval": {name: list(bounds) for name, bounds in check.interval.items()},
            "calibrated": check.calibrated,
            "sharpness": check.sharpness,
            "group_sharpness": check.group_sharpness,
            "envelope_p": check.envelope,
            "within_tolerance": self.within_tolerance,
        }

    def table(self) -> str:
        """The table ``validate`` prints."""
        from sandbox.kinds.classification.validation_table import validation_table

        return validation_table(self)


def metric_group(name: str, aggregators: Sequence[str]) -> str:
    """The verdict group of a metric: the aggregator, or the quantity the metric is a part of."""
    if name in aggregators:
        return name
    if name == "wrong_majority_share":
        return "wrong_majority"
    if name.startswith("majority_share["):
        return "majority_share"
    return "worker_accuracy"


class HeldOut:
    """The held-out structure, coded once, and the statistics of any labels given on it.

    ``structure``: ``task, worker`` (tasks with gold only); ``gold``: Series task → label;
    ``labels``: every label value an answer may take; ``ties``: the tie rule of every aggregator
    (:mod:`sandbox.aggregation.ties`; by default independent of how labels are spelled). Majority
    vote, shares and worker accuracies are counted from codes; the other aggregators run
    through ``aggregate`` on the answers table.
    """

    def __init__(
        self,
        structure: pd.DataFrame,
        gold: pd.Series,
        labels: Sequence[Any],
        engine: str,
        ties: TieBreak = DEFAULT_TIES,
    ) -> None:
        self.structure = structure[["task", "worker"]].reset_index(drop=True)
        self.labels = pd.Index(list(labels))
        self.engine = engine
        self.ties = ties
        self.task, tasks = pd.factorize(self.structure["task"])
        self.tasks = pd.Index(tasks)
        self.worker, _ = pd.factorize(self.structure["worker"])
        self.n_tasks, self.k = len(tasks), len(self.labels)
        self.gold = self.labels.get_indexer(gold.reindex(tasks))  # -1: a gold label nobody answers
        self.answers = np.bincount(self.task, minlength=self.n_tasks)

    def codes_of(self, labels: pd.Series | NDArray[Any]) -> NDArray[np.int64]:
        """Label values → codes of :attr:`labels` (a value outside them raises SandboxError)."""
        codes = self.labels.get_indexer(pd.Index(labels))
        if (codes < 0).any():
            raise SandboxError(
                f"label {pd.Index(labels)[codes < 0][0]!r} is not among the labels {list(self.labels)}"
            )
        return codes.astype(np.int64)

    def statistics(self, codes: NDArray[np.int64], aggregators: Sequence[str]) -> CrowdStatistics:
        """The compared statistics of answers with label ``codes`` (one per structure row)."""
        votes = np.bincount(self.task * self.k + codes, minlength=self.n_tasks * self.k).reshape(
            self.n_tasks, self.k
        )
        majority = break_ties(votes.astype(float), self.ties, self.task, codes)[0]
        share = votes.max(axis=1) / self.answers
        # 7 / 10 is 0.7 in the bin [0.7, 0.8): a tolerance keeps exact fractions off the float edges
        bins = np.minimum(np.floor(share * SHARE_BINS + 1e-9), SHARE_BINS - 1).astype(int)
        hist = np.bincount(bins, minlength=SHARE_BINS) / self.n_tasks
        mv = float((majority == self.gold).mean())
        accuracy = {}
        frame = None
        for name in aggregators:
            if name == "mv":
                accuracy[name] = mv
                continue
            if frame is None:
                frame = self.structure.assign(label=self.labels.to_numpy()[codes])
            try:
                labels = aggregate(name, frame, self.engine, ties=self.ties).labels
            except AggregationFailed:
                accuracy[name] = float("nan")
                continue
            chosen = self.labels.get_indexer(pd.Index(labels.to_numpy()))
            truth = self.gold[self.tasks.get_indexer(labels.index)]
            accuracy[name] = float((chosen == truth).mean())
        right = codes == self.gold[self.task]
        n_answers = np.bincount(self.worker)
        per_worker = np.bincount(self.worker, weights=right) / np.maximum(n_answers, 1)
        counted = n_answers >= MIN_WORKER_ANSWERS
        return CrowdStatistics(
            accuracy=accuracy,
            majority_share_hist=hist.tolist(),
            wrong_majority_share=1.0 - mv,
            worker_accuracy=per_worker[counted],
            worker_answers=n_answers[counted].astype(np.int64),
        )


def crowd_statistics(
    answers: pd.DataFrame,
    gold: pd.Series,
    engine: str = "fast",
    aggregators: Sequence[str] = ("mv", "ds"),
    ties: TieBreak = DEFAULT_TIES,
) -> CrowdStatistics:
    """Each aggregator's accuracy on ``gold``, majority-share histogram, wrong-majority share and
    per-worker accuracy of ``answers`` (tasks with gold only; see :class:`HeldOut`). An aggregator
    that fails on these answers (:class:`AggregationFailed`) has accuracy NaN."""
    scored = answers[answers["task"].isin(gold.index)]
    held_out = HeldOut(scored, gold, sorted(scored["label"].unique().tolist(), key=_sort_key), engine, ties)
    return held_out.statistics(held_out.codes_of(scored["label"].to_numpy()), aggregators)


def split_tasks(tasks: Sequence[object] | pd.Index, seed: int) -> tuple[pd.Index, pd.Index]:
    """The tasks in two halves (fit, test), at random from ``seed``."""
    order = make_rng(seed).permutation(len(tasks))
    index = pd.Index(tasks)
    half = len(index) // 2
    return index[np.sort(order[:half])], index[np.sort(order[half:])]


@dataclass(frozen=True)
class _Twin:
    """One fitted model ready to replay: population, twins by worker id, and the held-out code of each
    of its class codes."""

    fitted: FittedCrowd
    population: Any
    known: dict[Any, Any]
    codes: NDArray[np.int64]


class _Resampler:
    """Bootstrap resamples of a half's tasks: the answers of ``n`` tasks drawn with replacement, each
    drawn task a new task (ids 0..n-1) with its gold."""

    def __init__(self, answers: pd.DataFrame, gold: pd.Series) -> None:
        self.tasks = pd.Index(gold.index)
        code = self.tasks.get_indexer(pd.Index(answers["task"]))
        order = np.argsort(code, kind="stable")
        self.answers = answers.iloc[order].reset_index(drop=True)
        self.counts = np.bincount(code, minlength=len(self.tasks))
        self.starts = np.concatenate([[0], np.cumsum(self.counts)[:-1]])
        self.gold = gold.to_numpy()

    def draw(self, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.Series]:
        pick = rng.integers(0, len(self.tasks), len(self.tasks))
        sizes = self.counts[pick]
        first = np.repeat(self.starts[pick] - np.concatenate([[0], np.cumsum(sizes)[:-1]]), sizes)
        rows = first + np.arange(int(sizes.sum()))
        answers = self.answers.iloc[rows].assign(task=np.repeat(np.arange(len(pick)), sizes))
        return answers.reset_index(drop=True), pd.Series(self.gold[pick], index=np.arange(len(pick)))


def validate_split(
    answers: pd.DataFrame,
    gold: pd.Series,
    name: str,
    seed: int,
    *,
    engine: str = "fast",
    aggregators: Sequence[str] = ("mv", "ds"),
    replays: int = DEFAULT_REPLAYS,
    refits: int = DEFAULT_REPLAYS // REPLAYS_PER_REFIT,
    fitter: Callable[..., FittedCrowd] = fit_population,
    ties: TieBreak = DEFAULT_TIES,
) -> tuple[CrowdStatistics, SplitDraws, int, int]:
    """One split (``seed``): the real held-out statistics and the replicas' draws (module docstring).
    Returns (real statistics, draws, fitted tasks, held-out tasks)."""
    fit_tasks, test_tasks = split_tasks(gold.index, seed)
    fit_answers = answers[answers["task"].isin(fit_tasks)]
    test = answers[answers["task"].isin(test_tasks)].reset_index(drop=True)
    test_gold = gold.reindex(test_tasks)
    # every label of the export and its gold, so that a class one half lacks is still a class
    labels = sorted(set(answers["label"].unique().tolist()) | set(gold.unique().tolist()), key=_sort_key)
    held_out = HeldOut(test, test_gold, labels, engine, ties)
    real = held_out.statistics(held_out.codes_of(test["label"].to_numpy()), aggregators)
    resampler = _Resampler(fit_answers, gold.reindex(fit_tasks))
    structure = held_out.structure
    options = {"name": name, "engine": engine, "extra_labels": labels, "ties": ties}
    point = fitter(fit_answers, gold=gold.reindex(fit_tasks), **options)

    def fit(rng: np.random.Generator) -> _Twin:
        sample, sample_gold = resampler.draw(rng)
        fitted = fitter(sample, gold=sample_gold, start=point, **options)
        return _Twin(
            fitted,
            fitted_population(fitted),
            known_workers(fitted),
            held_out.codes_of(np.asarray(fitted.labels, dtype=object)),
        )

    def replay_once(twin: _Twin, rng: np.random.Generator) -> dict[str, float]:
        fitted_codes = pd.Index(twin.fitted.labels).get_indexer(test_gold)
        truth = pd.Series(fitted_codes, index=test_gold.index)
        coded = replay(twin.population, structure, truth, rng, twin.known, n_classes=len(twin.codes))
        stats = held_out.statistics(twin.codes[coded["label"].to_numpy()], aggregators)
        return {
            **stats.scalars(),
            "tvd_majority_share": _tvd(real.majority_share_hist, stats.majority_share_hist),
            "ks_worker_accuracy": _ks(real.worker_accuracy, stats.worker_accuracy),
        }

    draws = replica_draws(fit, replay_once, replays=replays, refits=refits, seed=seed)
    return real, SplitDraws(real.scalars(), draws), len(fit_tasks), len(test_tasks)


def check_replays(replays: int, refits: int) -> None:
    """Refuse replay counts that define no interval or are absurd (one message naming the limits)."""
    if not MIN_DRAWS <= replays <= MAX_REPLAYS:
        raise SandboxError(
            f"--replays must be between {MIN_DRAWS} (the fewest that define a 90% interval) and "
            f"{MAX_REPLAYS}, got {replays}"
        )
    if not 1 <= refits <= replays:
        raise SandboxError(f"--refits must be between 1 and --replays ({replays}), got {refits}")


def check_validation_work(
    n_answers: int, seeds: int, replays: int, refits: int, aggregators: Sequence[str]
) -> None:
    """Refuse a validation whose work exceeds :data:`MAX_WORK`, estimated before starting: per split,
    every replay simulates and aggregates half the answers once per aggregator (majority vote's
    count included), every refit costs :data:`FIT_COST` aggregations per answer."""
    check_replays(replays, refits)
    half = n_answers / 2
    work = seeds * (replays * half * (len(aggregators) + 1) + refits * half * FIT_COST)
    check_work(
        work,
        MAX_WORK,
        f"validating {n_answers} answers with {seeds} splits × {replays} replays × {len(aggregators)} "
        f"aggregators and {refits} refits",
        "answer-aggregations",
        "give fewer --replays, --refits, --seeds or --aggregators",
    )


def validate(
    answers: pd.DataFrame,
    gold: pd.Series,
    name: str,
    seeds: int = 1,
    engine: str = "fast",
    *,
    aggregators: Sequence[str] = ("mv", "ds"),
    replays: int = DEFAULT_REPLAYS,
    refits: int | None = None,
    fitter: Callable[..., FittedCrowd] = fit_population,
    ties: TieBreak = DEFAULT_TIES,
) -> Validation:
    """:func:`validate_split` for splits ``0 .. seeds - 1``, judged by
    :func:`~sandbox.fitting.intervals.predictive_check`. ``refits``: bootstrap fits per split
    (default one per :data:`REPLAYS_PER_REFIT` replays). ``fitter`` fits a crowd (default
    :func:`fit_population`; the benchmark passes one without the newer structure); it takes
    ``fit_population``'s arguments, ``start`` included. ``ties``: the tie rule of the real and the
    replayed crowds' aggregations and of the fits' Dawid–Skene consensus."""
    if seeds < 1:
        raise SandboxError(f"seeds must be >= 1, got {seeds}")
    if refits is None:
        refits = max(1, replays // REPLAYS_PER_REFIT)
    aggregators = list(dict.fromkeys(aggregators))
    gold = gold[gold.index.isin(answers["task"])]
    if len(gold) < 4:
        raise SandboxError(f"{name}: validation needs gold on at least 4 answered tasks, found {len(gold)}")
    check_validation_work(len(answers[answers["task"].isin(gold.index)]), seeds, replays, refits, aggregators)
    runs = [
        validate_split(
            answers,
            gold,
            name,
            seed,
            engine=engine,
            aggregators=aggregators,
            replays=replays,
            refits=refits,
            fitter=fitter,
            ties=ties,
        )
        for seed in range(seeds)
    ]
    n_fit, n_test = runs[0][2], runs[0][3]
    reals = [run[0] for run in runs]
    splits = [run[1] for run in runs]
    trials = _trials(reals, n_test)
    metrics = [Metric(key, trials[key], metric_group(key, aggregators)) for key in splits[0].real]
    check = predictive_check(splits, metrics)
    pooled = {key: np.concatenate([s.draws[key] for s in splits]) for key in splits[0].draws}
    return Validation(
        dataset=name,
        n_tasks_fit=n_fit,
        n_tasks_test=n_test,
        real=_mean_statistics(reals),
        replica=_replica_means(pooled, aggregators),
        tvd_majority_share=float(np.nanmean(pooled["tvd_majority_share"])),
        ks_worker_accuracy=float(np.nanmean(pooled["ks_worker_accuracy"])),
        check=check,
        seeds=seeds,
        replays=replays,
        refits=refits,
    )


def _trials(reals: Sequence[CrowdStatistics], n_test: int) -> dict[str, int]:
    """The binomial reference of each metric: the held-out tasks, or for a worker-accuracy percentile
    the median held-out answers of the workers counted (:data:`MIN_WORKER_ANSWERS` or more)."""
    keys = list(reals[0].scalars())
    # a worker's accuracy is a share of their answers; the percentiles are of those shares
    per_worker = [np.median(r.worker_answers) for r in reals if len(r.worker_answers)]
    answers_per_worker = int(np.median(per_worker)) if per_worker else 0
    return {key: answers_per_worker if key.startswith("worker_accuracy") else n_test for key in keys}


def _mean_statistics(runs: Sequence[CrowdStatistics]) -> CrowdStatistics:
    return CrowdStatistics(
        accuracy={k: float(np.mean([r.accuracy[k] for r in runs])) for k in runs[0].accuracy},
        majority_share_hist=np.mean([r.majority_share_hist for r in runs], axis=0).tolist(),
        wrong_majority_share=float(np.mean([r.wrong_majority_share for r in runs])),
        worker_accuracy=np.concatenate([r.worker_accuracy for r in runs]),
        worker_answers=np.concatenate([r.worker_answers for r in runs]),
    )


def _replica_means(pooled: dict[str, NDArray[np.float64]], aggregators: Sequence[str]) -> CrowdStatistics:
    return CrowdStatistics(
        accuracy={name: float(np.nanmean(pooled[name])) for name in aggregators},
        majority_share_hist=[float(np.nanmean(pooled[b])) for b in share_bin_names()],
        wrong_majority_share=float(np.nanmean(pooled["wrong_majority_share"])),
        worker_accuracy=np.zeros(0),  # replicas are summarised by the percentiles' intervals
    )


def _sort_key(value: Any) -> tuple[str, Any]:
    """Labels of one export share a type; the type name keeps a mixed set sortable."""
    return (type(value).__name__, value)


def _tvd(p: Sequence[float], q: Sequence[float]) -> float:
    """Total variation distance between two histograms (each sums to 1)."""
    return 0.5 * float(np.abs(np.asarray(p) - np.asarray(q)).sum())


def _ks(a: NDArray[np.float64], b: NDArray[np.float64]) -> float:
    """Two-sample Kolmogorov–Smirnov statistic (NaN when either side has no worker)."""
    if len(a) == 0 or len(b) == 0:
        return float("nan")
    return float(ks_2samp(a, b).statistic)
