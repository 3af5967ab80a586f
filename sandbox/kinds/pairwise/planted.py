"""How well the pairwise report finds cheaters whose identity is known: a crowd with planted cheaters
at the size and tie rate of the real sigir2010 batch, reported on, and each flag checked.

The crowd (:func:`planted_population`): honest raters like the real batch's raters whom its report
shows to compare (skill, tie propensity and position lean each a Beta distribution with the mean and
variance of theirs, fitted by :mod:`sandbox.kinds.pairwise.fit`; their times), so that the crowd
says "same" about as often as the real one; cheaters — random clickers, tie clickers, adversaries
and left clickers (``position_biased``, bias 0.8) — in the numbers of :data:`PLANTED`; the real
batch's size (79 raters) and long-tailed activity. It answers the batch's own 281 pairs, 10 answers
each; the report (:func:`~sandbox.kinds.pairwise.report.pairwise_report`) then flags whom it finds.
Per planted archetype: raters planted, flagged as that archetype, precision (of the raters flagged as
it, the share planted as it) and recall (of the raters planted as it, the share flagged as it), also
among the raters with at least :data:`ACTIVE` answers; ``honest``'s row counts honest raters flagged
as anything (false flags).

``python -m sandbox.kinds.pairwise.planted [SEEDS]`` prints the table over seeds 0 .. SEEDS − 1.
"""

from __future__ import annotations

import sys
from typing import Any

import pandas as pd

from annotators.population import Population
from sandbox.datasets import load_dataset
from sandbox.kinds.pairwise.dataset import PairwiseDataset, campaign_answers
from sandbox.kinds.pairwise.fit import fit_pairwise_population
from sandbox.kinds.pairwise.report import pairwise_report
from sandbox.simulation.campaign import run_campaign
from sandbox.simulation.policy import CampaignPolicy

#: The planted cheaters, as counts of the real batch's 79 raters (about a fifth of the crowd, the
#: share of suspects the original report claimed); their parameters are the archetypes' own.
PLANTED: dict[str, tuple[int, dict[str, Any]]] = {
    "random_clicker": (5, {}),
    "tie_clicker": (4, {}),
    "adversary": (3, {}),
    "position_biased": (4, {"bias": 0.8}),
}
REAL = "sigir2010"
REDUNDANCY = 10
#: Raters with this many answers are the active ones, whose cheating matters and can be told: the
#: real batch's 20 most active of 79 raters gave at least 56 answers each, 78 % of its answers.
ACTIVE = 50


def beta_of(values: pd.Series) -> dict[str, float]:
    """{ alpha, beta } of the Beta distribution with the mean and variance of ``values`` (in (0, 1))."""
    mean, variance = float(values.mean()), float(values.var(ddof=1))
    common = mean * (1 - mean) / max(variance, 1e-6) - 1
    return {"alpha": round(max(mean * common, 0.05), 4), "beta": round(max((1 - mean) * common, 0.05), 4)}


def planted_population() -> Population:
    """The real batch's fitted honest raters with the cheaters of :data:`PLANTED` (see the module
    docstring)."""
    real = load_dataset(REAL)
    assert isinstance(real, PairwiseDataset) and real.answers is not None
    fitted = fit_pairwise_population(real.answers, name="planted", gold_scores=real.items["score"])
    population = fitted.population
    pool = int(population["pool_size"])
    comparing = fitted.workers[fitted.workers["reason"] == ""]
    honest = {
        "share": 1.0,
        "skill": beta_of(comparing["skill"]),
        "ties": beta_of(comparing["tie_propensity"]),
        "left": beta_of(comparing["left"]),
    }
    if "time" in population["archetypes"]["honest"]:
        honest["time"] = population["archetypes"]["honest"]["time"]
    archetypes: dict[str, Any] = {"honest": honest}
    for name, (count, params) in PLANTED.items():
        archetypes[name] = {"share": round(count / pool, 6), **params}
    archetypes["honest"]["share"] = round(
        1 - sum(a["share"] for k, a in archetypes.items() if k != "honest"), 6
    )
    data = {**population, "name": "planted cheaters", "archetypes": archetypes}
    return Population.from_dict(data, "planted crowd")


def planted_check(seed: int) -> pd.DataFrame:
    """One planted crowd (``seed``): per archetype ``planted``, ``flagged`` (as it), ``found`` (planted
    and flagged as it)."""
    dataset = load_dataset(REAL)
    campaign = run_campaign(dataset, planted_population(), CampaignPolicy(redundancy=REDUNDANCY), seed)
    answers = campaign_answers(campaign.answers, dataset)
    report = pairwise_report(answers)
    truth = campaign.workers["archetype"].reindex(report.annotators.index)
    called = report.annotators["archetype"]
    active = (report.annotators["answers"] >= ACTIVE).to_numpy()
    rows = []
    for name in ("honest", *PLANTED):
        planted = (truth == name).to_numpy()
        hit = (called == name).to_numpy() if name != "honest" else report.annotators["suspect"].to_numpy()
        rows.append(
            {
                "archetype": name,
                "planted": int(planted.sum()),
                "flagged": int(hit.sum()) if name != "honest" else int((planted & hit).sum()),
                "found": int((planted & hit).sum()) if name != "honest" else 0,
                "planted_active": int((planted & active).sum()),
                "found_active": int((planted & hit & active).sum()) if name != "honest" else 0,
            }
        )
    return pd.DataFrame(rows)


def planted_table(seeds: int) -> pd.DataFrame:
    """:func:`planted_check` summed over seeds, with precision and recall per archetype."""
    checks = [planted_check(seed) for seed in range(seeds)]
    total = pd.concat(checks).groupby("archetype", sort=False).sum()
    total["precision"] = total["found"] / total["flagged"].where(total["flagged"] > 0)
    total["recall"] = total["found"] / total["planted"].where(total["planted"] > 0)
    total["recall_active"] = total["found_active"] / total["planted_active"].where(
        total["planted_active"] > 0
    )
    total.loc["honest", ["precision", "recall", "recall_active"]] = float("nan")
    return total.reset_index()


def main(arguments: list[str]) -> int:
    from sandbox.reporting.tables import frame_table

    seeds = int(arguments[0]) if arguments else 5
    print(f"planted cheaters in a crowd like {REAL} ({seeds} seeds): honest 'flagged' = false flags")
    print(frame_table(planted_table(seeds).set_index("archetype")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
