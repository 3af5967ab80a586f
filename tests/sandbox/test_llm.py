"""Language models in the crowd: the campaign's reference model, LLM-assisted workers, the model as its
own population, and adversarial gold. Expected numbers come from formulas (the mixture of a shared
model and independent honest votes), from the model's own measured accuracy on held-out rows, or from
the definition of a deterministic model."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest
from scipy.stats import binom, hypergeom

from annotators.population import Population, load_population
from foundation.errors import SandboxError
from sandbox.datasets import load_dataset
from sandbox.experiment.experiment import Experiment
from sandbox.simulation.policy import CampaignPolicy
from sandbox.simulation.reference import ReferenceSettings
from tests.conftest import balanced_binary

POOL = 400


def population(
    archetypes: dict[str, dict[str, Any]], kind: str = "classification", pool: int = POOL
) -> Population:
    return Population.from_dict(
        {"kind": kind, "pool_size": pool, "cost_per_label": 0.01, "archetypes": archetypes}, "test"
    )


def mv_accuracy(experiment: Experiment) -> float:
    return experiment.run().score("mv").accuracy


@pytest.fixture(scope="module")
def digits() -> Any:
    return load_dataset("digits")


@pytest.mark.parametrize("k", [1, 5, 25])
def test_a_crowd_pasting_one_deterministic_model_has_exactly_its_accuracy(digits: Any, k: int) -> None:
    pasters = population({"llm_assisted": {"share": 1.0, "reliance": 1.0}})
    experiment = Experiment(digits, pasters, CampaignPolicy(redundancy=k), ("mv",), seed=7)
    reference = experiment.reference_model()
    assert reference is not None
    assert mv_accuracy(experiment) == reference.accuracy(digits.truth.to_numpy())


def test_the_reference_classifier_answers_out_of_fold_and_improves_with_its_training_share(
    digits: Any,
) -> None:
    truth = digits.truth.to_numpy()
    pasters = population({"llm_assisted": {"share": 1.0}})
    accuracies = []
    for share in (0.02, 0.2, 0.8):
        experiment = Experiment(
            digits, pasters, CampaignPolicy(), ("mv",), seed=1, reference=ReferenceSettings(train_share=share)
        )
        reference = experiment.reference_model()
        assert reference is not None
        accuracies.append(reference.accuracy(truth))
    assert accuracies[0] < accuracies[1] < accuracies[2] < 1.0  # never trained on the rows it answers
    assert accuracies[2] > 0.9


def test_every_population_with_one_seed_meets_the_same_model(digits: Any) -> None:
    crowd = load_population("llm_assisted_crowd")
    model = load_population("llm_annotator")
    ours = Experiment(digits, crowd, CampaignPolicy(), ("mv",), seed=3).reference_model()
    theirs = Experiment(digits, model, CampaignPolicy(), ("mv",), seed=3).reference_model()
    other_seed = Experiment(digits, crowd, CampaignPolicy(), ("mv",), seed=4).reference_model()
    assert ours is not None and theirs is not None and other_seed is not None
    assert theirs.variants == 3
    np.testing.assert_array_equal(ours.answers[0], theirs.answers[0])
    assert not np.array_equal(ours.answers[0], other_seed.answers[0])


def mixture_accuracy(k: int, share: float, skill: float, model_accuracy: float, pool: int) -> float:
    """MV accuracy on a binary task with k answers: the number of pasters among a task's k distinct
    workers is hypergeometric (pool, share × pool pasters); pasters all give the model's answer,
    honest workers are right independently with ``skill``; k is odd (no ties)."""
    pasters = round(share * pool)
    total = 0.0
    for m in range(k + 1):
        weight = hypergeom.pmf(m, pool, pasters, k)
        honest = k - m
        right = np.arange(honest + 1)
        p_right = binom.pmf(right, honest, skill)
        # model right: m + right votes for the truth; model wrong: right votes only
        total += weight * (
            model_accuracy * p_right[(m + right) > k / 2].sum()
            + (1 - model_accuracy) * p_right[right > k / 2].sum()
        )
    return float(total)


def test_honest_accuracy_rises_with_redundancy_and_an_assisted_crowd_plateaus_at_the_mixture() -> None:
    dataset = balanced_binary(4000)
    truth = dataset.truth.to_numpy()
    policy = {"difficulty": "none"}
    honest = population({"honest": {"share": 1.0, "skill": 0.7}})
    share = 0.4
    mixed = population(
        {"honest": {"share": 1 - share, "skill": 0.7}, "llm_assisted": {"share": share, "reliance": 1.0}}
    )
    honest_curve, mixed_curve = [], []
    for k in (1, 5, 25):
        honest_curve.append(
            mv_accuracy(Experiment(dataset, honest, CampaignPolicy(redundancy=k, **policy), ("mv",), seed=2))
        )
        experiment = Experiment(dataset, mixed, CampaignPolicy(redundancy=k, **policy), ("mv",), seed=2)
        reference = experiment.reference_model()
        assert reference is not None
        model_accuracy = reference.accuracy(truth)
        observed = mv_accuracy(experiment)
        expected = mixture_accuracy(k, share, 0.7, model_accuracy, POOL)
        assert abs(observed - expected) <= 3 * math.sqrt(expected * (1 - expected) / len(truth)) + 1e-9
        mixed_curve.append(observed)
    assert honest_curve[0] < honest_curve[1] < honest_curve[2]
    assert honest_curve[2] > 0.97
    # the plateau: with 40 % pasting, honest votes (0.6 × 0.7 = 0.42 of them) never outvote the model's
    # mistakes (0.4 + 0.6 × 0.3 = 0.58), so accuracy tends to the model's own
    assert mixed_curve[2] < honest_curve[2] - 0.05
    assert mixture_accuracy(201, share, 0.7, model_accuracy, POOL) == pytest.approx(model_accuracy, abs=0.01)


def test_a_deterministic_model_repeats_itself_and_a_temperature_does_not(digits: Any) -> None:
    one_variant = population({"language_model": {"share": 1.0, "variants": 1}}, pool=3)
    answers = (
        Experiment(digits, one_variant, CampaignPolicy(redundancy=3), ("mv",), seed=5).simulate().answers
    )
    assert (answers.groupby("task")["label"].nunique() == 1).all()
    warm = population({"language_model": {"share": 1.0, "variants": 1, "temperature": 1.0}}, pool=3)
    answers = Experiment(digits, warm, CampaignPolicy(redundancy=3), ("mv",), seed=5).simulate().answers
    assert (answers.groupby("task")["label"].nunique() > 1).any()


def test_adversarial_gold_bans_the_pasters_that_random_gold_lets_through(digits: Any) -> None:
    crowd = population(
        {"honest": {"share": 0.6, "skill": 0.9}, "llm_assisted": {"share": 0.4, "reliance": 1.0}}, pool=100
    )
    banned = {}
    for placement in ("random", "adversarial"):
        policy = CampaignPolicy(
            redundancy=3, gold_rate=0.1, ban_threshold=0.6, min_gold=3, gold_placement=placement
        )
        workers = Experiment(digits, crowd, policy, ("mv",), seed=3).simulate().workers
        banned[placement] = workers.groupby("archetype")["banned"].mean()
    assert banned["random"]["llm_assisted"] < 0.1  # the model is right on 94 % of random gold
    assert banned["adversarial"]["llm_assisted"] == 1.0  # wrong on every adversarial gold question
    assert banned["adversarial"]["honest"] < 0.2


def test_the_pairwise_judge_has_its_position_lean_and_repeats_itself() -> None:
    dataset = load_dataset("synthetic-pairs:n_items=200,n_pairs=3000,noise=0.0")
    judge = population({"language_model": {"share": 1.0}}, kind="pairwise", pool=2)
    close = Experiment(
        dataset,
        judge,
        CampaignPolicy(redundancy=2),
        ("bt",),
        seed=1,
        reference=ReferenceSettings(judge_skill=0.5001, judge_length_weight=0.0, judge_left=0.7),
    )
    reference = close.reference_model()
    assert reference is not None
    # at skill 1/2 the judge sees no quality: P(first) = left on every pair
    share_left = float(np.mean(reference.answers[0] == 0))
    assert abs(share_left - 0.7) <= 3 * math.sqrt(0.7 * 0.3 / dataset.n_tasks)
    answers = close.simulate().answers
    assert (answers.groupby("task")["label"].nunique() == 1).all()


def test_a_kind_without_a_reference_model_says_so() -> None:
    ratings = load_dataset("synthetic-ratings")
    with pytest.raises(SandboxError, match="no reference model"):
        from sandbox.kinds.base import task_kind

        task_kind(ratings.kind).reference_model(ratings, ReferenceSettings(), 1, 0)


def test_a_profile_model_needs_no_features_and_a_classifier_does() -> None:
    dataset = balanced_binary(1000)
    pasters = population({"llm_assisted": {"share": 1.0}})
    profile = Experiment(
        dataset, pasters, CampaignPolicy(), ("mv",), seed=0, reference=ReferenceSettings(accuracy=0.8)
    )
    reference = profile.reference_model()
    assert reference is not None
    assert (
        abs(reference.accuracy(dataset.truth.to_numpy()) - 0.8) < 0.15
    )  # per-class accuracy drawn around it
    with pytest.raises(SandboxError, match="has none; use model = 'profile'"):
        Experiment(
            dataset, pasters, CampaignPolicy(), ("mv",), seed=0, reference=ReferenceSettings(model="forest")
        ).reference_model()


def test_compare_gives_the_model_a_third_side(cli: Any) -> None:
    done = cli(
        "compare", "--dataset", "iris", "--crowd", "paid_crowd", "--curation", "paid_curation",
        "--llm", "llm_annotator", "--budget", "20", "--format", "json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert set(document["crowd"]) == set(document["llm"]) == set(document["curation"])
    assert document["llm"]["population"] == "llm_annotator"
    assert document["llm"]["redundancy"] <= 6  # the pool: a variant asked again repeats itself
    table = cli(
        "compare", "--dataset", "iris", "--crowd", "paid_crowd", "--curation", "paid_curation",
        "--llm", "llm_annotator", "--target-accuracy", "0.9",
    )  # fmt: skip
    assert table.returncode == 0, table.stderr
    assert "llm_annotator" in table.stdout


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--judge-left", "nan", "judge_left"),
        ("--reference-train-share", "0.95", "train_share"),
        ("--reference-model", "gpt", "model"),
        ("--gold-placement", "clever", "gold_placement"),
    ],
)
def test_reference_flags_are_refused_with_one_clear_message(
    cli: Any, flag: str, value: str, message: str
) -> None:
    done = cli("run", "--dataset", "iris", "--population", "llm_assisted_crowd", flag, value)
    assert done.returncode == 2
    assert message.split("_")[-1] in done.stderr
    assert "Traceback" not in done.stderr


def test_a_downstream_model_trained_on_pasted_labels_learns_the_reference_models_mistakes(
    digits: Any,
) -> None:
    from sandbox.kinds.classification.downstream import split_tasks, train_and_predict

    pasters = population({"llm_assisted": {"share": 1.0, "reliance": 1.0}})
    naive_bayes = ReferenceSettings(model="naive_bayes")  # another class than the downstream logistic model
    experiment = Experiment(
        digits, pasters, CampaignPolicy(redundancy=1), ("mv",), seed=4, reference=naive_bayes
    )
    outcome = experiment.run()
    score = outcome.score("mv")
    reference = experiment.reference_model()
    assert reference is not None and outcome.reference is not None
    assert outcome.reference["accuracy"] == reference.accuracy(digits.truth.to_numpy())
    # the same downstream model trained on the true labels repeats far fewer of the model's mistakes
    split = split_tasks(digits)
    truth = digits.truth.to_numpy()
    clean = train_and_predict(digits, split.train, truth[split.train], split)
    assert clean is not None
    wrong = reference.answers[0][split.test] != truth[split.test]
    clean_repeats = float(np.mean(clean[wrong] == reference.answers[0][split.test][wrong]))
    assert wrong.sum() > 100
    assert score.extra["downstream_reference_mistakes"] > clean_repeats + 0.2


def test_an_assisted_share_scales_the_other_archetypes_and_copies_the_honest_workers() -> None:
    from sandbox.experiment.assisted_share import with_assisted_share

    base = load_population("paid_crowd")
    mixed = with_assisted_share("paid_crowd", 0.25, reliance=1.0)
    shares = {m.archetype.name: m.share for m in mixed.members}
    assert sum(shares.values()) == pytest.approx(1.0)
    assert shares["llm_assisted"] == 0.25
    for member in base.members:
        assert shares[member.archetype.name] == pytest.approx(member.share * 0.75)
    assisted = next(m.archetype for m in mixed.members if m.archetype.name == "llm_assisted")
    honest = next(m.archetype for m in base.members if m.archetype.name == "honest")
    assert assisted.params["skill"] == honest.params["skill"]
    with pytest.raises(SandboxError, match="assisted share must be in"):
        with_assisted_share("paid_crowd", 1.0)


def test_the_overview_view_has_a_band_per_share_and_both_reference_levels() -> None:
    from sandbox.reporting.llm_views import SHARES, assisted_share_view

    dataset = load_dataset("snow_rte")
    view = assisted_share_view(dataset, "paid_crowd", "paid_curation", "llm_annotator", ("mv",), 1)
    assert list(view.curve["share"]) == list(SHARES)
    assert view.curation is not None and view.llm is not None
    # every worker pasting at 70 % with reliance 0.8: the crowd falls towards the model's accuracy
    last = float(view.curve["mean"].iloc[-1])
    first = float(view.curve["mean"].iloc[0])
    assert abs(last - view.reference_accuracy) < abs(first - view.reference_accuracy)


def test_compare_on_a_preference_dataset_gives_the_judge_a_third_side(cli: Any) -> None:
    done = cli(
        "compare", "--dataset", "sigir2010", "--crowd", "pairwise_paid_crowd",
        "--curation", "pairwise_curation", "--llm", "llm_judge", "--budget", "100", "--format", "json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    sides = [document[key] for key in ("crowd", "curation", "llm")]
    assert [side["population"] for side in sides] == ["pairwise_paid_crowd", "pairwise_curation", "llm_judge"]
    assert all(side["cost"] <= 100 for side in sides)
    # the judge costs 0.0125 a judgment: its bill is its answers times that
    assert document["llm"]["cost"] == pytest.approx(document["llm"]["n_labels"] * 0.0125)


def test_a_temperature_samples_the_answer_distribution_raised_to_its_inverse() -> None:
    from annotators.archetypes.model_use import sample_tempered

    n, temperature = 40_000, 2.0
    probabilities = np.tile([0.7, 0.2, 0.1], (n, 1))
    draws = sample_tempered(probabilities, temperature, np.random.default_rng(0))
    expected = np.array([0.7, 0.2, 0.1]) ** (1 / temperature)
    expected /= expected.sum()
    observed = np.bincount(draws, minlength=3) / n
    assert np.all(np.abs(observed - expected) <= 3 * np.sqrt(expected * (1 - expected) / n))
