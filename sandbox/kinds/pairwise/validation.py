"""Is a fitted preference crowd a faithful twin of the real raters? Judged on pairs it was not fitted on.

Protocol (:func:`validate_pairs`): the distinct pairs of items (either way round) are split in two
halves (seeded); the crowd is fitted on the first half's answers
(:func:`~sandbox.kinds.pairwise.fit.fit_pairwise_population`); then the fitted population answers
the second half's exact (pair, rater) structure, as each pair was shown
(:func:`~sandbox.simulation.replay.replay`): raters seen in the first half are twins keeping their
fitted traits (skill, tie propensity, position lean, feature weight, times), the others are drawn
from the population. The items' quality is the gold item scores when known (their normal scores, as
fit takes them), else the Davidson scores of the *first half's* answers (an item no first-half pair
compares is drawn from the scale's standard normal): the held-out answers never shape the replica.

Real and replica answers on the second half are compared:

- ``tie_share``: share of tie answers; ``left_share``: share of left picks among decisive answers;
  ``longer_share``: share of picks of the longer item among decisive answers on pairs whose items
  differ in ``length`` (null without a ``length``);
- ``majority_share_hist``: per pair, the share of its answers that give its most common outcome
  (one item, the other, or tie), in ten bins; compared by total variation distance;
- ``rater_agreement``: the mean over raters of their agreement with the leave-one-out majority of
  the others (raters with at least :data:`MIN_RATER_ANSWERS` such answers); the two distributions of
  per-rater agreement are compared by the two-sample Kolmogorov–Smirnov statistic;
- ``accuracy`` (with gold): the Davidson consensus accuracy on the decisive gold pairs.

Tolerances: shares within :data:`SHARE_TOLERANCE`, TVD at most :data:`TVD_TOLERANCE`, KS at most
:data:`KS_TOLERANCE`. ``--seeds N`` repeats with N splits: the shares and histograms are averaged
over them, the TVD is that of the two averaged histograms (the ones the JSON shows) and the KS
statistic that of the per-rater agreements of every split pooled — a split of a few hundred pairs
leaves a TVD of about 0.1 between two draws of the same crowd, which more splits average away.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.stats import ks_2samp

from annotators.archetypes.pairwise import LEFT, RIGHT, SIDES, TIE, PairContext
from foundation.errors import SandboxError
from sandbox.kinds.pairwise.aggregation import aggregate_pairs
from sandbox.kinds.pairwise.dataset import normal_scores, nuisance_scale, standardised
from sandbox.kinds.pairwise.evidence import pair_codes, rater_evidence
from sandbox.kinds.pairwise.fit import fit_pairwise_population, fitted_population, known_raters
from sandbox.kinds.pairwise.items import LENGTH, bias_feature, item_scores
from sandbox.randomness import make_rng
from sandbox.simulation.replay import replay

#: Ten bins of width 0.1 for the majority shares (a share of 1 in the last).
SHARE_BINS = 10
#: Raters need this many decisive answers with an others' majority for their agreement to count.
MIN_RATER_ANSWERS = 5
SHARE_TOLERANCE = 0.03
TVD_TOLERANCE = 0.10
KS_TOLERANCE = 0.15
#: The columns of the pairwise answers table the replica is written in.
COLUMNS = ["task", "worker", "left", "right", "label"]


@dataclass(frozen=True)
class PreferenceStatistics:
    """What is compared between a real preference crowd and its replica on the held-out pairs."""

    tie_share: float
    left_share: float
    longer_share: float | None
    majority_share_hist: list[float]
    rater_agreement: float
    accuracy: float | None = None
    agreements: NDArray[np.float64] = field(default_factory=lambda: np.empty(0), repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (the per-rater agreements are summarised by the KS statistic)."""
        document: dict[str, Any] = {
            "tie_share": _number(self.tie_share),
            "left_share": _number(self.left_share),
            "longer_share": _number(self.longer_share),
            "majority_share_hist": self.majority_share_hist,
            "rater_agreement": _number(self.rater_agreement),
        }
        if self.accuracy is not None:
            document["accuracy"] = _number(self.accuracy)
        return document


