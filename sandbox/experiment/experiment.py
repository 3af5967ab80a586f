"""One experiment: a population labels a dataset under a campaign policy, every aggregator is scored.

:class:`Experiment` is the one path from a scenario to an :class:`~sandbox.experiment.scoring.Outcome`
that ``run``, ``compare``, the demo, sweep cells and the dashboard all take. Pure: data in, data out;
the same experiment (same seed) gives the same outcome.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from annotators.items import NO_LURE
from annotators.population import Population
from foundation.errors import SandboxError
from sandbox.aggregation.registry import Engine
from sandbox.aggregation.ties import TieBreak, TieRule
from sandbox.dataset_cache import per_dataset
from sandbox.datasets.dataset import Dataset
from sandbox.experiment.scoring import score_answers
from sandbox.kinds.base import TaskKind, task_kind
from sandbox.metrics.outcome import Outcome
from sandbox.randomness import SeedLike
from sandbox.simulation.campaign import Campaign, run_campaign
from sandbox.simulation.difficulty import TaskDifficulty
from sandbox.simulation.policy import CampaignPolicy
from sandbox.simulation.reference import ReferenceModel, ReferenceSettings


@dataclass(frozen=True)
class Experiment:
    """A simulated campaign and how it is aggregated.

    ``rows``: label only these rows of the dataset (positions), e.g. what a budget can buy; scores
    still refer to the whole dataset (coverage, downstream split). ``difficulty``: per-task difficulty
    of the whole dataset computed elsewhere (default: the policy's, drawn within the campaign).
    ``aggregator_params``: hyperparameters by aggregator name, already validated. ``ties``: how
    an argmax over labels breaks ties (:mod:`sandbox.aggregation.ties`), seeded by ``seed``.
    ``reference``: how the campaign's reference model (a stand-in language model) is built, when the
    population's archetypes consult one.
    """

    dataset: Dataset
    population: Population
    policy: CampaignPolicy
    aggregators: tuple[str, ...]
    engine: Engine = "fast"
    seed: SeedLike = 0
    rows: NDArray[Any] | None = None
    difficulty: TaskDifficulty | None = None
    aggregator_params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    ties: TieRule = "random"
    reference: ReferenceSettings = field(default_factory=ReferenceSettings)

    @property
    def kind(self) -> TaskKind:
        """The dataset's task kind."""
        return task_kind(self.dataset.kind)

    def check(self) -> None:
        """SandboxError unless the population answers the dataset's task kind and the kind accepts it
        (the aggregators were checked by the kind where they were named:
        :meth:`~sandbox.kinds.base.TaskKind.methods`)."""
        kind = self.dataset.kind
        if self.population.kind != kind:
            raise SandboxError(
                f"population {self.population.name!r} answers {self.population.kind} tasks; "
                f"dataset {self.dataset.name!r} has {kind} tasks"
            )
        self.kind.check_population(self.population, self.dataset)

    def simulate(self) -> Campaign:
        """The campaign's answers, workers and bill (possibly without answers, if all were banned)."""
        self.check()
        difficulty = self.difficulty
        if self.rows is not None and difficulty is not None:
            difficulty = difficulty.subset(self.rows)
        labelled = self.labelled()
        return run_campaign(
            labelled,
            self.population,
            self.policy,
            self.seed,
            difficulty=difficulty,
            rules=self.kind.rules_for(labelled),
            reference=self.reference_model(),
        )

    def reference_model(self, whole: bool = False) -> ReferenceModel | None:
        """The campaign's reference model on the labelled rows (every row with ``whole``; None when
        no archetype of the population consults one). Built on the whole dataset from the seed's
        reference stream (the same model for every population and every subset of rows with that
        seed), once per dataset, settings and seed."""
        variants = self.population.reference_variants()
        if not variants:
            return None
        seed = self.seed

        def build() -> ReferenceModel:
            return self.kind.reference_model(self.dataset, self.reference, variants, seed)

        if isinstance(seed, int):
            model = per_dataset(self.dataset, ("reference", self.reference, variants, seed), build)
        else:
            model = build()
        return model if self.rows is None or whole else model.subset(np.asarray(self.rows))

    def tie_break(self) -> TieBreak:
        """The tie rule with the run's seed (seed 0 when the seed is a generator, whose draws would
        differ between aggregators)."""
        seed = self.seed
        if seed is None or isinstance(seed, np.random.Generator):
            return TieBreak(self.ties, 0)
        return TieBreak(self.ties, seed)

    def labelled(self) -> Dataset:
        """The dataset rows the campaign labels (all of them, or ``rows``)."""
        return self.dataset if self.rows is None else self.dataset.subset(self.rows)

    @property
    def steps(self) -> int:
        """Steps :meth:`run` reports to its ``progress`` callback: the campaign, the scorer's set-up
        (agreement, the clean downstream model), one per aggregator."""
        return 2 + len(self.aggregators)

    def score(
        self,
        campaign: Campaign,
        isolate_errors: bool = False,
        progress: Callable[[str], None] | None = None,
    ) -> Outcome:
        """Aggregate and score ``campaign``'s answers (see :func:`score_answers`), in the answers table
        of the dataset's task kind."""
        kind = self.kind
        whole = self.reference_model(whole=True)
        answers = kind.from_campaign(campaign.answers, self.dataset)
        misleading = None
        if campaign.lure is not None:
            misleading = pd.Series(campaign.lure != NO_LURE, index=self.labelled().truth.index)
        outcome = score_answers(
            answers,
            self.dataset.truth,
            self.aggregators,
            campaign.cost,
            campaign.workers,
            self.dataset,
            self.engine,
            isolate_errors,
            misleading,
            progress,
            kind=kind,
            params=self.aggregator_params,
            ties=self.tie_break(),
            reference=None if whole is None else whole.answers[0],
        )
        return replace(outcome, campaign=campaign, reference=self._reference_summary(whole))

    def _reference_summary(self, whole: ReferenceModel | None) -> dict[str, Any] | None:
        """What the run JSON says of the reference model: what it stands for and its accuracy on the
        labelled tasks."""
        if whole is None:
            return None
        labelled = whole if self.rows is None else whole.subset(np.asarray(self.rows))
        return {
            "description": whole.description,
            "accuracy": labelled.accuracy(self.labelled().truth.to_numpy()),
        }

    def run(self, isolate_errors: bool = False, progress: Callable[[str], None] | None = None) -> Outcome:
        """Simulate, then score; SandboxError when the campaign produced no answers. ``progress(stage)``
        is called after each of :attr:`steps` stages."""
        campaign = self.simulate()
        if progress is not None:
            progress("campaign")
        if campaign.answers.empty:
            raise SandboxError("the campaign produced no answers (every worker was banned or not admitted)")
        return self.score(campaign, isolate_errors, progress)
