"""Classification as a task kind: what the shared machinery asks of it, answered by the modules of
this package (imported when asked, so that loading the kind to list it stays fast)."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from sandbox.kinds.base import (
    Demo,
    RealAnswers,
    ScoringInputs,
    SweepDefaults,
    TaskKind,
    Validation,
    ValidationRequest,
)

if TYPE_CHECKING:
    import pandas as pd

    from sandbox.aggregation.aggregate import Aggregation
    from sandbox.aggregation.ties import TieBreak
    from sandbox.datasets.dataset import Dataset
    from sandbox.fitting.report import AnnotatorReport
    from sandbox.io.importers.base import ImportedAnswers, ProgressCallback
    from sandbox.kinds.classification.scoring import ClassificationScorer
    from sandbox.randomness import SeedLike
    from sandbox.simulation.reference import ReferenceModel, ReferenceSettings

KIND = "classification"


class Classification(TaskKind):
    """Choose the class of an item (see :mod:`sandbox.kinds.classification`)."""

    name: ClassVar[str] = KIND
    summary: ClassVar[str] = "choose the class of an item"
    answer_columns: ClassVar[tuple[str, ...]] = ("task", "worker", "label")
    default_aggregators: ClassVar[tuple[str, ...]] = ("mv", "wawa", "ds")
    curation_preset: ClassVar[str | None] = "paid_curation"
    default_aggregator: ClassVar[str] = "ds"
    table_extras: ClassVar[tuple[str, ...]] = ("accuracy_misleading", "accuracy_ordinary")
    sweep_defaults: ClassVar[SweepDefaults] = SweepDefaults("snow_rte", "volunteers")
    demo: ClassVar[Demo | None] = Demo(
        title="Crowd vs paid curation on snow_rte (real expert gold as truth)",
        dataset="snow_rte",
        sides=(("volunteers", 5), ("paid_crowd", 5), ("paid_curation", 1)),
        aggregators=("mv", "ds"),
    )
    out_of_core: ClassVar[bool] = True

    def validate_answers(self, table: pd.DataFrame, source: str) -> pd.DataFrame:
        from sandbox.kinds.classification.answers import validate_answers

        return validate_answers(table, source)

    def from_campaign(self, answers: pd.DataFrame, dataset: Dataset) -> pd.DataFrame:
        """A campaign's answers are already classification answers (class codes as labels)."""
        return answers

    def reference_model(
        self, dataset: Dataset, settings: ReferenceSettings, variants: int, seed: SeedLike
    ) -> ReferenceModel:
        """The stand-in model of :mod:`sandbox.kinds.classification.reference_model`."""
        from sandbox.kinds.classification.reference_model import reference_model

        return reference_model(dataset, settings, variants, seed)

    def aggregate(
        self,
        name: str,
        answers: pd.DataFrame,
        engine: str = "fast",
        params: Mapping[str, Any] | None = None,
        ties: TieBreak | None = None,
    ) -> Aggregation:
        from sandbox.kinds.classification.aggregation import aggregate

        return aggregate(name, answers, engine, params, ties)

    def scorer(self, inputs: ScoringInputs) -> ClassificationScorer:
        from sandbox.kinds.classification.scoring import ClassificationScorer

        return ClassificationScorer(inputs)

    def read_export(
        self, path: Path, args: argparse.Namespace, progress: ProgressCallback | None
    ) -> ImportedAnswers:
        from sandbox.kinds.classification.readers import load_answers

        return load_answers(
            path,
            format=args.input_format,
            from_name=args.from_name,
            label_config=args.label_config,
            task_field=args.task_field,
            duplicates=args.duplicates,
            multi_choice=args.multi_choice,
            progress=progress,
        )

    def read_export_controls(
        self,
        path: Path,
        args: argparse.Namespace,
        names: list[str] | None,
        progress: ProgressCallback | None,
    ) -> dict[str, ImportedAnswers]:
        from sandbox.kinds.classification.readers import load_answers_by_control

        return load_answers_by_control(
            path,
            names,
            format=args.input_format,
            label_config=args.label_config,
            task_field=args.task_field,
            duplicates=args.duplicates,
            multi_choice=args.multi_choice,
            progress=progress,
        )

    def gold(self, args: argparse.Namespace, imported: ImportedAnswers) -> pd.Series | None:
        """Gold from ``--gold`` (wins) or from the export's ground-truth annotations, in the answers'
        value types; SandboxError when it shares no task or no label with the answers."""
        from sandbox.kinds.classification.answers import align_gold

        if getattr(args, "gold", None):
            return self.gold_file(args.gold, imported.answers)
        if imported.gold is None:
            return None
        return align_gold(imported.gold, imported.answers, f"{args.export} (its ground truth)")

    def gold_file(self, path: str | Path, answers: pd.DataFrame) -> pd.Series:
        from sandbox.kinds.classification.answers import align_gold, read_gold

        return align_gold(read_gold(path), answers, str(path))

    def real_answers(
        self, imported: ImportedAnswers, path: str | Path, gold_path: str | Path | None
    ) -> RealAnswers:
        from sandbox.kinds.classification.answers import real_answers

        return real_answers(imported, path, gold_path)

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
        from sandbox.kinds.classification.report import annotator_report

        return annotator_report(
            answers,
            aggregator=aggregator,
            engine=engine,
            gold=gold,
            min_seconds=min_seconds,
            ties=ties,
            reference=reference,
            seed=ties.seed if ties is not None else 0,
        )

    def read_reference(self, path: str | Path, answers: pd.DataFrame, args: argparse.Namespace) -> pd.Series:
        """A model's labels: a ``task, label`` table or Label Studio predictions JSON (see
        :mod:`sandbox.kinds.classification.reference_answers`)."""
        from sandbox.kinds.classification.reference_answers import read_reference

        return read_reference(path, answers, getattr(args, "from_name", None))

    def with_reference_worker(self, answers: pd.DataFrame, reference: pd.Series, worker: str) -> pd.DataFrame:
        from sandbox.kinds.classification.reference_answers import with_reference_worker

        return with_reference_worker(answers, reference, worker)

    def fit(self, args: argparse.Namespace, imported: ImportedAnswers, name: str) -> tuple[str, pd.DataFrame]:
        from sandbox.aggregation.ties import TieBreak
        from sandbox.kinds.classification.fit import fit_population, population_toml

        fitted = fit_population(
            imported.answers,
            name=name,
            gold=self.gold(args, imported),
            cost_per_label=args.cost_per_label,
            engine=args.engine,
            ties=TieBreak(args.ties, args.seed),
        )
        return population_toml(fitted, source=Path(args.export).name), fitted.workers

    def write_consensus(
        self, args: argparse.Namespace, imported: ImportedAnswers, aggregator: str, out: Path, output: str
    ) -> str:
        from sandbox.kinds.classification.consensus import write_consensus

        return write_consensus(args, imported, aggregator, out, output)

    def verdict_inputs(
        self, imported: ImportedAnswers, gold: pd.Series | None, name: str, cost_per_label: float, engine: str
    ) -> tuple[Dataset, dict[str, Any]]:
        from sandbox.kinds.classification.verdict import verdict_inputs

        return verdict_inputs(imported.answers, gold, name, cost_per_label, engine)

    def validate(
        self,
        answers: pd.DataFrame,
        gold: pd.Series | None,
        name: str,
        request: ValidationRequest,
        dataset: Dataset | None = None,
    ) -> Validation:
        """Predictive intervals of a twin fitted on half the tasks (see
        :mod:`sandbox.kinds.classification.validation`); MV and DS are always compared."""
        from foundation.errors import SandboxError
        from sandbox.aggregation.ties import DEFAULT_TIES
        from sandbox.kinds.classification.validation import (
            DEFAULT_REPLAYS,
            REPLAYS_PER_REFIT,
            check_replays,
            validate,
        )

        if gold is None:
            raise SandboxError(f"{name}: validating a classification crowd needs gold")
        replays = request.replays if request.replays is not None else DEFAULT_REPLAYS
        refits = request.refits if request.refits is not None else max(1, replays // REPLAYS_PER_REFIT)
        check_replays(replays, refits)
        aggregators = self.methods(request.aggregators or ("mv", "ds"))
        aggregators = list(dict.fromkeys(["mv", "ds", *aggregators]))
        return validate(
            answers,
            gold,
            name,
            seeds=request.seeds,
            engine=request.engine,
            aggregators=aggregators,
            replays=replays,
            refits=refits,
            ties=request.ties or DEFAULT_TIES,
        )
