"""Where the preference presets' numbers come from: published figures of real raters, and the bundled
sigir2010 batch, matched by simulation on datasets like the real ones.

Measures (of one answers table; :func:`crowd_rates`): the share of ties; the share of left picks
among decisive answers; the share of picks of the longer item among decisive answers on pairs whose
lengths differ; a single rater's agreement with the majority of the *other* raters of the pair
(decisive answers, where the others' decisive answers have a strict majority: AlpacaFarm's "a human
agrees with the majority of the other humans"); and the agreement of two raters of one pair (every
two decisive answers of a pair: InstructGPT's inter-labeler agreement).

Targets (:data:`TARGETS`):

- ``pairwise_paid_crowd`` — AlpacaFarm's human annotation set (Dubois et al. 2023: 4 crowd workers
  per instruction, 16 workers): agreement with the others' majority 65.7 %, the longer answer preferred
  64 %, the first position 51.8 %, about $300 per 1,000 judgments. Its dataset: ``synthetic-pairs``
  with a length whose log correlates 0.3 with quality (longer answers are better more often than
  not; AlpacaFarm gives no figure for that, the assumption is stated), no tie button, 4 answers per
  pair;
- ``pairwise_curation`` — InstructGPT's labelers (Ouyang et al. 2022): agreement of two labelers
  72.6 ± 1.5 %, on the same dataset, 2 answers per pair;
- ``pairwise_volunteers`` — the sigir2010 batch (the one crowd of untrained raters with a tie button
  the project holds): ties 50.1 %, left 41.2 % of decisive answers, agreement with the others'
  majority as measured on the batch (73.9 %; :func:`real_rates`), on the batch's own pairs, 10
  answers each (:func:`derive_volunteers`: the batch fitted, its one tie clicker left out, the honest
  raters' skill, tie and lean means solved).

``python -m sandbox.kinds.pairwise.calibration`` prints each preset's simulated rates beside its
targets (``tests/pairwise/test_presets.py`` checks them); :func:`derive_paid_crowd`,
:func:`derive_curation` and :func:`derive_volunteers` are how the presets' numbers were set (each a
bisection on the mean of a Beta of fixed concentration, or on a fixed trait; ``--derive`` prints
them, a minute or two).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from annotators.population import Population, load_population
from sandbox.datasets import load_dataset
from sandbox.kinds.pairwise.dataset import PairwiseDataset, campaign_answers
from sandbox.kinds.pairwise.evidence import pair_codes
from sandbox.simulation.campaign import run_campaign
from sandbox.simulation.policy import CampaignPolicy

#: The dataset like AlpacaFarm's: model answers of varied length, longer somewhat more often better.
ALPACA_LIKE = "synthetic-pairs:n_items=400,n_pairs=3000,length_corr=0.3,heldout=10"
SIGIR = "sigir2010"


@dataclass(frozen=True)
class Target:
    """A preset, the dataset and answers per pair it is measured on, and its published rates."""

    preset: str
    dataset: str
    redundancy: int
    rates: dict[str, float]
    source: str


TARGETS: tuple[Target, ...] = (
    Target(
        "pairwise_paid_crowd",
        ALPACA_LIKE,
        4,
        {"majority_agreement": 0.657, "longer_share": 0.64, "left_share": 0.518},
        "AlpacaFarm human annotations (Dubois et al. 2023)",
    ),
    Target(
        "pairwise_curation",
        ALPACA_LIKE,
        2,
        {"pair_agreement": 0.726},
        "InstructGPT labelers (Ouyang et al. 2022)",
    ),
)


def crowd_rates(answers: pd.DataFrame, items: pd.DataFrame | None = None) -> dict[str, float]:
    """The measures of the module docstring (``items``: with ``length`` for the longer share)."""
    label = answers["label"].to_numpy()
    decisive = label != "tie"
    pair = pair_codes(answers)
    winner = np.where(label == "left", answers["left"].astype(str), answers["right"].astype(str))
    frame = pd.DataFrame({"pair": pair[decisive], "winner": winner[decisive]})
    counts = frame.groupby(["pair", "winner"]).size()
    own = counts.reindex(pd.MultiIndex.from_arrays([frame["pair"], frame["winner"]])).to_numpy() - 1
    total = frame.groupby("pair")["winner"].transform("size").to_numpy() - 1
    other = total - own  # binary outcomes: the others who picked the other item
    majority = own != other
    rates = {
        "tie_share": float((~decisive).mean()),
        "left_share": float((label[decisive] == "left").mean()),
        "majority_agreement": float((own > other)[majority].mean()) if majority.any() else float("nan"),
    }
    sizes = frame.groupby("pair").size()
    same = counts.groupby(level="pair").apply(lambda c: float((c * (c - 1)).sum()))
    possible = sizes * (sizes - 1)
    rates["pair_agreement"] = float(same.sum() / possible.sum()) if possible.sum() else float("nan")
    if items is not None and "length" in items.columns:
        length = items["length"]
        left_length = length.reindex(pd.Index(answers["left"])).to_numpy(dtype=float)
        right_length = length.reindex(pd.Index(answers["right"])).to_numpy(dtype=float)
        differ = decisive & (left_length != right_length)
        longer = np.where(label == "left", left_length > right_length, right_length > left_length)
        rates["longer_share"] = float(longer[differ].mean())
    return rates


def simulated_rates(
    population: Population, dataset_spec: str, redundancy: int, seeds: int = 3
) -> dict[str, float]:
    """Mean :func:`crowd_rates` of ``population``'s campaigns on the dataset over ``seeds`` seeds."""
    dataset = load_dataset(dataset_spec)
    assert isinstance(dataset, PairwiseDataset)
    runs = []
    for seed in range(seeds):
        campaign = run_campaign(dataset, population, CampaignPolicy(redundancy=redundancy), seed)
        runs.append(crowd_rates(campaign_answers(campaign.answers, dataset), dataset.items))
    return {key: float(np.nanmean([r.get(key, np.nan) for r in runs])) for key in runs[0]}


