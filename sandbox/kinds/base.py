"""What a task kind is to the shared machinery: the questions it answers, and the registry of kinds.

A :class:`TaskKind` is asked, never named: the campaign asks it whether an answer is right and how
sure a task's answers are (:attr:`TaskKind.rules`); scoring asks it to turn a campaign into its
answers table, to aggregate and to score; the command line asks it to read an export, its gold, to
report on its annotators, to fit a population and to write a consensus. Each kind package
(``sandbox/kinds/<kind>/``) subclasses it once and registers the instance with :func:`register_kind`,
together with its dataset sources, aggregators and readers in their own registries.
"""

from __future__ import annotations

import argparse
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from foundation.errors import SandboxError
from foundation.registry import Registry
from sandbox.kinds import load_kinds
from sandbox.simulation.rules import CLASS_CODES, AnswerRules

if TYPE_CHECKING:
    import pandas as pd
    from numpy.typing import NDArray

    from annotators.population import Population
    from sandbox.aggregation.aggregate import Aggregation
    from sandbox.aggregation.ties import TieBreak
    from sandbox.datasets.dataset import Dataset
    from sandbox.fitting.report import AnnotatorReport
    from sandbox.io.importers.base import ImportedAnswers, ProgressCallback
    from sandbox.metrics.outcome import AggregatorScore
    from sandbox.randomness import SeedLike
    from sandbox.simulation.reference import ReferenceModel, ReferenceSettings


@dataclass(frozen=True)
class ScoringInputs:
    """What scoring knows besides an aggregation: the answers, the truth (Series by task), the cost,
    hidden worker traits and which tasks were misleading (simulations), and the dataset (for coverage
    and downstream models); ``reference``: the campaign's reference model's answer per dataset row
    (variant 0 of :class:`~sandbox.simulation.reference.ReferenceModel`), when it had one."""

    answers: pd.DataFrame
    truth: pd.Series
    cost: float
    workers: pd.DataFrame | None = None
    dataset: Dataset | None = None
    misleading: pd.Series | None = None
    reference: NDArray[Any] | None = None


class Scorer(Protocol):
    """Scores aggregations of one answers table; built once per table (shared work done once)."""

    #: The downstream model trained on the truth (the ceiling), when the kind has one for the data.
    downstream_accuracy_clean: float | None

    def score(self, result: Aggregation) -> AggregatorScore:
        """How one aggregator did."""
        ...


@dataclass(frozen=True)
class RealAnswers:
    """Answers by real workers in the kind's answers table, gold by task (may be empty), and
    ``dataset``: what they are scored against when the kind needs more than gold labels (pairwise:
    the items and the gold pairs); ``gold_size``: how much gold there is, in the kind's unit; ``kind``:
    the name of their task kind."""

    source: str
    answers: pd.DataFrame
    gold: pd.Series
    dataset: Dataset | None = None
    gold_size: int = 0
    kind: str = ""


@dataclass(frozen=True)
class ValidationRequest:
    """How a held-out check is asked for: ``seeds`` splits, the ``engine``, and, when given, the
    ``aggregators`` compared (besides the kind's own), the ``replays`` of each held-out half, the
    bootstrap ``refits`` per split and the tie rule ``ties`` (``None``: the kind's defaults)."""

    seeds: int = 1
    engine: str = "fast"
    aggregators: tuple[str, ...] | None = None
    replays: int | None = None
    refits: int | None = None
    ties: TieBreak | None = None

    def moments_only(self, kind: str) -> None:
        """SandboxError when ``--aggregators``, ``--replays`` or ``--refits`` are given to a kind
        whose held-out check compares moments and has no predictive intervals yet."""
        given = [
            flag
            for flag, value in (
                ("--aggregators", self.aggregators),
                ("--replays", self.replays),
                ("--refits", self.refits),
            )
            if value is not None
        ]
        if given:
            raise SandboxError(
                f"validate --kind {kind} takes --seeds and --engine only, not {', '.join(given)}"
            )


class Validation(Protocol):
    """A held-out check of a fitted crowd: its JSON document and its table."""

    def to_dict(self) -> dict[str, Any]: ...

    def table(self) -> str: ...