@dataclass(frozen=True)
class PairwiseValidation:
    """The comparison of a real preference crowd and its replica (averaged over splits)."""

    dataset: str
    n_pairs_fit: int
    n_pairs_test: int
    real: PreferenceStatistics
    replica: PreferenceStatistics
    tvd_majority_share: float
    ks_rater_agreement: float
    seeds: int = 1

    @property
    def within_tolerance(self) -> dict[str, bool | None]:
        """The verdict per criterion (``longer_share`` null without a length), and ``all`` (the KS
        statistic's tolerance included)."""
        longer: bool | None = None
        if self.real.longer_share is not None and self.replica.longer_share is not None:
            longer = abs(self.replica.longer_share - self.real.longer_share) <= SHARE_TOLERANCE
        verdict: dict[str, bool | None] = {
            "tie_share": abs(self.replica.tie_share - self.real.tie_share) <= SHARE_TOLERANCE,
            "left_share": abs(self.replica.left_share - self.real.left_share) <= SHARE_TOLERANCE,
            "longer_share": longer,
            "majority_share": self.tvd_majority_share <= TVD_TOLERANCE,
        }
        ks_ok = bool(np.isnan(self.ks_rater_agreement) or self.ks_rater_agreement <= KS_TOLERANCE)
        verdict["all"] = all(v is not False for v in verdict.values()) and ks_ok
        return verdict

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON object."""
        return {
            "dataset": self.dataset,
            "n_pairs_fit": self.n_pairs_fit,
            "n_pairs_test": self.n_pairs_test,
            "seeds": self.seeds,
            "real": self.real.to_dict(),
            "replica": self.replica.to_dict(),
            "tvd_majority_share": _number(self.tvd_majority_share),
            "ks_rater_agreement": _number(self.ks_rater_agreement),
            "within_tolerance": self.within_tolerance,
        }

    def table(self) -> str:
        """The table ``validate`` prints."""
        from sandbox.kinds.pairwise.validation_table import validation_table

        return validation_table(self)


def preference_statistics(
    answers: pd.DataFrame, items: pd.DataFrame | None, gold: pd.Series | None, engine: str
) -> PreferenceStatistics:
    """The compared statistics (see the module docstring) of one answers table."""
    label = answers["label"].to_numpy()
    decisive = label != "tie"
    longer = None
    if items is not None and LENGTH in items.columns:
        length = items[LENGTH]
        left = length.reindex(pd.Index(answers["left"])).to_numpy(dtype=float)
        right = length.reindex(pd.Index(answers["right"])).to_numpy(dtype=float)
        differ = decisive & np.isfinite(left) & np.isfinite(right) & (left != right)
        if differ.any():
            picked_longer = np.where(label == "left", left > right, right > left)
            longer = float(picked_longer[differ].mean())
    evidence = rater_evidence(answers[COLUMNS]).table
    counted = evidence[evidence["agree_of"] >= MIN_RATER_ANSWERS]["agreement"].to_numpy(dtype=float)
    accuracy = None
    if gold is not None and len(gold):
        known = gold[gold.index.isin(answers["task"]) & (gold != "tie")]
        if len(known):
            consensus = aggregate_pairs("davidson", answers[COLUMNS], engine).labels
            accuracy = float((consensus.reindex(known.index) == known).mean())
    return PreferenceStatistics(
        tie_share=float((~decisive).mean()),
        left_share=float((label[decisive] == "left").mean()) if decisive.any() else float("nan"),
        longer_share=longer,
        majority_share_hist=majority_share_hist(answers),
        rater_agreement=float(counted.mean()) if len(counted) else float("nan"),
        accuracy=accuracy,
        agreements=counted,
    )


def majority_share_hist(answers: pd.DataFrame) -> list[float]:
    """Per pair (either way round), the share of its answers giving its most common outcome, in ten
    bins of width 0.1 (shares of the pairs)."""
    pair = pair_codes(answers)
    outcome = np.where(
        answers["label"] == "left",
        answers["left"].astype(str),
        np.where(answers["label"] == "right", answers["right"].astype(str), "\x00tie"),
    )
    counts = pd.Series(1, index=pd.MultiIndex.from_arrays([pair, outcome])).groupby(level=[0, 1]).sum()
    top = counts.groupby(level=0).max()
    total = counts.groupby(level=0).sum()
    share = (top / total).to_numpy(dtype=float)
    # 7 / 10 is 0.7 in the bin [0.7, 0.8): a tolerance keeps exact fractions off the float edges
    bins = np.minimum(np.floor(share * SHARE_BINS + 1e-9), SHARE_BINS - 1).astype(int)
    hist = np.bincount(bins, minlength=SHARE_BINS)
    return (hist / hist.sum()).tolist()


def split_pairs(answers: pd.DataFrame, seed: int) -> tuple[NDArray[np.bool_], int, int]:
    """Which answers are on the fitted half of the pairs (the others are held out), and the number
    of pairs in each half (a seeded random half of the distinct pairs)."""
    codes = pair_codes(answers)
    n_pairs = int(codes.max()) + 1
    order = make_rng(seed).permutation(n_pairs)
    fit_pairs = np.zeros(n_pairs, dtype=bool)
    fit_pairs[order[: n_pairs // 2]] = True
    return fit_pairs[codes], n_pairs // 2, n_pairs - n_pairs // 2


def _quality(
    fit_answers: pd.DataFrame,
    items: pd.DataFrame | None,
    gold_scores: pd.Series | None,
    everything: pd.Index,
    seed: int,
    engine: str,
) -> pd.Series:
    """Standardised quality of every item: gold scores, else the fitted half's Davidson scores
    (items the fitted half never compares drawn from the standard normal)."""
    scores = gold_scores if gold_scores is not None else item_scores(items)
    if scores is not None and scores.notna().any():
        known = scores.dropna()
        quality = pd.Series(normal_scores(known.to_numpy(dtype=float)), index=known.index)
    else:
        known = aggregate_pairs("davidson", fit_answers[COLUMNS], engine).scores.dropna()
        quality = pd.Series(standardised(known.to_numpy(dtype=float)), index=known.index)
    missing = everything.difference(quality.index)
    drawn = pd.Series(make_rng(seed).standard_normal(len(missing)), index=missing)
    return pd.concat([quality, drawn]).reindex(everything)


def _pair_context(
    tasks: pd.DataFrame, quality: pd.Series, items: pd.DataFrame | None, feature: str | None
) -> PairContext:
    """The held-out pairs (``tasks``: ``left, right`` by task, in replay order) as raters see them."""
    index = quality.index
    left = index.get_indexer(pd.Index(tasks["left"]))
    right = index.get_indexer(pd.Index(tasks["right"]))
    values = quality.to_numpy(dtype=float)
    features: dict[str, tuple[NDArray[Any], NDArray[Any]]] = {}
    nuisance = None
    if items is not None and feature is not None:
        raw = items[feature].reindex(index)
        scaled = pd.Series(np.nan, index=index)
        present = raw.notna().to_numpy()
        if present.any():
            scaled[present] = nuisance_scale(raw[present])
        filled = scaled.fillna(0.0).to_numpy()
        features[feature] = (filled[left], filled[right])
        if feature == LENGTH:
            nuisance = filled
    return PairContext(
        left_quality=values[left],
        right_quality=values[right],
        left_nuisance=None if nuisance is None else nuisance[left],
        right_nuisance=None if nuisance is None else nuisance[right],
        left_item=left,
        right_item=right,
        items_by_rank=np.argsort(-values, kind="stable"),
        features=features,
    )


def _work(tasks: pd.DataFrame, items: pd.DataFrame | None) -> pd.Series | None:
    """Each held-out pair's reading work (the two lengths, relative to the average), when known."""
    if items is None or LENGTH not in items.columns:
        return None
    length = items[LENGTH]
    total = length.reindex(pd.Index(tasks["left"])).to_numpy(dtype=float) + length.reindex(
        pd.Index(tasks["right"])
    ).to_numpy(dtype=float)
    if not np.isfinite(total).any():
        return None
    mean = float(np.nanmean(total))
    return pd.Series(np.where(np.isfinite(total), total / mean, 1.0), index=tasks.index)