def real_rates() -> dict[str, float]:
    """The sigir2010 batch's own rates (the volunteers' targets)."""
    dataset = load_dataset(SIGIR)
    assert dataset.answers is not None
    return crowd_rates(dataset.answers)


#: The spread of skill between raters (the concentration α + β of their Beta): that of the sigir2010
#: raters whose answers show they compare (fitted: Beta(15.2, 2.7), rounded), the one measured spread
#: the project holds; the published figures give means only.
SKILL_CONCENTRATION = 18.0
#: AlpacaFarm's 16 crowd workers; InstructGPT's about 40 contractors (Ouyang et al. 2022, section 3.4).
PAID_POOL, CURATION_POOL = 16, 40
#: Campaigns per measure: a crowd of 16 to 79 raters makes one campaign's rates vary between seeds
#: (standard deviation over seeds: the paid crowd's agreement 0.025, the volunteers' ties 0.06, left
#: picks 0.03, agreement 0.04), so each rate is solved as the mean of 12 seeds (0-11).
SOLVE_SEEDS = 12


def bisect(
    measure: Callable[[float], float], target: float, low: float, high: float, steps: int = 10
) -> float:
    """The value in [low, high] where the increasing ``measure`` reaches ``target``."""
    for _ in range(steps):
        middle = (low + high) / 2
        if measure(middle) < target:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def honest_crowd(skill: float, left: float = 0.5, weight: float = 0.0, pool: int = PAID_POOL) -> Population:
    """Honest raters of mean skill ``skill`` (Beta of :data:`SKILL_CONCENTRATION`), a position lean and
    a length weight."""
    table = {
        "share": 1.0,
        "skill": {"alpha": skill * SKILL_CONCENTRATION, "beta": (1 - skill) * SKILL_CONCENTRATION},
        "left": left,
        "weight": weight,
    }
    data = {"kind": "pairwise", "pool_size": pool, "archetypes": {"honest": table}}
    return Population.from_dict(data, "calibration crowd")


def paid_crowd_rate(key: str, skill: float, left: float, weight: float) -> float:
    """One of :func:`crowd_rates` of an :func:`honest_crowd` on :data:`ALPACA_LIKE`, 4 answers a pair."""
    return simulated_rates(honest_crowd(skill, left, weight), ALPACA_LIKE, 4, seeds=SOLVE_SEEDS)[key]


def derive_paid_crowd(rounds: int = 2) -> dict[str, float]:
    """Skill mean, lean and length weight matching AlpacaFarm's three rates on :data:`ALPACA_LIKE`
    (each solved in turn with the others fixed, ``rounds`` times)."""
    rates = TARGETS[0].rates
    skill, left, weight = 0.75, 0.5, 0.5
    for _ in range(rounds):
        skill = bisect(
            partial(lambda s, p, w: paid_crowd_rate("majority_agreement", s, p, w), p=left, w=weight),
            rates["majority_agreement"],
            0.5,
            0.99,
        )
        weight = bisect(
            partial(lambda w, s, p: paid_crowd_rate("longer_share", s, p, w), s=skill, p=left),
            rates["longer_share"],
            0.0,
            3.0,
        )
        left = bisect(
            partial(lambda p, s, w: paid_crowd_rate("left_share", s, p, w), s=skill, w=weight),
            rates["left_share"],
            0.3,
            0.7,
        )
    return {"skill": round(skill, 3), "left": round(left, 3), "weight": round(weight, 3)}


def derive_curation() -> dict[str, float]:
    """The skill mean matching InstructGPT's inter-labeler agreement on :data:`ALPACA_LIKE`."""
    target = TARGETS[1]
    skill = bisect(
        lambda s: simulated_rates(honest_crowd(s, pool=CURATION_POOL), ALPACA_LIKE, 2, seeds=SOLVE_SEEDS)[
            "pair_agreement"
        ],
        target.rates["pair_agreement"],
        0.5,
        0.99,
    )
    return {"skill": round(skill, 3)}


