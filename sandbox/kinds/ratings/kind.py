"""Ratings on a scale as a task kind: what the shared machinery asks of it, answered by the modules of
this package (imported when asked, so that loading the kind to list it stays fast)."""

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

    from annotators.population import Population
    from sandbox.aggregation.ties import TieBreak
    from sandbox.datasets.dataset import Dataset
    from sandbox.fitting.report import AnnotatorReport
    from sandbox.io.importers.base import ImportedAnswers, ProgressCallback
    from sandbox.kinds.ratings.aggregation import RatingsAggregation
    from sandbox.kinds.ratings.scoring import RatingsScorer
    from sandbox.simulation.rules import AnswerRules

KIND = "ratings"


class Ratings(TaskKind):
    """Rate an item on a scale (see :mod:`sandbox.kinds.ratings`)."""

    name: ClassVar[str] = KIND
    summary: ClassVar[str] = "rate an item on a scale (1 to 5, a 0-100 slider, ...)"
    answer_columns: ClassVar[tuple[str, ...]] = ("task", "worker", "label")
    default_aggregators: ClassVar[tuple[str, ...]] = ("mean", "median", "ds", "offset_scale")
    default_aggregator: ClassVar[str] = "offset_scale"
    curation_preset: ClassVar[str | None] = "ratings_curation"
    table_extras: ClassVar[tuple[str, ...]] = ("mae", "rmse", "spearman", "kendall_tau", "qwk")
    sweep_defaults: ClassVar[SweepDefaults] = SweepDefaults("synthetic-ratings", "ratings_volunteers")
    demo: ClassVar[Demo | None] = Demo(
        title=(
            "Ratings: who rates 500 items on a 1-5 scale (synthetic-ratings; accuracy = the item's true "
            "point, MAE in points)"
        ),
        dataset="synthetic-ratings",
        sides=(("ratings_volunteers", 5), ("ratings_paid_crowd", 5), ("ratings_curation", 1)),
        aggregators=("mean", "offset_scale"),
        extra_columns=("mae", "spearman"),
    )
    dashboard_page: ClassVar[DashboardPage | None] = DashboardPage(
        "ratings.py", "Ratings", ":material/star_half:"
    )
    validation_needs_gold: ClassVar[bool] = False

    def validate_answers(self, table: pd.DataFrame, source: str) -> pd.DataFrame:
        from sandbox.kinds.ratings.answers import validate_ratings_answers

        return validate_ratings_answers(table, source)

    def from_campaign(self, answers: pd.DataFrame, dataset: Dataset) -> pd.DataFrame:
        """A campaign's ratings (floats on the dataset's scale), carrying the scale."""
        from sandbox.kinds.ratings.dataset import campaign_answers

        return campaign_answers(answers, dataset)

    def rules_for(self, dataset: Dataset) -> AnswerRules:
        """Gold answers right within the dataset's tolerance; agreement from the spread on its scale."""
        from sandbox.kinds.ratings.dataset import RatingsDataset
        from sandbox.kinds.ratings.rules import RatingRules

        if not isinstance(dataset, RatingsDataset):
            return self.rules
        return RatingRules(dataset.scale, dataset.tolerance)

    def check_population(self, population: Population, dataset: Dataset) -> None:
        """Ratings populations have no misleading items (their lures are classes, not ratings)."""
        from foundation.errors import SandboxError

        if population.items.misleading:
            raise SandboxError(
                f"population {population.name!r}: misleading items (items.misleading_share) pull to a "
                "class; ratings items have no lure: leave them out (item difficulty is allowed)"
            )

    def agreement(self, answers: pd.DataFrame) -> float:
        """Krippendorff's alpha with the interval metric (the distance between ratings counts)."""
        from sandbox.kinds.ratings.agreement import alpha_interval

        return alpha_interval(answers)

    def aggregate(
        self,
        name: str,
        answers: pd.DataFrame,
        engine: str = "fast",
        params: Mapping[str, Any] | None = None,
        ties: TieBreak | None = None,
    ) -> RatingsAggregation:
        from sandbox.kinds.ratings.aggregation import aggregate_ratings

        # the points of a scale are numbers, not names: no spelling of them can move a tie among
        # them (Dawid–Skene on the points keeps the lower one), so there is no rule to apply
        del ties
        return aggregate_ratings(name, answers, engine, params)

    def scorer(self, inputs: ScoringInputs) -> RatingsScorer:
        from sandbox.kinds.ratings.scoring import RatingsScorer

        return RatingsScorer(inputs)

    def claims_export(self, path: Path, fmt: str, args: argparse.Namespace) -> bool:
        from sandbox.kinds.ratings.readers import is_ratings_export

        flags = bool(getattr(args, "scale", None) or getattr(args, "item_field", None))
        return is_ratings_export(path, fmt, flags)

    def add_export_options(self, parser: argparse.ArgumentParser) -> None:
        group = parser.add_argument_group("ratings exports")
        group.add_argument(
            "--scale",
            help="the rating scale: integer points MIN-MAX (e.g. 1-5) or a range continuous:MIN-MAX (e.g. "
            "continuous:0-100); default: the label config's, else the ratings' own",
        )
        group.add_argument(
            "--item-field",
            help="MTurk: the numbered Input column naming each rated item (e.g. pair_id for Input.pair_id_0)",
        )
        group.add_argument(
            "--na-field",
            help="MTurk: the numbered Answer column flagging 'could not judge' (default: detected, e.g. na)",
        )

    def read_export(
        self, path: Path, args: argparse.Namespace, progress: ProgressCallback | None
    ) -> ImportedAnswers:
        from sandbox.kinds.ratings.readers import load_ratings

        return load_ratings(
            path,
            format=args.input_format,
            from_name=args.from_name,
            scale=getattr(args, "scale", None),
            label_config=getattr(args, "label_config", None),
            item_field=getattr(args, "item_field", None),
            na_field=getattr(args, "na_field", None),
            task_field=getattr(args, "task_field", None),
            duplicates=args.duplicates,
            progress=progress,
        )

    def gold(self, args: argparse.Namespace, imported: ImportedAnswers) -> pd.Series | None:
        """Gold scores by task: ``--gold`` (``task, score``) wins over the export's own ground truth."""
        from sandbox.kinds.ratings.answers import ratings_gold, scale_of

        return ratings_gold(imported, getattr(args, "gold", None), scale_of(imported.answers), args.export)

    def gold_file(self, path: str | Path, answers: pd.DataFrame) -> pd.Series:
        from sandbox.kinds.ratings.answers import read_ratings_gold, scale_of

        return read_ratings_gold(path, answers, scale_of(answers))

    def real_answers(
        self, imported: ImportedAnswers, path: str | Path, gold_path: str | Path | None
    ) -> RealAnswers:
        from sandbox.kinds.ratings.answers import real_answers

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
        """Which raters to trust; speeders are judged against the crowd's own median seconds, so
        ``--min-seconds`` is refused (``items``: ratings exports have none)."""
        from foundation.errors import SandboxError
        from sandbox.kinds.ratings.report import ratings_report

        del ties  # scale points are numbers, not names (see ``aggregate``)
        if reference is not None:
            raise SandboxError(f"report --reference does not take {self.name} answers yet")
        if min_seconds is not None:
            raise SandboxError(
                "report --kind ratings judges speed against the crowd's own median seconds; "
                "--min-seconds is for classification and pairwise exports"
            )
        return ratings_report(answers, aggregator=aggregator, engine=engine, gold=gold)

    def fit(self, args: argparse.Namespace, imported: ImportedAnswers, name: str) -> tuple[str, pd.DataFrame]:
        from sandbox.kinds.ratings.fit import fit_ratings_population, ratings_population_toml

        fitted = fit_ratings_population(
            imported.answers,
            name=name,
            gold=self.gold(args, imported),
            cost_per_label=args.cost_per_label,
            engine=args.engine,
        )
        return ratings_population_toml(fitted, source=Path(args.export).name), fitted.workers

    def write_consensus(
        self, args: argparse.Namespace, imported: ImportedAnswers, aggregator: str, out: Path, output: str
    ) -> str:
        from sandbox.kinds.ratings.consensus import write_consensus

        return write_consensus(args, imported, aggregator, out, output)

    def validate(
        self,
        answers: pd.DataFrame,
        gold: pd.Series | None,
        name: str,
        request: ValidationRequest,
        dataset: Dataset | None = None,
    ) -> Validation:
        """The held-out twin's moments against the real raters' (see
        :mod:`sandbox.kinds.ratings.validation`, averaged over ``--seeds`` splits); it has no
        predictive intervals yet, so ``--aggregators``, ``--replays`` and ``--refits`` are refused."""
        import pandas as pd

        from sandbox.kinds.ratings.validation import validate

        request.moments_only(self.name)
        if gold is None:
            gold = pd.Series(dtype=float, name="label", index=pd.Index([], name="task"))
        return validate(answers, gold, name, seeds=request.seeds, engine=request.engine)
