"""Pairwise preference datasets: items with a true latent quality, and the pairs raters compare.

A :class:`PairwiseDataset` is a :class:`Dataset` whose tasks are the pairs (task ``t`` = pair row
``t``) and whose truth per pair is which side is better: class code 0 = the left (first) item, 1 =
the right item, 2 = a tie when the interface offers a tie button (``offers_ties``): items of equal
quality are then true ties, and so are items whose quality differs by less than ``tie_margin``
standard deviations. So the campaign engine (gold, bans,
qualification, adaptive redundancy) runs on pairs unchanged. It also holds the items table (quality
``score``, optional nuisance ``length``, features), the pairs, and a held-out set of pairs no rater
sees, on which aggregated preferences are scored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from annotators.archetypes.pairwise import LEFT, RIGHT, SIDES, TIE, PairContext
from foundation.errors import SandboxError
from sandbox.datasets.dataset import Dataset, truth_series
from sandbox.kinds.pairwise.kind import KIND

NUISANCE = "length"
#: Gold questions copy "obvious" pairs: at least this quantile of the absolute quality difference.
GOLD_QUANTILE = 0.75


def _empty_pairs() -> pd.DataFrame:
    return pd.DataFrame({"left": [], "right": [], "label": []})


@dataclass(frozen=True)
class PairwiseDataset(Dataset):
    """Pairs of items with their true preference (see the module docstring).

    ``items``: index ``item``; ``score`` (true quality, NaN when only gold pairs are known), optional
    ``length`` (the nuisance), the other columns numeric features. ``pairs``: index ``task``;
    ``left, right`` item ids. ``heldout``: ``left, right, label`` (label ``left``/``right``/``tie``):
    pairs scored but never shown. ``feature_columns``: the item columns a reward model sees.
    """

    kind: str = KIND
    items: pd.DataFrame = field(default_factory=pd.DataFrame)
    pairs: pd.DataFrame = field(default_factory=pd.DataFrame)
    heldout: pd.DataFrame = field(default_factory=_empty_pairs)
    tie_margin: float = 0.0
    feature_columns: tuple[str, ...] = ()
    offers_ties: bool = False
    ordinal_scores: bool = False

    @property
    def n_items(self) -> int:
        """Number of items."""
        return len(self.items)

    @property
    def has_scores(self) -> bool:
        """Whether every item has a true quality (else only gold pairs are known)."""
        return bool(len(self.items)) and bool(self.items["score"].notna().all())

    @property
    def has_nuisance(self) -> bool:
        """Whether the items carry the nuisance column (``length``)."""
        return NUISANCE in self.items.columns

    def item_features(self) -> NDArray[Any] | None:
        """The reward model's item features (n_items × F, in ``items`` order), or None."""
        if not self.feature_columns:
            return None
        return self.items[list(self.feature_columns)].to_numpy(dtype=float)

    def _positions(self, ids: pd.Series) -> NDArray[Any]:
        return np.asarray(self.items.index.get_indexer(pd.Index(ids)), dtype=np.int64)

    def numeric_features(self) -> list[str]:
        """The item columns a rater may be swayed by: every numeric column but the quality."""
        numeric = pd.api.types.is_numeric_dtype
        return [
            str(c)
            for c in self.items.columns
            if c != "score" and numeric(self.items[c]) and not pd.api.types.is_bool_dtype(self.items[c])
        ]

    def task_context(self) -> PairContext:
        """The pairs as raters see them: standardised quality, nuisance and numeric features of both
        sides."""
        scores = self.items["score"].to_numpy(dtype=float)
        quality = normal_scores(scores) if self.ordinal_scores else standardised(scores)
        left, right = self._positions(self.pairs["left"]), self._positions(self.pairs["right"])
        nuisance = nuisance_scale(self.items[NUISANCE]) if self.has_nuisance else None
        features = {}
        for name in self.numeric_features():
            scaled = nuisance_scale(self.items[name])
            features[name] = (scaled[left], scaled[right])
        return PairContext(
            left_quality=quality[left],
            right_quality=quality[right],
            left_nuisance=None if nuisance is None else nuisance[left],
            right_nuisance=None if nuisance is None else nuisance[right],
            left_item=left,
            right_item=right,
            items_by_rank=np.argsort(-quality, kind="stable"),
            tie_margin=self.tie_margin,
            features=features,
        )

    def task_work(self) -> NDArray[np.float64]:
        """How much there is to read in each pair, relative to the average pair (mean 1): the two
        items' ``length`` added up, or 1 for every pair when the items have no length."""
        if not self.has_nuisance or self.n_tasks == 0:
            return np.ones(self.n_tasks)
        lengths = self.items[NUISANCE].to_numpy(dtype=float)
        if not (np.isfinite(lengths).all() and (lengths > 0).all()):
            return np.ones(self.n_tasks)
        total = lengths[self._positions(self.pairs["left"])] + lengths[self._positions(self.pairs["right"])]
        work: NDArray[np.float64] = total / total.mean()
        return work

    def gold_rows(self) -> NDArray[Any] | None:
        """Obvious pairs for gold questions: not ties, quality difference in the top quarter."""
        if not self.has_scores or self.n_tasks == 0:
            return None
        context = self.task_context()
        gap = np.abs(context.right_quality - context.left_quality)
        truth = self.truth.to_numpy()
        rows = np.flatnonzero((gap >= np.quantile(gap, GOLD_QUANTILE)) & (truth != TIE))
        return rows if len(rows) else None

    def subset(self, rows: NDArray[Any]) -> PairwiseDataset:
        """The dataset with only the pairs at ``rows`` (positions); items and held-out pairs kept."""
        return PairwiseDataset(
            name=self.name,
            description=self.description,
            truth=self.truth.iloc[rows],
            classes=self.classes,
            items=self.items,
            pairs=self.pairs.iloc[rows],
            heldout=self.heldout,
            tie_margin=self.tie_margin,
            feature_columns=self.feature_columns,
            offers_ties=self.offers_ties,
            ordinal_scores=self.ordinal_scores,
        )


