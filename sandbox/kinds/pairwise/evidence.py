"""The evidence behind a pairwise rater's flags: each rater's own answers against the rest of the crowd
on the same pairs (leave one out), and the tests of :mod:`sandbox.fitting.evidence`.

A pair is an unordered pair of items (whichever side each was shown on). For every answer, the
*others* are the other answers on its pair. Per rater:

- **agreement**: of their decisive answers on pairs whose other decisive answers have a strict
  majority, how many pick the majority's item; the crowd's own agreement on the same pairs (each
  other decisive answer there against the majority of the answers that are neither its own nor this
  rater's: leave two out, so that the rater's vote never shapes the reference) is the reference. A
  random clicker agrees at chance (0.5), an adversary below it. Tests: ``adversary`` — agreement
  significantly below 0.5; ``random_clicker`` — significantly below the point halfway between chance
  and the crowd's own agreement on the same pairs (closer to a coin than to the crowd). A rater who
  agrees with the majority of all decisive answers, their own included, on at least
  :data:`TRUSTED_AGREEMENT` of their pairs is never called either. A rater whose agreement is
  significantly *above* that halfway point compares (the same test the other way, at the false
  discovery rate unadjusted: a clearance, not a flag); an unflagged rater who is not shown to
  compare has too few answers to tell.
- **ties**: their tie answers against the others' tie share on the same pairs. Saying "same" is
  legitimate, and raters differ in how often they do, so the ``tie_clicker`` test asks whether their
  tie rate is *far* above the crowd's: above the point halfway between the crowd's rate and always
  clicking tie (closer to a tie clicker than to the crowd); and a rater whose decisive answers show
  they compare is a cautious rater, not a tie clicker (whose other clicks carry nothing).
- **position**: the others' majority says which item of a pair is better; a rater who leans to one
  side goes against it towards that side more often than towards the other. Of their decisive
  answers on pairs where the others' majority picks the right item, the share e_L where they pick the
  left one; on pairs where it picks the left, the share e_R where they pick the right. Comparing
  their disagreements both ways, not their left rate with the crowd's, keeps skill out of it: where
  the better item is more often on one side, a rater who sees quality better than the crowd picks
  that side more often, without any lean. A rater who clicks the left without comparing on a share b
  of the pairs has e_L = b + (1 − b) e_R; ``position_biased`` asks whether b is far above the
  crowd's, i.e. above one half (closer to a side clicker than to the crowd, like the tie test): e_L
  significantly above (1 + e_R) / 2 (or the same towards the right; the smaller one-sided p-value,
  doubled). A rater with a mild lean is not flagged: every rater leans a little, and on a few
  thousand answers a test without that margin would flag them all.
- **features**: the same test for each numeric item feature (e.g. ``length``) on the pairs whose
  items differ in it, the larger and the smaller item in place of left and right (towards the longer
  or the shorter is ``length_biased``).
- **speed**: their implausibly fast answers against the rest of the crowd's share
  (:mod:`sandbox.fitting.speed`): ``fast``.

Each test is adjusted for being run on every rater (Benjamini–Hochberg, one family per test: at most
the false discovery rate of each kind of flag is expected to be wrong); a rater is flagged only where
the adjusted p-value is at most that rate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sandbox.fitting.evidence import FALSE_DISCOVERY_RATE, Evidence, adjusted, binomial_p
from sandbox.fitting.speed import fast_answers, speed_evidence

#: Chance agreement of a decisive answer with a two-sided majority.
CHANCE = 0.5
#: Agreement with the whole crowd's majority (the rater's own answer included) above which a rater is
#: never called random or adversarial: the inter-labeler agreement of InstructGPT's trained labelers
#: (72.6 ± 1.5 %, Ouyang et al. 2022) less two standard errors, rounded down — a rater who agrees that
#: often agrees like a vetted labeler, whatever a leave-one-out test on sparse pairs says.
TRUSTED_AGREEMENT = 0.7
#: Flags in the order a rater's archetype is chosen from them.
PRIORITY = ("adversary", "position_biased", "length_biased", "tie_clicker", "random_clicker", "fast")


def pair_codes(answers: pd.DataFrame) -> NDArray[np.intp]:
    """A code per answer for its unordered pair of items."""
    left = answers["left"].astype(str).to_numpy()
    right = answers["right"].astype(str).to_numpy()
    low, high = np.minimum(left, right), np.maximum(left, right)
    codes: NDArray[np.intp] = pd.factorize(pd.Series(low + "\x00" + high))[0]
    return codes


@dataclass(frozen=True)
class AnswerContext:
    """Per answer: what the others said on the same pair (see the module docstring)."""

    pair: NDArray[np.intp]
    others: NDArray[np.float64]
    others_ties: NDArray[np.float64]
    others_decisive: NDArray[np.float64]
    others_left_item: NDArray[np.float64]
    all_left_item: NDArray[np.float64]
    all_right_item: NDArray[np.float64]


def answer_context(answers: pd.DataFrame) -> AnswerContext:
    """The others' answers on each answer's pair, counted (vectorised)."""
    pair = pair_codes(answers)
    label = answers["label"].to_numpy()
    tie = label == "tie"
    left_item, right_item = answers["left"].astype(str).to_numpy(), answers["right"].astype(str).to_numpy()
    winner = np.where(label == "left", left_item, np.where(label == "right", right_item, ""))
    size = np.bincount(pair).astype(float)
    ties = np.bincount(pair, tie).astype(float)
    wins = (
        pd.Series(1.0, index=pd.MultiIndex.from_arrays([pair[~tie], winner[~tie]]))
        .groupby(level=[0, 1])
        .sum()
    )
    left_wins = wins.reindex(pd.MultiIndex.from_arrays([pair, left_item]), fill_value=0.0).to_numpy()
    right_wins = wins.reindex(pd.MultiIndex.from_arrays([pair, right_item]), fill_value=0.0).to_numpy()
    own_left = (label == "left").astype(float)
    decisive = size[pair] - ties[pair]
    return AnswerContext(
        pair=pair,
        others=size[pair] - 1,
        others_ties=ties[pair] - tie,
        others_decisive=decisive - (~tie),
        others_left_item=left_wins - own_left,
        all_left_item=np.asarray(left_wins, dtype=np.float64),
        all_right_item=np.asarray(right_wins, dtype=np.float64),
    )


@dataclass(frozen=True)
class RaterEvidence:
    """Per rater: the counts, rates and p-values of every test (``table``, indexed by worker), the
    flags raised (``flags``: worker → evidence, in :data:`PRIORITY` order) and the features tested."""

    table: pd.DataFrame
    flags: dict[Any, list[Evidence]] = field(default_factory=dict)
    features: tuple[str, ...] = ()


def _sum(values: NDArray[Any], workers: NDArray[np.intp], n: int) -> NDArray[np.float64]:
    return np.asarray(np.bincount(workers, np.asarray(values, dtype=float), n), dtype=np.float64)


def rater_evidence(
    answers: pd.DataFrame,
    items: pd.DataFrame | None = None,
    min_seconds: float | None = None,
) -> RaterEvidence:
    """Every test of the module docstring for every rater of ``answers`` (pairwise answers table;
    ``items``: numeric item features by item, e.g. ``length``; ``min_seconds``: the user's minimum
    time per answer, else the crowd's own times judge speed)."""
    context = answer_context(answers)
    workers, codes = np.unique(answers["worker"].to_numpy(), return_inverse=True)
    n = len(workers)
    label = answers["label"].to_numpy()
    decisive = label != "tie"
    left = label == "left"
    table = pd.DataFrame(index=pd.Index(workers, name="worker"))
    table["answers"] = np.bincount(codes, minlength=n)
    table["decisive"] = _sum(decisive, codes, n).astype(int)

    # agreement with the others' strict majority
    others_left = context.others_left_item
    others_right = context.others_decisive - others_left
    majority = np.where(others_left > others_right, 1, np.where(others_right > others_left, -1, 0))
    has_majority = decisive & (majority != 0)
    agrees = has_majority & (((majority == 1) & left) | ((majority == -1) & ~left))
    table["agree"] = _sum(agrees, codes, n).astype(int)
    table["agree_of"] = _sum(has_majority, codes, n).astype(int)
    table["agreement"] = table["agree"] / table["agree_of"].where(table["agree_of"] > 0)
    # the crowd's own agreement on the same pairs: each other decisive answer against the majority of
    # the answers neither its own nor this rater's (leave two out: the rater's vote never shapes it)
    with_left = np.where(others_left - 1 > others_right, others_left, 0.0)
    with_right = np.where(others_right - 1 > others_left, others_right, 0.0)
    counted = np.where(others_left - 1 != others_right, others_left, 0.0) + np.where(
        others_right - 1 != others_left, others_right, 0.0
    )
    others_rate = (with_left + with_right) / np.maximum(counted, 1)
    referenced = has_majority & (counted > 0)
    crowd_agreement = np.divide(
        _sum(np.where(referenced, others_rate, 0.0), codes, n),
        _sum(referenced, codes, n),
        out=np.full(n, np.nan),
        where=_sum(referenced, codes, n) > 0,
    )
    table["crowd_agreement"] = crowd_agreement
    table["coin_or_crowd"] = (CHANCE + np.nan_to_num(crowd_agreement, nan=CHANCE)) / 2
    whole_left, whole_right = context.all_left_item, context.all_right_item
    whole_majority = np.where(whole_left > whole_right, 1, np.where(whole_right > whole_left, -1, 0))
    in_whole = decisive & (whole_majority != 0)
    with_whole = in_whole & (((whole_majority == 1) & left) | ((whole_majority == -1) & ~left))
    whole_n = _sum(in_whole, codes, n)
    table["majority_agreement"] = np.divide(
        _sum(with_whole, codes, n), whole_n, out=np.full(n, np.nan), where=whole_n > 0
    )

    # ties against the others on the same pairs
    seen = context.others > 0
    tie_reference = np.where(seen, context.others_ties / np.maximum(context.others, 1), 0.0)
    table["tie_of"] = _sum(seen, codes, n).astype(int)
    table["ties"] = _sum(seen & ~decisive, codes, n).astype(int)
    table["tie_share"] = table["ties"] / table["tie_of"].where(table["tie_of"] > 0)
    crowd_ties = _sum(tie_reference * seen, codes, n) / np.maximum(table["tie_of"].to_numpy(), 1)
    table["crowd_tie_share"] = np.where(table["tie_of"] > 0, crowd_ties, np.nan)

    # position: the left item against the others' choice of that item (descriptive), and the test
    # of going against the others' majority towards the left vs towards the right
    judged = decisive & (context.others_decisive > 0)
    left_reference = np.where(judged, others_left / np.maximum(context.others_decisive, 1), 0.0)
    table["left_of"] = _sum(judged, codes, n).astype(int)
    table["left"] = _sum(judged & left, codes, n).astype(int)
    table["left_share"] = table["left"] / table["left_of"].where(table["left_of"] > 0)
    crowd_left = _sum(left_reference, codes, n) / np.maximum(table["left_of"].to_numpy(), 1)
    table["crowd_left_share"] = np.where(table["left_of"] > 0, crowd_left, np.nan)
    position = _lean(codes, n, has_majority, majority == 1, left)
    _add_lean(table, position, "left", "right")

    p_values: dict[str, NDArray[np.float64]] = {
        "adversary": binomial_p(table["agree"], table["agree_of"], np.full(n, CHANCE), "less"),
        "random_clicker": binomial_p(table["agree"], table["agree_of"], table["coin_or_crowd"], "less"),
        "tie_clicker": binomial_p(
            table["ties"],
            table["tie_of"],
            np.nan_to_num(crowd_ties) + (1 - np.nan_to_num(crowd_ties)) / 2,
            "greater",
        ),
        "position_biased": position.p_value,
    }

    features = _feature_columns(answers, items)
    for feature in features:
        larger = _larger_side(answers, items, feature)  # +1 right larger, -1 left larger, 0 equal/unknown
        on = judged & (larger != 0)
        chose_larger = on & (((larger == 1) & ~left) | ((larger == -1) & left))
        others_larger = np.where(larger == 1, others_right, others_left)
        reference = np.where(on, others_larger / np.maximum(context.others_decisive, 1), 0.0)
        count_on = _sum(on, codes, n)
        table[f"{feature}_of"] = count_on.astype(int)
        table[f"larger_{feature}"] = _sum(chose_larger, codes, n).astype(int)
        table[f"larger_{feature}_share"] = np.divide(
            table[f"larger_{feature}"].to_numpy(dtype=float),
            count_on,
            out=np.full(n, np.nan),
            where=count_on > 0,
        )
        crowd = _sum(reference, codes, n) / np.maximum(count_on, 1)
        table[f"crowd_larger_{feature}_share"] = np.where(count_on > 0, crowd, np.nan)
        majority_larger = np.where(larger == 1, majority == -1, majority == 1)  # majority's item is larger
        lean = _lean(codes, n, has_majority & (larger != 0), majority_larger, chose_larger)
        _add_lean(table, lean, f"larger_{feature}", f"smaller_{feature}")
        p_values[f"length_biased:{feature}"] = lean.p_value

    fast = fast_answers(answers.assign(pair=context.pair), group="pair", min_seconds=min_seconds)
    if fast.notna().any():
        speed = speed_evidence(answers, fast).reindex(table.index)
        for column in ("timed", "fast"):
            table[column] = speed[column].fillna(0).astype(int)
        for column in ("fast_share", "crowd_fast_share", "median_seconds"):
            table[column] = speed[column]
        p_values["fast"] = speed["p_fast"].to_numpy(dtype=float)

    q_values = {name: adjusted(values) for name, values in p_values.items()}
    for name in q_values:
        table[f"p_{name.replace(':', '_')}"] = q_values[name]
    return RaterEvidence(table=table, flags=_flags(table, q_values, features), features=tuple(features))


@dataclass(frozen=True)
class Lean:
    """Per rater, against the others' majority: ``toward_a`` of ``n_b`` (where the majority picks B,
    the rater picks A), ``toward_b`` of ``n_a``, and the p-value of a lean of more than one half."""

    toward_a: NDArray[np.float64]
    n_b: NDArray[np.float64]
    toward_b: NDArray[np.float64]
    n_a: NDArray[np.float64]
    p_value: NDArray[np.float64]


def _lean(
    codes: NDArray[np.intp],
    n: int,
    judged: NDArray[np.bool_],
    majority_a: NDArray[np.bool_],
    picked_a: NDArray[np.bool_],
) -> Lean:
    """The lean test of the module docstring: per answer, whether it has a majority (``judged``),
    whether the majority's item is side A and whether the rater picked A."""
    n_a = _sum(judged & majority_a, codes, n)
    n_b = _sum(judged & ~majority_a, codes, n)
    toward_b = _sum(judged & majority_a & ~picked_a, codes, n)
    toward_a = _sum(judged & ~majority_a & picked_a, codes, n)
    known = (n_a > 0) & (n_b > 0)
    rate_a = np.divide(toward_a, n_b, out=np.zeros(n), where=n_b > 0)
    rate_b = np.divide(toward_b, n_a, out=np.zeros(n), where=n_a > 0)
    towards_a = binomial_p(toward_a, n_b, (1 + rate_b) / 2, "greater")
    towards_b = binomial_p(toward_b, n_a, (1 + rate_a) / 2, "greater")
    p = np.where(known, np.minimum(1.0, 2 * np.minimum(towards_a, towards_b)), np.nan)
    return Lean(toward_a, n_b, toward_b, n_a, p)


def _add_lean(table: pd.DataFrame, lean: Lean, a: str, b: str) -> None:
    """The lean's counts as rater columns: ``{a}_against`` (share of the majority-B pairs where they
    pick A) and ``{b}_against``, with their counts."""
    table[f"{a}_against_count"] = lean.toward_a.astype(int)
    table[f"{a}_against_of"] = lean.n_b.astype(int)
    table[f"{a}_against"] = np.divide(
        lean.toward_a, lean.n_b, out=np.full(len(table), np.nan), where=lean.n_b > 0
    )
    table[f"{b}_against_count"] = lean.toward_b.astype(int)
    table[f"{b}_against_of"] = lean.n_a.astype(int)
    table[f"{b}_against"] = np.divide(
        lean.toward_b, lean.n_a, out=np.full(len(table), np.nan), where=lean.n_a > 0
    )


def _feature_columns(answers: pd.DataFrame, items: pd.DataFrame | None) -> list[str]:
    """The numeric item features to test (every numeric column but the quality ``score``) that the
    answered items carry."""
    if items is None or items.empty:
        return []
    numeric = [
        str(c)
        for c in items.columns
        if c != "score"
        and pd.api.types.is_numeric_dtype(items[c])
        and not pd.api.types.is_bool_dtype(items[c])
    ]
    return numeric


def _larger_side(answers: pd.DataFrame, items: pd.DataFrame | None, feature: str) -> NDArray[np.int64]:
    """+1 where the right item has the larger ``feature``, −1 where the left has, 0 otherwise."""
    assert items is not None
    values = items[feature]
    left = values.reindex(pd.Index(answers["left"])).to_numpy(dtype=float)
    right = values.reindex(pd.Index(answers["right"])).to_numpy(dtype=float)
    side = np.sign(np.nan_to_num(right - left))
    result: NDArray[np.int64] = side.astype(np.int64)
    return result


def _flags(
    table: pd.DataFrame, q_values: dict[str, NDArray[np.float64]], features: list[str]
) -> dict[Any, list[Evidence]]:
    """The flags each rater's adjusted p-values raise, with their evidence."""
    flags: dict[Any, list[Evidence]] = {}
    trusted = table["majority_agreement"].fillna(0).to_numpy() >= TRUSTED_AGREEMENT
    compares = ~too_few_to_tell(table)
    for row, (worker, record) in enumerate(table.iterrows()):
        found: list[Evidence] = []

        def q(name: str, row: int = row) -> float:
            return float(q_values[name][row])

        def significant(name: str, row: int = row) -> bool:
            value = q(name, row)
            return not np.isnan(value) and value <= FALSE_DISCOVERY_RATE

        agree, of = int(record["agree"]), int(record["agree_of"])
        if not trusted[row] and significant("adversary"):
            found.append(
                Evidence(
                    "adversary",
                    agree,
                    of,
                    agree / of,
                    CHANCE,
                    q("adversary"),
                    "agrees with the others' majority",
                )
            )
        elif not trusted[row] and significant("random_clicker"):
            found.append(
                Evidence(
                    "random_clicker",
                    agree,
                    of,
                    agree / of,
                    float(record["crowd_agreement"]),
                    q("random_clicker"),
                    "agrees with the others' majority",
                )
            )
        if significant("tie_clicker") and not compares[row]:
            found.append(
                Evidence(
                    "tie_clicker",
                    int(record["ties"]),
                    int(record["tie_of"]),
                    float(record["tie_share"]),
                    float(record["crowd_tie_share"]),
                    q("tie_clicker"),
                    "ties",
                )
            )
        if significant("position_biased"):
            found.append(_lean_evidence(record, "position_biased", "left", "right", q("position_biased")))
        for feature in features:
            name = f"length_biased:{feature}"
            if significant(name):
                found.append(
                    _lean_evidence(
                        record, "length_biased", f"larger_{feature}", f"smaller_{feature}", q(name)
                    )
                )
        if "fast" in q_values and significant("fast"):
            found.append(
                Evidence(
                    "fast",
                    int(record["fast"]),
                    int(record["timed"]),
                    float(record["fast_share"]),
                    float(record["crowd_fast_share"]),
                    q("fast"),
                    "answers implausibly fast",
                )
            )
        if found:
            flags[worker] = sorted(found, key=lambda e: PRIORITY.index(e.flag))
    return flags


def _lean_evidence(record: pd.Series, flag: str, a: str, b: str, p_value: float) -> Evidence:
    """The evidence of a lean towards A or B (whichever they go against the majority for more)."""
    rate_a, rate_b = float(record[f"{a}_against"]), float(record[f"{b}_against"])
    side, other = (a, b) if rate_a > rate_b else (b, a)
    words = (
        side.replace("_", " ").replace("larger ", "item of larger ").replace("smaller ", "item of smaller ")
    )
    return Evidence(
        flag,
        int(record[f"{side}_against_count"]),
        int(record[f"{side}_against_of"]),
        float(record[f"{side}_against"]),
        float(record[f"{other}_against"]),
        p_value,
        f"picks the {words} against the others' majority",
    )


def too_few_to_tell(table: pd.DataFrame) -> NDArray[np.bool_]:
    """Per rater: whether their decisive answers fail to show that they compare (agreement above the
    point halfway between chance and the crowd's own: the test does not reject at the false discovery
    rate, unadjusted), i.e. there are too few answers to tell them from a random clicker."""
    p = binomial_p(table["agree"], table["agree_of"], table["coin_or_crowd"], "greater")
    result: NDArray[np.bool_] = ~(np.nan_to_num(p, nan=1.0) <= FALSE_DISCOVERY_RATE)
    return result