def validate_once(
    answers: pd.DataFrame,
    name: str,
    seed: int,
    *,
    items: pd.DataFrame | None = None,
    gold: pd.Series | None = None,
    gold_scores: pd.Series | None = None,
    engine: str = "fast",
) -> PairwiseValidation:
    """One split (``seed``): fit on half of the pairs, replay the other half, compare."""
    on_fit, n_fit, n_test = split_pairs(answers, seed)
    if n_fit < 2 or n_test < 2 or on_fit.all() or not on_fit.any():
        raise SandboxError(f"{name}: validation needs at least 4 distinct pairs, found {n_fit + n_test}")
    fit_answers = answers[on_fit].reset_index(drop=True)
    test = answers[~on_fit].reset_index(drop=True)
    fitted = fit_pairwise_population(
        fit_answers, name=name, items=items, gold=gold, gold_scores=gold_scores, engine=engine
    )
    everything = pd.Index(pd.unique(pd.concat([answers["left"], answers["right"]], ignore_index=True)))
    quality = _quality(fit_answers, items, gold_scores, everything, seed, engine)
    tasks = test.drop_duplicates("task").set_index("task")[["left", "right"]]
    ties = bool((answers["label"] == "tie").any())
    difference = (
        quality.reindex(pd.Index(tasks["right"])).to_numpy()
        - quality.reindex(pd.Index(tasks["left"])).to_numpy()
    )
    equal = TIE if ties else LEFT
    truth = pd.Series(
        np.where(difference > 0, RIGHT, np.where(difference < 0, LEFT, equal)), index=tasks.index
    )
    context = _pair_context(tasks, quality, items, bias_feature(items))
    coded = replay(
        fitted_population(fitted),
        test[["task", "worker"]],
        truth,
        seed,
        known_raters(fitted),
        n_classes=3 if ties else 2,
        task_data=context,
        work=_work(tasks, items),
    )
    replica = test[["task", "worker", "left", "right"]].assign(
        label=np.asarray(SIDES, dtype=object)[coded["label"].to_numpy()], seconds=coded["seconds"].to_numpy()
    )
    held_gold = None if gold is None else gold[gold.index.isin(tasks.index)]
    real_stats = preference_statistics(test, items, held_gold, engine)
    replica_stats = preference_statistics(replica, items, held_gold, engine)
    return PairwiseValidation(
        dataset=name,
        n_pairs_fit=n_fit,
        n_pairs_test=n_test,
        real=real_stats,
        replica=replica_stats,
        tvd_majority_share=_tvd(real_stats.majority_share_hist, replica_stats.majority_share_hist),
        ks_rater_agreement=_ks(real_stats.agreements, replica_stats.agreements),
    )


