"""Simulate a labelling campaign: the one entry point the rest of the project calls."""

from __future__ import annotations

from annotators.population import Population
from sandbox.datasets import Dataset
from sandbox.randomness import SeedLike
from sandbox.simulation.campaign import Campaign, run_campaign
from sandbox.simulation.policy import CampaignPolicy

__all__ = ["Campaign", "simulate"]


def simulate(
    dataset: Dataset,
    population: Population,
    redundancy: int,
    seed: SeedLike,
    policy: CampaignPolicy | None = None,
) -> Campaign:
    """``population`` labels ``dataset`` with ``redundancy`` answers per task (and ``policy``'s quality
    control, difficulty and adaptive redundancy when given); same seed ⇒ same answers."""
    base = policy or CampaignPolicy(difficulty="none")
    if base.redundancy != redundancy:
        base = CampaignPolicy.from_dict({**base.to_dict(), "redundancy": redundancy})
    return run_campaign(dataset, population, base, seed)