@dataclass(frozen=True)
class Demo:
    """The demo's part for a kind: ``dataset``, ``sides`` (population, redundancy), ``aggregators``
    and the extra score columns shown (``extra_columns``)."""

    title: str
    dataset: str
    sides: tuple[tuple[str, int], ...]
    aggregators: tuple[str, ...]
    extra_columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class DashboardPage:
    """A kind's page of the dashboard: a file in ``dashboards/app_pages/``, its title and icon."""

    file: str
    title: str
    icon: str


@dataclass(frozen=True)
class SweepDefaults:
    """What a sweep scenario of the kind uses when it names no ``dataset`` or ``population`` (its
    aggregators are the kind's ``default_aggregators``)."""

    dataset: str
    population: str


class TaskKind(ABC):
    """A kind of task (see the module docstring). Class attributes describe it; methods answer the
    shared machinery's questions and import what they need when called (so that loading every kind
    to list it stays fast)."""

    #: Its name, as users write it (``--kind``, a population's ``kind``, a sweep's ``kind``).
    name: ClassVar[str]
    summary: ClassVar[str]
    #: The columns of its answers table.
    answer_columns: ClassVar[tuple[str, ...]]
    #: Aggregators used when none are named; the one used where one method is asked for.
    default_aggregators: ClassVar[tuple[str, ...]]
    default_aggregator: ClassVar[str]
    #: Its kind-specific scores (keys of ``AggregatorScore.extra``) shown as table columns.
    table_extras: ClassVar[tuple[str, ...]] = ()
    #: What gold is counted in ("tasks"; "pairs" when gold is pairs of items).
    gold_unit: ClassVar[str] = "tasks"
    #: What a campaign asks of its answers (gold correctness, how sure a task is, the answer type).
    rules: ClassVar[AnswerRules] = CLASS_CODES
    sweep_defaults: ClassVar[SweepDefaults]
    demo: ClassVar[Demo | None] = None
    #: Its own page of the dashboard, if it has one.
    dashboard_page: ClassVar[DashboardPage | None] = None
    #: ``evaluate --answers DIR`` can aggregate its answers out of core.
    out_of_core: ClassVar[bool] = False
    #: What an export of this kind may be read with (``--input-format``), and a line on the formats.
    export_help: ClassVar[str] = ""
    #: ``validate`` needs gold for this kind's exports (else it checks the answers alone).
    validation_needs_gold: ClassVar[bool] = True
    #: The population preset that ``verdict`` takes for paid curation unless told otherwise.
    curation_preset: ClassVar[str | None] = None

    def sweep_scenario(self) -> dict[str, Any]:
        """The ``dataset``, ``population`` and ``aggregators`` of a sweep scenario of this kind that
        names none of them."""
        defaults = self.sweep_defaults
        return {
            "dataset": defaults.dataset,
            "population": defaults.population,
            "aggregators": list(self.default_aggregators),
        }

    def methods(self, names: Sequence[str] | None = None) -> list[str]:
        """The aggregators ``names`` (the kind's defaults when None), checked once, where a user
        names them: SandboxError for one that is unknown or aggregates another kind's answers."""
        from sandbox.aggregation.registry import aggregator_names, aggregator_spec

        chosen = list(names) if names is not None else list(self.default_aggregators)
        allowed = ", ".join(aggregator_names(self.name))
        if not chosen:
            raise SandboxError(f"no aggregator given; allowed: {allowed}")
        for name in chosen:
            aggregator_spec(name)  # an unknown name is named as such
            if self.name not in aggregator_spec(name).kinds:
                raise SandboxError(
                    f"aggregator {name!r} does not aggregate {self.name} answers; allowed: {allowed}"
                )
        return chosen

    # --- answers and campaigns -------------------------------------------------------------------

    @abstractmethod
    def validate_answers(self, table: pd.DataFrame, source: str) -> pd.DataFrame:
        """The kind's answers contract where answers enter: one value type per column, no empty cell;
        SandboxError naming ``source`` otherwise."""

    @abstractmethod
    def from_campaign(self, answers: pd.DataFrame, dataset: Dataset) -> pd.DataFrame:
        """A simulated campaign's ``task, worker, label`` codes as the kind's answers table."""

    def rules_for(self, dataset: Dataset) -> AnswerRules:
        """What a campaign on ``dataset`` asks of its answers: the kind's :attr:`rules`, unless they
        depend on the dataset (a rating scale's tolerance and range)."""
        return self.rules

    def check_population(self, population: Population, dataset: Dataset) -> None:  # noqa: B027 (optional hook)
        """SandboxError when ``population`` cannot run a campaign on ``dataset`` (nothing by default)."""

    def reference_model(
        self, dataset: Dataset, settings: ReferenceSettings, variants: int, seed: SeedLike
    ) -> ReferenceModel:
        """The campaign's reference model (a stand-in language model, :mod:`sandbox.simulation.reference`)
        with ``variants`` variants on every row of ``dataset``, drawn from ``seed``'s reference stream;
        SandboxError for a kind that has none."""
        raise SandboxError(
            f"{self.name} tasks have no reference model (a stand-in language model); "
            "archetypes that consult one answer classification and pairwise tasks"
        )

    def agreement(self, answers: pd.DataFrame) -> float:
        """Agreement among the kind's answers beyond chance: Krippendorff's alpha with the nominal
        metric (labels are categories) unless the kind measures it otherwise."""
        from sandbox.metrics.agreement import krippendorff_alpha

        return krippendorff_alpha(answers)

    # --- aggregation and scoring -----------------------------------------------------------------

    @abstractmethod
    def aggregate(
        self,
        name: str,
        answers: pd.DataFrame,
        engine: str = "fast",
        params: Mapping[str, Any] | None = None,
        ties: TieBreak | None = None,
    ) -> Aggregation:
        """Aggregator ``name`` (with hyperparameters ``params``) run on the kind's answers; ``ties``:
        how an argmax over labels breaks ties (:mod:`sandbox.aggregation.ties`; default random,
        seed 0)."""

    @abstractmethod
    def scorer(self, inputs: ScoringInputs) -> Scorer:
        """The scorer of one answers table."""

    # --- real exports ----------------------------------------------------------------------------

    def claims_export(self, path: Path, fmt: str, args: argparse.Namespace) -> bool:
        """Whether ``path`` (in format ``fmt``) holds answers of this kind; the default kind reads
        whatever no other kind claims."""
        return False

    def add_export_options(self, parser: argparse.ArgumentParser) -> None:  # noqa: B027 (optional hook)
        """Options that only this kind's exports use (an argument group of ``parser``); none by default."""

    @abstractmethod
    def read_export(
        self, path: Path, args: argparse.Namespace, progress: ProgressCallback | None
    ) -> ImportedAnswers:
        """The answers of the export at ``path``, read with the command's options."""

    def read_export_controls(
        self,
        path: Path,
        args: argparse.Namespace,
        names: list[str] | None,
        progress: ProgressCallback | None,
    ) -> dict[str, ImportedAnswers]:
        """The export at ``path`` read once and split by labeling control: ``names``, or every
        control when None. By default a kind reads one control at a time (SandboxError)."""
        raise SandboxError(
            f"{self.name} exports are read one labeling control at a time: give one --from-name NAME"
        )

    @abstractmethod
    def gold(self, args: argparse.Namespace, imported: ImportedAnswers) -> pd.Series | None:
        """Gold by task (``--gold`` wins over the export's own ground truth), or None."""

    def gold_file(self, path: str | Path, answers: pd.DataFrame) -> pd.Series:
        """Gold by task read from ``path`` in the value types of ``answers`` (a table holding every
        task and label); SandboxError when it shares nothing with them."""
        raise SandboxError(f"{self.name} gold is read with its export (--gold), not on its own")

    @abstractmethod
    def real_answers(
        self, imported: ImportedAnswers, path: str | Path, gold_path: str | Path | None
    ) -> RealAnswers:
        """An export's answers and what they are scored against (``evaluate``)."""

    @abstractmethod
    def report(
        self,
        answers: pd.DataFrame,
        *,
        aggregator: str,
        engine: str,
        gold: pd.Series | None,
        items: pd.DataFrame | None = None,
        min_seconds: float | None = None,
        ties: TieBreak | None = None,
        reference: pd.Series | None = None,
    ) -> AnnotatorReport:
        """Which annotators to trust (``report``); ``items``: what is known of the items (a kind that
        reads an items file), ``min_seconds``: answers faster than this are implausibly fast (else the
        crowd's own times judge), ``ties``: the tie rule of the consensus (a kind that takes an argmax
        over labels), ``reference``: a model's answers (:meth:`read_reference`), against which each
        annotator's agreement is tested (:mod:`sandbox.fitting.reference`)."""

    def read_reference(self, path: str | Path, answers: pd.DataFrame, args: argparse.Namespace) -> pd.Series:
        """A reference model's answers (``--reference``) by task, in the value types of ``answers``;
        SandboxError when the file is not one, or shares no task with the answers."""
        raise SandboxError(f"--reference does not take {self.name} answers yet")

    def reference_coverage(self, reference: pd.Series, answers: pd.DataFrame) -> tuple[int, int]:
        """(tasks of ``answers`` the reference answers, tasks of ``answers``)."""
        tasks = answers["task"].drop_duplicates()
        return int(tasks.isin(reference.index).sum()), len(tasks)

    def reference_aggregation(self, reference: pd.Series, answers: pd.DataFrame) -> Aggregation:
        """The reference's answers (on the tasks of ``answers``) as an aggregation named
        ``reference``, scored beside the aggregators (``evaluate --reference``)."""
        from sandbox.aggregation.aggregate import Aggregation

        return Aggregation("reference", reference.rename("label"), None, None, 0.0, "fast")

    def with_reference_worker(self, answers: pd.DataFrame, reference: pd.Series, worker: str) -> pd.DataFrame:
        """``answers`` with the reference's answers added as those of one more annotator, ``worker``
        (``--reference-as-worker``); SandboxError when an annotator of that name exists."""
        raise SandboxError(f"--reference-as-worker does not take {self.name} answers yet")

    @abstractmethod
    def fit(self, args: argparse.Namespace, imported: ImportedAnswers, name: str) -> tuple[str, pd.DataFrame]:
        """A population fitted to the export's annotators: its TOML text and the per-annotator fit."""

    @abstractmethod
    def write_consensus(
        self, args: argparse.Namespace, imported: ImportedAnswers, aggregator: str, out: Path, output: str
    ) -> str:
        """Write the consensus to ``out`` (``output``: csv or labelstudio); say what was written."""

    def verdict_inputs(
        self, imported: ImportedAnswers, gold: pd.Series | None, name: str, cost_per_label: float, engine: str
    ) -> tuple[Dataset, dict[str, Any]]:
        """What ``verdict`` compares curation with: the export's own tasks as a dataset (the truth its
        ``gold``; the import's items, for a kind that reads them) and the population fitted to its
        annotators at ``cost_per_label`` (a TOML-shaped dict);
        SandboxError when the kind does not judge its crowds or the export gives nothing to judge on."""
        raise SandboxError(f"verdict does not judge {self.name} crowds yet")

    def validate(
        self,
        answers: pd.DataFrame,
        gold: pd.Series | None,
        name: str,
        request: ValidationRequest,
        dataset: Dataset | None = None,
    ) -> Validation:
        """A crowd fitted on half the tasks, checked against the real crowd on the other half
        (``gold`` by task when known; ``dataset``: what the answers are scored against, for a kind
        that needs more than gold labels, e.g. the items of pairwise answers)."""
        raise SandboxError(f"validate does not check {self.name} crowds yet")


def _kind_registry() -> Registry[TaskKind]:
    return Registry("kind", load_kinds)


KINDS: Registry[TaskKind] = _kind_registry()


def register_kind(kind: TaskKind) -> TaskKind:
    """Register ``kind`` (called by its package when :func:`sandbox.kinds.load_kinds` imports it)."""
    return KINDS.register(kind.name, kind)


def task_kind(name: str) -> TaskKind:
    """The kind called ``name``; SandboxError naming the registered ones otherwise."""
    return KINDS[name]


def default_kind() -> TaskKind:
    """The first kind of :data:`~sandbox.kinds.KIND_PACKAGES`: what a dataset, export or population
    that names no kind is."""
    return next(iter(KINDS.values()))  # kinds register in the list's order


def kind_names() -> list[str]:
    """The registered kinds' names, in the list's order."""
    return list(KINDS)