def validate_pairs(
    answers: pd.DataFrame,
    name: str,
    *,
    seeds: int = 1,
    items: pd.DataFrame | None = None,
    gold: pd.Series | None = None,
    gold_scores: pd.Series | None = None,
    engine: str = "fast",
) -> PairwiseValidation:
    """:func:`validate_once` for splits ``0 .. seeds - 1``, every figure averaged over them."""
    if seeds < 1:
        raise SandboxError(f"seeds must be >= 1, got {seeds}")
    runs = [
        validate_once(answers, name, seed, items=items, gold=gold, gold_scores=gold_scores, engine=engine)
        for seed in range(seeds)
    ]
    real, replica = _mean([r.real for r in runs]), _mean([r.replica for r in runs])
    return PairwiseValidation(
        dataset=name,
        n_pairs_fit=runs[0].n_pairs_fit,
        n_pairs_test=runs[0].n_pairs_test,
        real=real,
        replica=replica,
        tvd_majority_share=_tvd(real.majority_share_hist, replica.majority_share_hist),
        ks_rater_agreement=_ks(real.agreements, replica.agreements),
        seeds=seeds,
    )


def _mean(runs: Sequence[PreferenceStatistics]) -> PreferenceStatistics:
    def average(values: Sequence[float | None]) -> float | None:
        known = [v for v in values if v is not None]
        return float(np.mean(known)) if known else None

    tie, left = average([r.tie_share for r in runs]), average([r.left_share for r in runs])
    agreement = average([r.rater_agreement for r in runs])
    return PreferenceStatistics(
        tie_share=float("nan") if tie is None else tie,
        left_share=float("nan") if left is None else left,
        longer_share=average([r.longer_share for r in runs]),
        majority_share_hist=np.mean([r.majority_share_hist for r in runs], axis=0).tolist(),
        rater_agreement=float("nan") if agreement is None else agreement,
        accuracy=average([r.accuracy for r in runs]),
        agreements=np.concatenate([r.agreements for r in runs]),
    )


def _number(value: float | None) -> float | None:
    """A figure for JSON: None where it is undefined (NaN)."""
    return None if value is None or np.isnan(value) else float(value)


def _tvd(p: Sequence[float], q: Sequence[float]) -> float:
    """Total variation distance between two histograms (each sums to 1)."""
    return 0.5 * float(np.abs(np.asarray(p) - np.asarray(q)).sum())


def _ks(a: NDArray[np.float64], b: NDArray[np.float64]) -> float:
    """Two-sample Kolmogorov–Smirnov statistic (NaN when either side has no rater)."""
    if len(a) == 0 or len(b) == 0:
        return float("nan")
    return float(ks_2samp(a, b).statistic)