def volunteers_from_batch() -> dict[str, Any]:
    """The sigir2010 batch fitted (:mod:`sandbox.kinds.pairwise.fit`) as a population table: the
    honest raters' skill, tie propensity and position lean each a Beta distribution with the mean and
    variance of theirs, the cheaters the report flags with their fitted parameters, times and activity
    as fitted (the numbers of ``annotators/presets/pairwise_volunteers.toml``)."""
    from sandbox.kinds.pairwise.fit import fit_pairwise_population
    from sandbox.kinds.pairwise.planted import beta_of

    dataset = load_dataset(SIGIR)
    assert isinstance(dataset, PairwiseDataset) and dataset.answers is not None
    fitted = fit_pairwise_population(dataset.answers, name="sigir", gold_scores=dataset.items["score"])
    honest = fitted.workers[fitted.workers["archetype"] == "honest"]
    archetypes = dict(fitted.population["archetypes"])
    archetypes["honest"] = {
        **archetypes["honest"],
        "skill": beta_of(honest["skill"]),
        "ties": beta_of(honest["tie_propensity"]),
        "left": beta_of(honest["left"]),
    }
    return {**fitted.population, "archetypes": archetypes}


def with_means(table: dict[str, Any], means: dict[str, float]) -> Population:
    """The population ``table`` with its honest raters' Betas of the traits in ``means`` (skill,
    ties, left) moved to those means (concentrations kept)."""
    honest = dict(table["archetypes"]["honest"])
    for trait, mean in means.items():
        concentration = honest[trait]["alpha"] + honest[trait]["beta"]
        honest[trait] = {
            "alpha": round(mean * concentration, 4),
            "beta": round((1 - mean) * concentration, 4),
        }
    return Population.from_dict(
        {**table, "archetypes": {**table["archetypes"], "honest": honest}}, "volunteers"
    )


def volunteer_rate(table: dict[str, Any], key: str, means: dict[str, float]) -> float:
    """One of :func:`crowd_rates` of ``table`` :func:`with_means` on the sigir2010 pairs, 10 a pair."""
    return simulated_rates(with_means(table, means), SIGIR, 10, seeds=SOLVE_SEEDS)[key]


#: The volunteers' measures and the honest trait whose mean is solved for each.
VOLUNTEER_SOLVED = (
    ("majority_agreement", "skill", 0.5, 0.99),
    ("tie_share", "ties", 0.05, 0.95),
    ("left_share", "left", 0.3, 0.7),
)


def derive_volunteers(rounds: int = 2) -> dict[str, Any]:
    """:func:`volunteers_from_batch` without its tie clicker (one rater of 79, left out so that the
    preset runs on datasets without a tie button; the honest raters take its share), the honest
    raters' skill, tie and lean means solved so that the crowd's agreement with the others' majority,
    its tie share and its left share on the batch's pairs are the batch's own (each solved in turn,
    ``rounds`` times; the fitted spreads kept)."""
    table = volunteers_from_batch()
    archetypes = dict(table["archetypes"])
    dropped = archetypes.pop("tie_clicker", {"share": 0.0})
    honest = {**archetypes["honest"], "share": round(archetypes["honest"]["share"] + dropped["share"], 6)}
    table = {**table, "archetypes": {**archetypes, "honest": honest}}
    real = real_rates()
    means = {
        trait: honest[trait]["alpha"] / (honest[trait]["alpha"] + honest[trait]["beta"])
        for _, trait, _, _ in VOLUNTEER_SOLVED
    }
    for _ in range(rounds):
        for key, trait, low, high in VOLUNTEER_SOLVED:
            means[trait] = bisect(
                partial(lambda value, k, t: volunteer_rate(table, k, {**means, t: value}), k=key, t=trait),
                real[key],
                low,
                high,
            )
    return {"means": {t: round(m, 3) for t, m in means.items()}, **with_means(table, means).to_dict()}


def main(arguments: list[str]) -> int:
    """Print each preset's simulated rates beside its targets; ``--derive``: also the numbers the
    presets' parameters were derived as (a minute or two)."""
    if "--derive" in arguments:
        print("pairwise_paid_crowd:", derive_paid_crowd())
        print("pairwise_curation:", derive_curation())
        print("pairwise_volunteers:", derive_volunteers())

    print(f"{'preset':22} {'measure':20} {'simulated':>9} {'target':>7}  source")
    for target in TARGETS:
        simulated = simulated_rates(
            load_population(target.preset), target.dataset, target.redundancy, seeds=SOLVE_SEEDS
        )
        for key, value in target.rates.items():
            print(f"{target.preset:22} {key:20} {simulated[key]:9.3f} {value:7.3f}  {target.source}")
    real = real_rates()
    simulated = simulated_rates(load_population("pairwise_volunteers"), SIGIR, 10, seeds=SOLVE_SEEDS)
    for key in ("tie_share", "left_share", "majority_agreement"):
        print(
            f"{'pairwise_volunteers':22} {key:20} {simulated[key]:9.3f} {real[key]:7.3f}  the sigir2010 batch"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
