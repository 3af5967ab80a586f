"""A simulated campaign's answers with readable values, ready to leave the engine (e.g. to Label Studio).

Inside the engine labels are class codes and workers pool positions; outside they should look like
an export: labels as the dataset's class values (as text) and workers as ``sim-<n>``.
"""

from __future__ import annotations

import pandas as pd

from annotators.population import Population
from sandbox.datasets.dataset import Dataset
from sandbox.randomness import SeedLike
from sandbox.simulation.campaign import run_campaign
from sandbox.simulation.policy import CampaignPolicy
from sandbox.simulation.reference import ReferenceModel


def simulated_answers(
    dataset: Dataset,
    population: Population,
    redundancy: int,
    seed: SeedLike,
    reference: ReferenceModel | None = None,
) -> tuple[pd.DataFrame, pd.Series]:
    """Simulate a plain campaign (``redundancy`` answers per task, no quality control, no difficulty;
    ``reference``: the campaign's reference model, for populations that consult one) → (answers
    ``task, worker, label``, truth Series by task); label values are ``str(dataset.classes[code])``
    in both."""
    campaign = run_campaign(
        dataset,
        population,
        CampaignPolicy(redundancy=redundancy, difficulty="none"),
        seed,
        reference=reference,
    )
    names = [str(c) for c in dataset.classes]
    answers = pd.DataFrame(
        {
            "task": campaign.answers["task"].to_numpy(),
            "worker": [f"sim-{w}" for w in campaign.answers["worker"]],
            "label": [names[c] for c in campaign.answers["label"]],
        }
    )
    truth = pd.Series([names[c] for c in dataset.truth], index=dataset.truth.index, name="label")
    return answers, truth