def standardised(values: NDArray[Any]) -> NDArray[Any]:
    """``(x - mean) / sd``; all zeros when the values do not vary."""
    values = np.asarray(values, dtype=float)
    sd = float(np.nanstd(values))
    centred = values - float(np.nanmean(values)) if len(values) else values
    return centred / sd if sd > 0 else np.zeros_like(values)


def normal_scores(values: NDArray[Any]) -> NDArray[Any]:
    """Grades as the quality the simulation assumes (a standard normal latent): the normal quantiles
    Φ⁻¹((r − ½) / n) of their ranks r (van der Waerden scores), equal grades sharing their average
    rank, so that only their order matters, not the experts' units."""
    from scipy.stats import norm, rankdata

    numbers = np.asarray(values, dtype=float)
    if len(numbers) == 0:
        return numbers
    scores: NDArray[Any] = norm.ppf((rankdata(numbers) - 0.5) / len(numbers))
    return scores


def nuisance_scale(values: pd.Series) -> NDArray[Any]:
    """The nuisance as raters weigh it: standardised log length (lengths are positive and skewed),
    or standardised raw values when some are not positive."""
    numbers = values.to_numpy(dtype=float)
    return standardised(np.log(numbers) if (numbers > 0).all() else numbers)


def side_codes(
    left_score: NDArray[Any], right_score: NDArray[Any], margin: float, ties: bool | None = None
) -> NDArray[Any]:
    """LEFT where the left item is better by more than ``margin``, RIGHT where the right one is, TIE
    otherwise. ``ties`` (default: ``margin`` > 0): whether there are ties at all; with ties, items of
    equal quality are ties whatever the margin."""
    difference = np.asarray(right_score, dtype=float) - np.asarray(left_score, dtype=float)
    codes = np.where(difference > 0, RIGHT, LEFT).astype(np.int64)
    if margin > 0 if ties is None else ties:
        codes[(np.abs(difference) < margin) | (difference == 0)] = TIE
    return codes


