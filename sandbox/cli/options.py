"""Options shared by several commands, each worded once: engine, output format, aggregators, seed,
the campaign policy, and the options of reading an export (each task kind adds its own).

Only light modules are imported here, so that building the parser stays fast; what a handler needs
is imported when it runs.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sandbox.aggregation.registry import AGGREGATORS, ENGINE_HELP, ENGINES
from sandbox.aggregation.ties import TIE_RULES
from sandbox.cli.arguments import non_negative_int, positive_float
from sandbox.io.export_formats import DUPLICATE_POLICIES, FORMATS, MULTI_CHOICE_POLICIES
from sandbox.kinds.base import KINDS

if TYPE_CHECKING:
    from sandbox.simulation.policy import CampaignPolicy
    from sandbox.simulation.reference import ReferenceSettings


def _per_kind(what: str) -> str:
    """``"X for kind, Y for kind"``: each kind's default ``what`` (an attribute of its TaskKind)."""
    parts = []
    for kind in KINDS.values():
        value = getattr(kind, what)
        parts.append(f"{','.join(value) if isinstance(value, tuple) else value} for {kind.name}")
    return ", ".join(parts)


def add_engine(parser: argparse.ArgumentParser) -> None:
    """``--engine fast|crowdkit``."""
    parser.add_argument("--engine", choices=ENGINES, default="fast", help=ENGINE_HELP)


def add_format(parser: argparse.ArgumentParser, choices: Sequence[str] = ("table", "json")) -> None:
    """``--format``: the first choice is the default."""
    parser.add_argument(
        "--format", choices=choices, default=choices[0], help=f"output format (default {choices[0]})"
    )


def add_aggregators(parser: argparse.ArgumentParser) -> None:
    """``--aggregators mv,ds,...`` (validated by the handler against the registry and the task kind)."""
    parser.add_argument(
        "--aggregators",
        help=f"comma-separated, from {', '.join(AGGREGATORS)} (default: {_per_kind('default_aggregators')})",
    )


def add_aggregator(parser: argparse.ArgumentParser, what: str = "consensus") -> None:
    """``--aggregator NAME``: one registered method (default: the task kind's)."""
    parser.add_argument(
        "--aggregator",
        choices=list(AGGREGATORS),
        help=f"{what} (default: {_per_kind('default_aggregator')})",
    )


def add_aggregator_params(parser: argparse.ArgumentParser) -> None:
    """``--aggregator-param NAME.KEY=VALUE`` (repeatable): a hyperparameter of one aggregator."""
    parser.add_argument(
        "--aggregator-param",
        action="append",
        default=[],
        metavar="NAME.KEY=VALUE",
        help="set a hyperparameter of an aggregator, e.g. ds.n_iter=50 (repeatable; "
        "`crowd-sandbox aggregators --params` lists them)",
    )


def add_kind(parser: argparse.ArgumentParser) -> None:
    """``--kind KIND``: the task kind of an export (default: detected)."""
    parser.add_argument(
        "--kind", help=f"task kind of the export: {' or '.join(KINDS)} (default: detected from the file)"
    )


def add_ties(parser: argparse.ArgumentParser, seed: bool = False) -> None:
    """``--ties random|smallest`` (and ``--seed S`` when the command has none): how an argmax over
    labels breaks ties (:mod:`sandbox.aggregation.ties`)."""
    parser.add_argument(
        "--ties",
        choices=TIE_RULES,
        default=TIE_RULES[0],
        help="tasks where labels tie: random among the tied labels, seeded by --seed (default), or "
        "the smallest label (crowd-kit's rule, for its published figures)",
    )
    if seed:
        parser.add_argument(
            "--seed", type=non_negative_int, default=0, help="random seed of tie-breaking (default 0)"
        )


def add_seed(parser: argparse.ArgumentParser) -> None:
    """``--seed S`` (default 0)."""
    parser.add_argument("--seed", type=non_negative_int, default=0, help="random seed (default 0)")


def add_policy(parser: argparse.ArgumentParser) -> None:
    """Redundancy, quality-control, adaptive-redundancy and difficulty flags (``CampaignPolicy``)."""
    parser.add_argument("--redundancy", type=int, default=5, help="answers per task (default 5)")
    group = parser.add_argument_group("campaign policy")
    group.add_argument("--gold-rate", type=float, default=0.0, help="share of items that are gold questions")
    group.add_argument("--ban-threshold", type=float, default=0.0, help="ban below this gold accuracy")
    group.add_argument("--min-gold", type=int, default=5, help="gold answers before a ban can happen")
    group.add_argument("--qualification", type=int, default=0, help="gold questions before starting")
    group.add_argument("--qualification-threshold", type=float, default=0.0, help="pass mark of the test")
    group.add_argument("--max-redundancy", type=int, help="adaptive: buy answers up to this many per task")
    group.add_argument("--confidence", type=float, default=0.8, help="adaptive: majority share that suffices")
    group.add_argument("--difficulty", default="auto", help="auto | model | beta | none (default auto)")
    group.add_argument(
        "--min-seconds",
        type=positive_float,
        help="speed ban: answers faster than this are too fast (default: none)",
    )
    group.add_argument(
        "--max-fast-share",
        type=float,
        default=0.5,
        help="speed ban: ban above this share of too-fast answers",
    )
    group.add_argument(
        "--min-timed-answers", type=int, default=5, help="speed ban: answers before a speed ban can happen"
    )
    group.add_argument(
        "--gold-placement",
        default="random",
        help="random | adversarial: gold where the reference model is wrong, to catch pasting",
    )


