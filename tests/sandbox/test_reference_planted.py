"""``report --reference`` on snow_rte with planted pasters (:mod:`sandbox.kinds.classification.planted`):
its false flags within what Benjamini–Hochberg promises, and its recall at least the binomial power
of its own tests at the Bonferroni level (every Bonferroni rejection is a BH rejection)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import binom

from sandbox.datasets import load_dataset
from sandbox.fitting.evidence import FALSE_DISCOVERY_RATE
from sandbox.kinds.classification.planted import plant_pasters, planted_check, reference_model
from sandbox.kinds.classification.report import annotator_report
from sandbox.randomness import make_rng

SEEDS = 20


@pytest.mark.parametrize("with_gold", [True, False])
def test_without_pasters_a_crowd_is_flagged_no_more_often_than_the_false_discovery_rate(
    with_gold: bool,
) -> None:
    """With every annotator honest, BH at q keeps the chance of any flag in a crowd at most q: over
    20 crowds the count of flagged crowds is within Binomial(20, q)'s 99.9 % quantile."""
    flagged = sum(planted_check(seed, 0.0, with_gold)["flagged"] > 0 for seed in range(SEEDS))
    assert flagged <= binom.ppf(0.999, SEEDS, FALSE_DISCOVERY_RATE)


@pytest.mark.parametrize("reliance", [0.5, 0.8, 1.0])
def test_false_flags_stay_within_the_false_discovery_rate(reliance: float) -> None:
    """Of the flags raised over 10 crowds, the false ones (honest annotators) are within the 99.9 %
    quantile of Binomial(flags, q)."""
    checks = [planted_check(seed, reliance, True) for seed in range(10)]
    flags = sum(c["flagged"] for c in checks)
    false = flags - sum(c["found"] for c in checks)
    assert flags > 0
    assert false <= binom.ppf(0.999, flags, FALSE_DISCOVERY_RATE)


@pytest.mark.parametrize("reliance", [0.5, 0.8])
def test_recall_is_at_least_the_power_of_the_gold_test_at_the_bonferroni_level(reliance: float) -> None:
    """A paster answers the model's label on a task where the model is wrong with probability
    ρ + (1 − ρ) e, e the honest rate the test expects of them; the test rejects at the Bonferroni
    level α / (2m) once the count reaches k*, so the chance of a flag is at least
    P(Binomial(n, ρ + (1 − ρ) e) ≥ k*). The pasters found over 10 crowds are at least the sum of
    those chances less three standard deviations."""
    dataset = load_dataset("snow_rte")
    assert dataset.answers is not None
    found, predicted, variance = 0, 0.0, 0.0
    for seed in range(10):
        rng = make_rng(seed)
        reference = reference_model(dataset.truth, rng)
        answers, pasters = plant_pasters(dataset.answers, reference, rng, reliance)
        table = annotator_report(answers, gold=dataset.truth, reference=reference).annotators
        level = FALSE_DISCOVERY_RATE / (2 * len(table))
        for worker in pasters:
            row = table.loc[worker]
            n, e = int(row["model_wrong_answers"]), float(row["model_wrong_expected"])
            if n == 0:
                continue
            counts = np.arange(n + 1)
            critical = counts[binom.sf(counts - 1, n, e) <= level]
            chance = (
                float(binom.sf(critical[0] - 1, n, reliance + (1 - reliance) * e)) if len(critical) else 0.0
            )
            predicted += chance
            variance += chance * (1 - chance)
            found += bool(row["pasting"])
    assert predicted > 5  # the bound says something
    assert found >= predicted - 3 * np.sqrt(variance)