def random_pairs(
    n_items: int, n_pairs: int, rng: np.random.Generator, exclude: NDArray[Any] | None = None
) -> tuple[NDArray[Any], NDArray[Any]]:
    """``n_pairs`` distinct unordered pairs of item positions (none in ``exclude``, keys ``i * n + j``
    with i < j), each shown in a random order; fewer when not that many remain."""
    possible = n_items * (n_items - 1) // 2 - (0 if exclude is None else len(exclude))
    wanted = min(n_pairs, max(possible, 0))
    keys = np.empty(0, dtype=np.int64)
    taken = np.unique(exclude) if exclude is not None else np.empty(0, dtype=np.int64)
    while len(keys) < wanted:
        draw = max(2 * (wanted - len(keys)), 64)
        first, second = rng.integers(0, n_items, size=draw), rng.integers(0, n_items, size=draw)
        low, high = np.minimum(first, second), np.maximum(first, second)
        fresh = (low * n_items + high)[low != high]
        fresh = fresh[~np.isin(fresh, taken)]
        _, order = np.unique(fresh, return_index=True)
        fresh = fresh[np.sort(order)][: wanted - len(keys)]
        keys = np.concatenate([keys, fresh])
        taken = np.union1d(taken, fresh)
    low, high = keys // n_items, keys % n_items
    swap = rng.random(len(keys)) < 0.5
    return np.where(swap, high, low), np.where(swap, low, high)


def pair_keys(left: NDArray[Any], right: NDArray[Any], n_items: int) -> NDArray[Any]:
    """Unordered pair keys ``min * n + max`` of item positions."""
    return np.minimum(left, right) * n_items + np.maximum(left, right)


def make_pairwise(
    name: str,
    description: str,
    items: pd.DataFrame,
    pairs: pd.DataFrame,
    heldout: pd.DataFrame,
    tie_margin: float,
    feature_columns: tuple[str, ...],
    offers_ties: bool | None = None,
    answers: pd.DataFrame | None = None,
) -> PairwiseDataset:
    """Build the dataset: truth of every pair from the item scores (``tie_margin`` in standard
    deviations of the scores; ``offers_ties``, default ``tie_margin`` > 0: a tie button, so equal
    items are ties); held-out ``label`` sides likewise. ``answers``: real answers, if any."""
    if tie_margin < 0:
        raise SandboxError(f"{name}: ties must be >= 0 (a margin in standard deviations), got {tie_margin:g}")
    scores = items["score"]
    sd = float(np.nanstd(scores.to_numpy(dtype=float)))
    margin = tie_margin * sd
    ties = tie_margin > 0 if offers_ties is None else offers_ties
    codes = side_codes(
        scores.loc[pairs["left"]].to_numpy(), scores.loc[pairs["right"]].to_numpy(), margin, ties
    )
    held = heldout[["left", "right"]].reset_index(drop=True)
    held_codes = side_codes(
        scores.loc[held["left"]].to_numpy(), scores.loc[held["right"]].to_numpy(), margin, ties
    )
    held = held.assign(label=np.asarray(SIDES, dtype=object)[held_codes])
    tasks = pairs.index if pairs.index.name == "task" else pd.RangeIndex(len(pairs), name="task")
    pairs = pairs[["left", "right"]].set_axis(tasks)
    return PairwiseDataset(
        name=name,
        description=description,
        truth=truth_series(pairs.index, codes),
        classes=SIDES if ties else SIDES[:2],
        items=items,
        pairs=pairs,
        heldout=held,
        tie_margin=float(tie_margin),
        feature_columns=feature_columns,
        offers_ties=ties,
        answers=answers,
    )


def campaign_answers(answers: pd.DataFrame, dataset: Dataset) -> pd.DataFrame:
    """A campaign's ``task, worker, label`` codes (+ ``seconds``) as pairwise answers (the pair's
    items, the side, the seconds)."""
    if not isinstance(dataset, PairwiseDataset):
        raise SandboxError("pairwise answers are scored against a pairwise dataset (items and gold pairs)")
    pairs = dataset.pairs.loc[answers["task"].to_numpy()]
    table = pd.DataFrame(
        {
            "task": answers["task"].to_numpy(),
            "worker": answers["worker"].to_numpy(),
            "left": pairs["left"].to_numpy(),
            "right": pairs["right"].to_numpy(),
            "label": np.asarray(SIDES, dtype=object)[answers["label"].to_numpy()],
        }
    )
    return table.assign(seconds=answers["seconds"].to_numpy()) if "seconds" in answers else table
