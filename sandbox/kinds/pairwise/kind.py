"""Pairwise preferences as a task kind: what the shared machinery asks of it, answered by the
modules of this package (imported when asked)."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from sandbox.kinds.base import (
    DashboardPage,
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

    from sandbox.aggregation.ties import TieBreak
    from sandbox.datasets.dataset import Dataset
    from sandbox.fitting.report import AnnotatorReport
    from sandbox.io.importers.base import ImportedAnswers, ProgressCallback
    from sandbox.kinds.pairwise.aggregation import PairwiseAggregation
    from sandbox.kinds.pairwise.scoring import PairwiseScorer
    from sandbox.randomness import SeedLike
    from sandbox.simulation.reference import ReferenceModel, ReferenceSettings

KIND = "pairwise"


class Pairwise(TaskKind):
    """Say which of two items is better, or a tie (see :mod:`sandbox.kinds.pairwise`)."""

    name: ClassVar[str] = KIND
    summary: ClassVar[str] = "say which of two items is better (or a tie)"
    answer_columns: ClassVar[tuple[str, ...]] = ("task", "worker", "left", "right", "label")
    default_aggregators: ClassVar[tuple[str, ...]] = ("bt", "noisy_bt", "win_rate", "elo")
    default_aggregator: ClassVar[str] = "davidson"
    curation_preset: ClassVar[str | None] = "pairwise_curation"
    table_extras: ClassVar[tuple[str, ...]] = (
        "kendall_tau",
        "spearman",
        "top_k_precision",
        "promoted_rank_gain",
    )
    gold_unit: ClassVar[str] = "pairs"
    sweep_defaults: ClassVar[SweepDefaults] = SweepDefaults("synthetic-pairs", "pairwise_volunteers")
    demo: ClassVar[Demo | None] = Demo(
        title=(
            "Preferences: who compares 2,000 pairs of 200 answers (synthetic-pairs, length correlated 0.3 "
            "with quality; accuracy on 1,000 held-out pairs)"
        ),
        dataset="synthetic-pairs:length_corr=0.3",
        sides=(("pairwise_volunteers", 5), ("pairwise_paid_crowd", 5), ("pairwise_curation", 1)),
        aggregators=("bt", "noisy_bt"),
        extra_columns=("kendall_tau",),
    )
    dashboard_page: ClassVar[DashboardPage | None] = DashboardPage(
        "preferences.py", "Preferences", ":material/compare_arrows:"
    )
    validation_needs_gold: ClassVar[bool] = False

    def validate_answers(self, table: pd.DataFrame, source: str) -> pd.DataFrame:
        from sandbox.kinds.pairwise.answers import validate_pairwise_answers

        return validate_pairwise_answers(table, source)

    def from_campaign(self, answers: pd.DataFrame, dataset: Dataset) -> pd.DataFrame:
        """A campaign's ``task, worker, label`` codes as pairwise answers (the pair's items, the side)."""
        from sandbox.kinds.pairwise.dataset import campaign_answers

        return campaign_answers(answers, dataset)

    def reference_model(
        self, dataset: Dataset, settings: ReferenceSettings, variants: int, seed: SeedLike
    ) -> ReferenceModel:
        """The stand-in model of :mod:`sandbox.kinds.pairwise.reference_model`."""
        from sandbox.kinds.pairwise.reference_model import reference_model

        return reference_model(dataset, settings, variants, seed)

    def aggregate(
        self,
        name: str,
        answers: pd.DataFrame,
        engine: str = "fast",
        params: Mapping[str, Any] | None = None,
        ties: TieBreak | None = None,
    ) -> PairwiseAggregation:
        from sandbox.kinds.pairwise.aggregation import aggregate_pairs

        del ties  # pairwise methods rank items by score: no argmax over labels to break

        return aggregate_pairs(name, answers, engine, params)

    def scorer(self, inputs: ScoringInputs) -> PairwiseScorer:
        from sandbox.kinds.pairwise.scoring import PairwiseScorer

        return PairwiseScorer(inputs)

    def claims_export(self, path: Path, fmt: str, args: argparse.Namespace) -> bool:
        from sandbox.kinds.pairwise.readers import is_pairwise_export

        flags = bool(getattr(args, "left_field", None) or getattr(args, "right_field", None))
        return is_pairwise_export(path, fmt, flags)

    def add_export_options(self, parser: argparse.ArgumentParser) -> None:
        group = parser.add_argument_group("pairwise exports")
        group.add_argument(
            "--left-field", help="data field / MTurk Input column naming the left (first) item"
        )
        group.add_argument("--right-field", help="data field / MTurk Input column naming the right item")
        group.add_argument("--group-field", help="MTurk Input column scoping item ids (e.g. the query)")
        group.add_argument(
            "--items",
            help="items file (CSV/Parquet): item, numeric features such as length, and score when known",
        )

    def read_export(
        self, path: Path, args: argparse.Namespace, progress: ProgressCallback | None
    ) -> ImportedAnswers:
        from dataclasses import replace

        from sandbox.kinds.pairwise.items import read_item_table
        from sandbox.kinds.pairwise.readers import load_pairwise_answers

        imported = load_pairwise_answers(
            path,
            format=args.input_format,
            from_name=args.from_name,
            left_field=args.left_field,
            right_field=args.right_field,
            group_field=args.group_field,
            duplicates=args.duplicates,
            progress=progress,
        )
        items_path = getattr(args, "items", None)
        if items_path:
            return replace(imported, items=read_item_table(items_path, imported.answers))
        return imported

    def gold(self, args: argparse.Namespace, imported: ImportedAnswers) -> pd.Series | None:
        """The gold side of each answered task, from ``--gold`` (item scores or gold pairs) or the
        export's own ground truth."""
        from sandbox.kinds.pairwise.answers import gold_sides_by_task, real_answers

        real = real_answers(imported, args.export, getattr(args, "gold", None))
        heldout = getattr(real.dataset, "heldout", None)
        return gold_sides_by_task(imported.answers, heldout) if heldout is not None and len(heldout) else None

    def real_answers(
        self, imported: ImportedAnswers, path: str | Path, gold_path: str | Path | None
    ) -> RealAnswers:
        from sandbox.kinds.pairwise.answers import real_answers

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
        from sandbox.kinds.pairwise.report import pairwise_report

        del ties  # preferences rank items by score: no argmax over labels to break
        return pairwise_report(
            answers,
            aggregator=aggregator,
            engine=engine,
            gold=gold,
            items=items,
            min_seconds=min_seconds,
            reference=reference,
        )

    def read_reference(self, path: str | Path, answers: pd.DataFrame, args: argparse.Namespace) -> pd.Series:
        """A model's preferences in the shape of pairwise gold (see
        :mod:`sandbox.kinds.pairwise.reference_answers`): its side of each answered task."""
        from sandbox.kinds.pairwise.reference_answers import read_pairwise_reference

        return read_pairwise_reference(path, answers)

    def with_reference_worker(self, answers: pd.DataFrame, reference: pd.Series, worker: str) -> pd.DataFrame:
        from sandbox.kinds.pairwise.reference_answers import with_reference_worker

        return with_reference_worker(answers, reference, worker)

    def reference_aggregation(self, reference: pd.Series, answers: pd.DataFrame) -> PairwiseAggregation:
        """The model's preferences as item scores (Bradley–Terry on its answers alone)."""
        from sandbox.kinds.pairwise.reference_answers import reference_aggregation

        return reference_aggregation(reference, answers)

    def fit(self, args: argparse.Namespace, imported: ImportedAnswers, name: str) -> tuple[str, pd.DataFrame]:
        from sandbox.kinds.pairwise.answers import real_answers
        from sandbox.kinds.pairwise.fit import fit_pairwise_population, pairwise_population_toml

        real = real_answers(imported, args.export, getattr(args, "gold", None))
        items = getattr(real.dataset, "items", None)
        scores = items["score"] if items is not None and "score" in items.columns else None
        fitted = fit_pairwise_population(
            imported.answers,
            name=name,
            items=imported.items,
            gold=self.gold(args, imported),
            gold_scores=scores if scores is not None and scores.notna().any() else None,
            cost_per_label=args.cost_per_label,
            engine=args.engine,
            min_seconds=getattr(args, "min_seconds", None),
        )
        return pairwise_population_toml(fitted, source=Path(args.export).name), fitted.workers

    def write_consensus(
        self, args: argparse.Namespace, imported: ImportedAnswers, aggregator: str, out: Path, output: str
    ) -> str:
        from sandbox.kinds.pairwise.consensus import write_consensus

        return write_consensus(args, imported, aggregator, out, output)

    def validate(
        self,
        answers: pd.DataFrame,
        gold: pd.Series | None,
        name: str,
        request: ValidationRequest,
        dataset: Dataset | None = None,
    ) -> Validation:
        """Fit on half of the pairs, replay the other half (:mod:`sandbox.kinds.pairwise.validation`);
        ``dataset``: the items (features, and ``score`` when known) of the answers. It compares
        moments (no predictive intervals yet): ``--aggregators``, ``--replays`` and ``--refits`` are
        refused."""
        import pandas as pd

        from annotators.archetypes.pairwise import SIDES
        from sandbox.kinds.pairwise.dataset import PairwiseDataset
        from sandbox.kinds.pairwise.validation import validate_pairs

        request.moments_only(self.name)
        items = dataset.items if isinstance(dataset, PairwiseDataset) else None
        scores = None
        if items is not None and "score" in items.columns and items["score"].notna().any():
            scores = items["score"]
        if gold is not None and len(gold) and pd.api.types.is_integer_dtype(gold.dtype):
            gold = gold.map(dict(enumerate(SIDES)))
        return validate_pairs(
            answers,
            name,
            seeds=request.seeds,
            items=items,
            gold=gold,
            gold_scores=scores,
            engine=request.engine,
        )