#: ``add_reference_model``'s flags and the ``ReferenceSettings`` key each sets.
REFERENCE_FLAGS = {
    "reference_model": "model",
    "reference_train_share": "train_share",
    "reference_accuracy": "accuracy",
    "judge_skill": "judge_skill",
    "judge_left": "judge_left",
    "judge_length_weight": "judge_length_weight",
    "judge_ties": "judge_ties",
}


def add_reference_model(parser: argparse.ArgumentParser) -> None:
    """The campaign's reference model (a stand-in language model; ``ReferenceSettings``)."""
    group = parser.add_argument_group(
        "reference model (the stand-in language model LLM-assisted workers paste and llm_* populations are)"
    )
    group.add_argument(
        "--reference-model",
        help="auto | logistic | forest | naive_bayes | tree (on the features) | profile (default auto)",
    )
    group.add_argument(
        "--reference-train-share", type=float, help="share of the data its classifier trains on (default 0.2)"
    )
    group.add_argument(
        "--reference-accuracy", type=float, help="a confusion profile's accuracy (default 0.85)"
    )
    group.add_argument(
        "--judge-skill",
        type=float,
        help="pairwise judge: P(right) one standard deviation apart (default 0.75)",
    )
    group.add_argument(
        "--judge-left", type=float, help="pairwise judge: P(first) on equal items (default 0.55)"
    )
    group.add_argument(
        "--judge-length-weight",
        type=float,
        help="pairwise judge: weight on the length difference (default 0.5)",
    )
    group.add_argument(
        "--judge-ties", type=float, help="pairwise judge: P(tie) on equal items (default 0.02)"
    )


def reference_from_args(args: argparse.Namespace) -> ReferenceSettings:
    """The validated reference-model settings of :func:`add_reference_model`'s flags (unset: defaults)."""
    from sandbox.simulation.reference import ReferenceSettings

    given = {
        key: getattr(args, flag) for flag, key in REFERENCE_FLAGS.items() if getattr(args, flag) is not None
    }
    return ReferenceSettings.from_dict(given, source="reference model options")


def policy_from_args(args: argparse.Namespace) -> CampaignPolicy:
    """The validated campaign policy of :func:`add_policy`'s flags."""
    from sandbox.simulation.policy import CampaignPolicy

    return CampaignPolicy.from_dict(
        {
            "redundancy": args.redundancy,
            "gold_rate": args.gold_rate,
            "ban_threshold": args.ban_threshold,
            "min_gold": args.min_gold,
            "qualification": args.qualification,
            "qualification_threshold": args.qualification_threshold,
            "max_redundancy": args.max_redundancy,
            "confidence": args.confidence,
            "difficulty": args.difficulty,
            "min_seconds": args.min_seconds,
            "max_fast_share": args.max_fast_share,
            "min_timed_answers": args.min_timed_answers,
            "gold_placement": args.gold_placement,
        },
        source="options",
    )


def add_import_options(
    parser: argparse.ArgumentParser, positional: bool = True, export_optional: bool = False
) -> None:
    """Options of every command that reads an export (``positional``: the EXPORT argument), then
    each task kind's own."""
    if positional:
        parser.add_argument(
            "export",
            nargs="?" if export_optional else None,
            help="export file (Label Studio JSON/JSON_MIN/CSV, long CSV/Parquet, MTurk CSV)",
        )
    parser.add_argument("--input-format", choices=FORMATS, help="export format (default: detected)")
    parser.add_argument("--from-name", help="labeling control (Label Studio) or question (MTurk) to read")
    parser.add_argument("--label-config", help="Label Studio label config (XML file): labels are checked")
    parser.add_argument("--task-field", help="identify tasks by this data field instead of the task id")
    parser.add_argument(
        "--duplicates",
        choices=DUPLICATE_POLICIES,
        default="keep_all",
        help="repeated (task, worker) answers: keep_all (default), keep_last, drop_conflicting",
    )
    parser.add_argument(
        "--multi-choice",
        choices=MULTI_CHOICE_POLICIES,
        default="error",
        help="multi-choice answers: error (default) or skip (counted)",
    )
    add_kind(parser)
    for kind in KINDS.values():
        kind.add_export_options(parser)


def add_min_seconds(parser: argparse.ArgumentParser) -> None:
    """``--min-seconds S``: answers faster than this are implausibly fast (default: the crowd's own times)."""
    parser.add_argument(
        "--min-seconds",
        type=positive_float,
        help="answers faster than this many seconds are implausibly fast (default: judged against the "
        "crowd's own times on the same task)",
    )


def add_gold(parser: argparse.ArgumentParser) -> None:
    """``--gold FILE``: gold labels, overriding the export's own ground truth."""
    parser.add_argument("--gold", help="gold labels (CSV/Parquet task, label); default: the export's own")


def add_reference(parser: argparse.ArgumentParser) -> None:
    """``--reference PREDICTIONS`` and ``--reference-as-worker NAME``: a model's answers, tested against
    each annotator's or imported as one more annotator."""
    parser.add_argument(
        "--reference",
        metavar="PREDICTIONS",
        help="a model's answers, tested against each annotator's: classification, a task,label "
        "CSV/Parquet or Label Studio predictions JSON (as `aggregate --out x.json` writes); pairwise, "
        "left,right,label (the preferred item or tie) or item,score",
    )
    parser.add_argument(
        "--reference-as-worker",
        metavar="NAME",
        help="also add the --reference model's answers as one annotator called NAME",
    )
