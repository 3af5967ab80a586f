"""Cached calls into ``sandbox`` shared by the pages (``st.cache_data``: each caller gets a copy)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st

from annotators.population import Population, load_population
from sandbox.aggregation.registry import check_engine
from sandbox.datasets import load_dataset
from sandbox.datasets.dataset import Dataset
from sandbox.experiment.experiment import Experiment
from sandbox.kinds.pairwise import views as preference_views
from sandbox.metrics.outcome import Outcome
from sandbox.reporting.llm_views import AssistedShareView, assisted_share_view
from sandbox.reporting.sweep_views import Sweep, read_sweep, with_cost_per_task
from sandbox.reporting.views import population_toml
from sandbox.simulation.policy import CampaignPolicy


@st.cache_data(show_spinner="Loading the dataset…", max_entries=8)
def dataset(spec: str) -> Dataset:
    """``load_dataset(spec)``, cached."""
    return load_dataset(spec)


@st.cache_data(show_spinner=False, max_entries=16)
def preset(name: str) -> Population:
    """``load_population(name)``, cached."""
    return load_population(name)


@st.cache_data(show_spinner=False, max_entries=32)
def simulation(
    dataset_spec: str,
    _population: Population,
    population_key: str,
    _policy: CampaignPolicy,
    policy_key: str,
    aggregators: Sequence[str],
    seed: int,
    engine: str,
) -> Outcome:
    """The :class:`Experiment`'s outcome, cached on the dataset, the population's TOML text
    (``population_key``), the policy's ``repr`` (``policy_key``), aggregators, seed and engine."""
    experiment = Experiment(
        dataset(dataset_spec), _population, _policy, tuple(aggregators), check_engine(engine), seed
    )
    return experiment.run()


def simulate(
    dataset_spec: str,
    population: Population,
    policy: CampaignPolicy,
    aggregators: Sequence[str],
    seed: int,
    engine: str = "fast",
) -> Outcome:
    """:func:`simulation` with its cache keys filled in."""
    return simulation(
        dataset_spec,
        population,
        population_toml(population),
        policy,
        repr(policy),
        tuple(aggregators),
        seed,
        engine,
    )


@st.cache_data(show_spinner="Reading the sweep results…", max_entries=8)
def sweep(root: str) -> Sweep:
    """``read_sweep(root)`` with ``cost_per_task`` added, cached."""
    loaded = read_sweep(root)
    return Sweep(with_cost_per_task(loaded.results), loaded.params, loaded.spec)


@st.cache_data(show_spinner="Simulating crowds comparing pairs…", max_entries=16)
def cheating_curves(
    dataset_spec: str, shares: Sequence[float], aggregator: str, redundancy: int, seeds: int
) -> pd.DataFrame:
    """:func:`sandbox.kinds.pairwise.views.cheating_curves`, cached."""
    return preference_views.cheating_curves(dataset(dataset_spec), shares, aggregator, redundancy, seeds)


@st.cache_data(show_spinner="Simulating crowds that paste a model's answers…", max_entries=8)
def assisted_share(
    dataset_spec: str, crowd: str, curation: str, llm: str, aggregators: Sequence[str], seeds: int
) -> AssistedShareView:
    """:func:`sandbox.reporting.llm_views.assisted_share_view`, cached."""
    return assisted_share_view(dataset(dataset_spec), crowd, curation, llm, aggregators, seeds)


@st.cache_data(show_spinner=False, max_entries=16)
def curation_reference(dataset_spec: str, aggregator: str, seeds: int) -> float:
    """:func:`sandbox.kinds.pairwise.views.curation_reference`, cached."""
    return preference_views.curation_reference(dataset(dataset_spec), aggregator, seeds)


@st.cache_data(show_spinner="Simulating rings…", max_entries=16)
def ring_curve(
    dataset_spec: str, accounts: Sequence[int], aggregator: str, redundancy: int, seeds: int, target: int
) -> pd.DataFrame:
    """:func:`sandbox.kinds.pairwise.views.ring_curve`, cached."""
    return preference_views.ring_curve(dataset(dataset_spec), accounts, aggregator, redundancy, seeds, target)


@st.cache_data(show_spinner="Reporting on the real crowd…", max_entries=4)
def real_crowd_ties_and_speed(dataset_spec: str) -> tuple[dict[str, Any], pd.DataFrame]:
    """:func:`sandbox.kinds.pairwise.views.real_crowd_ties_and_speed`, cached."""
    return preference_views.real_crowd_ties_and_speed(dataset(dataset_spec))
