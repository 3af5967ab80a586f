"""Pairwise preferences: each task shows two items; an answer says which is better (or a tie).

Answers table ``task, worker, left, right, label`` with label ``left``/``right``/``tie`` (see
:mod:`sandbox.kinds.pairwise.answers`); aggregation gives a score per item
(:mod:`sandbox.kinds.pairwise.aggregation`). Scores (:mod:`sandbox.kinds.pairwise.metrics`), all against a
:class:`~sandbox.kinds.pairwise.dataset.PairwiseDataset`:

- ``accuracy``/``f1_macro``: the aggregated preference on the gold pairs (the dataset's held-out
  pairs, never shown to raters; gold ties left out and counted in ``gold_ties``);
  ``accuracy_with_ties``: three-way accuracy on every gold pair, gold ties included (a method that
  models ties predicts its most probable outcome; the others the better-scored side);
- ``coverage``: share of the items that got a score; ``cost_per_correct_label``: money per answered
  pair whose aggregated preference is right;
- ``kendall_tau``, ``spearman`` and ``top_k_precision`` (k = 10) of the scores against the true
  quality (NaN without item scores); ``ties_left_out``: tie answers the method could not use;
- with a promoting ring in the crowd: ``promoted_true_rank``, ``promoted_rank`` and
  ``promoted_rank_gain`` (true rank − estimated rank: places gained) of the promoted item;
- in simulations, skill correlation and cheater AUC of methods that estimate worker skill;
- for datasets with item features, ``downstream_accuracy``: a reward model trained on the aggregated
  preferences of the answered pairs, tested on the clean held-out pairs (``downstream_accuracy_clean``:
  the same model trained on the true preferences of all the dataset's pairs).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from annotators.archetypes.pairwise import SIDES, promoted_position
from foundation.errors import SandboxError
from sandbox.aggregation.aggregate import Aggregation
from sandbox.datasets.dataset import Dataset
from sandbox.kinds.base import ScoringInputs
from sandbox.kinds.pairwise.aggregation import PairwiseAggregation, preferred_sides
from sandbox.kinds.pairwise.dataset import PairwiseDataset
from sandbox.kinds.pairwise.metrics import (
    RewardData,
    accuracy_with_ties,
    gold_accuracy,
    rank_correlations,
    rank_of,
    reward_model_accuracy,
    top_k_precision,
)
from sandbox.metrics.labels import cost_per_correct_label
from sandbox.metrics.outcome import AggregatorScore
from sandbox.metrics.workers import cheater_detection_auc, skill_rank_correlation

RING = "promoting_ring"


def pairwise_dataset(dataset: Dataset | None) -> PairwiseDataset:
    """``dataset`` as a pairwise one; SandboxError otherwise (pairwise scores need items and gold)."""
    if not isinstance(dataset, PairwiseDataset):
        raise SandboxError("pairwise answers are scored against a pairwise dataset (items and gold pairs)")
    return dataset


class PairwiseScorer:
    """Scores aggregations of one pairwise answers table (see the module docstring)."""

    def __init__(self, inputs: ScoringInputs) -> None:
        self.inputs = inputs
        self.dataset = dataset = pairwise_dataset(inputs.dataset)
        answered = inputs.answers.drop_duplicates("task").set_index("task")
        self.answered = answered[["left", "right"]]
        scores = dataset.items["score"]
        self.true_scores = scores if scores.notna().any() else None
        self.answered_truth = self._answered_truth()
        self.promoted = self._promoted_item()
        self.reward = self._reward_data()
        self.downstream_accuracy_clean: float | None = None
        if self.reward is not None and dataset.n_tasks:
            pairs = dataset.pairs
            truth = pd.Series(np.asarray(SIDES, dtype=object)[dataset.truth.to_numpy()], index=pairs.index)
            self.downstream_accuracy_clean = reward_model_accuracy(
                self.reward, pairs["left"], pairs["right"], truth
            )

    def _answered_truth(self) -> pd.Series:
        """True side of each answered pair: from the item scores, else from the gold pairs it matches."""
        dataset, answered = self.dataset, self.answered
        if self.true_scores is not None:
            margin = dataset.tie_margin * float(np.nanstd(self.true_scores.to_numpy(dtype=float)))
            sides = preferred_sides(self.true_scores, answered["left"], answered["right"])
            left = self.true_scores.reindex(pd.Index(answered["left"])).to_numpy(dtype=float)
            right = self.true_scores.reindex(pd.Index(answered["right"])).to_numpy(dtype=float)
            if margin > 0:
                sides[np.abs(right - left) < margin] = "tie"
            return sides.dropna()
        gold = dataset.heldout.set_index(["left", "right"])["label"]
        keys = pd.MultiIndex.from_arrays([answered["left"], answered["right"]])
        flipped = pd.MultiIndex.from_arrays([answered["right"], answered["left"]])
        direct = gold.reindex(keys).to_numpy()
        reverse = gold.reindex(flipped).map({"left": "right", "right": "left", "tie": "tie"}).to_numpy()
        sides = pd.Series(np.where(pd.isna(direct), reverse, direct), index=answered.index, dtype=object)
        return sides.dropna()

    def _promoted_item(self) -> object | None:
        workers = self.inputs.workers
        if workers is None or self.true_scores is None or "target" not in workers.columns:
            return None
        ring = workers[workers["archetype"] == RING]
        if ring.empty:
            return None
        context = self.dataset.task_context()
        position = promoted_position(int(ring["target"].iloc[0]), context.n_items)
        return self.dataset.items.index[context.items_by_rank[position]]

    def _reward_data(self) -> RewardData | None:
        dataset = self.dataset
        features = dataset.item_features()
        if features is None or dataset.heldout.empty:
            return None
        test = dataset.heldout[dataset.heldout["label"] != "tie"]
        items = dataset.items.index
        return RewardData(
            features=features,
            items=items,
            test_left=items.get_indexer(pd.Index(test["left"])),
            test_right=items.get_indexer(pd.Index(test["right"])),
            test_right_better=(test["label"] == "right").to_numpy().astype(np.int64),
        )

    def score(self, result: Aggregation) -> AggregatorScore:
        """How ``result`` (a :class:`PairwiseAggregation`) did (see the module docstring)."""
        if not isinstance(result, PairwiseAggregation):
            raise SandboxError(f"{result.aggregator} is not a pairwise aggregation")
        scores, dataset, workers = result.scores, self.dataset, self.inputs.workers
        gold = gold_accuracy(scores, dataset.heldout)
        tau = rho = top = math.nan
        if self.true_scores is not None:
            tau, rho = rank_correlations(scores, self.true_scores)
            top = top_k_precision(scores, self.true_scores)
        preferred = result.labels.reindex(self.answered.index)
        correct = int((preferred.reindex(self.answered_truth.index) == self.answered_truth).sum())
        heldout = dataset.heldout
        with_ties = accuracy_with_ties(result.predicted_outcomes(heldout["left"], heldout["right"]), heldout)
        extra: dict[str, float | None] = {
            "accuracy_with_ties": with_ties,
            "kendall_tau": tau,
            "spearman": rho,
            "top_k_precision": top,
            "gold_pairs": float(gold.scored),
            "gold_ties": float(gold.ties),
            "ties_left_out": float(result.ties_left_out),
        }
        if self.promoted is not None and self.true_scores is not None:
            true_rank = rank_of(self.true_scores, self.promoted)
            estimated = rank_of(scores, self.promoted)
            extra.update(
                promoted_true_rank=true_rank,
                promoted_rank=estimated,
                promoted_rank_gain=true_rank - estimated,
            )
        skill_correlation = cheater_auc = downstream = None
        if workers is not None and result.skills is not None:
            skill_correlation = skill_rank_correlation(result.skills, workers["skill"])
            cheater_auc = cheater_detection_auc(result.skills, workers["honest"])
        if self.reward is not None:
            known = preferred.dropna()
            downstream = reward_model_accuracy(
                self.reward,
                self.answered.loc[known.index, "left"],
                self.answered.loc[known.index, "right"],
                known,
            )
        return AggregatorScore(
            aggregator=result.aggregator,
            accuracy=gold.accuracy,
            f1_macro=gold.f1_macro,
            coverage=len(scores) / max(dataset.n_items, 1),
            cost_per_correct_label=cost_per_correct_label(self.inputs.cost, correct),
            seconds=result.seconds,
            skill_correlation=skill_correlation,
            cheater_auc=cheater_auc,
            downstream_accuracy=downstream,
            extra=extra,
        )
