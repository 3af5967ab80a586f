"""A user's own export in the dashboard: read an upload, report on annotators, consensus, fitted crowd.

A thin layer over the export modules: :func:`sandbox.io.importers.load_answers` (Label Studio JSON,
JSON_MIN and CSV exports, long CSV/Parquet tables, MTurk batches; auto-detected),
:func:`sandbox.kinds.classification.report.build_report` (with the agreement statistics, and the
suspects' removal by :mod:`sandbox.kinds.classification.removal`),
:mod:`sandbox.kinds.classification.consensus` and
:func:`sandbox.kinds.classification.fit.fit_population`. Pure except :func:`read_upload`, which writes the
uploaded bytes into a directory the caller owns (the readers take paths).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sandbox.aggregation.ties import DEFAULT_TIES, TieBreak
from sandbox.experiment.verdict import Prices
from sandbox.fitting.removal_list import lead_columns, removal_list, with_identities
from sandbox.fitting.report import AnnotatorReport
from sandbox.io.importers.base import ImportedAnswers
from sandbox.io.uploads import save_upload
from sandbox.kinds.base import task_kind
from sandbox.kinds.classification.answers import align_gold, read_gold
from sandbox.kinds.classification.consensus import consensus_table, labelstudio_predictions
from sandbox.kinds.classification.kind import KIND
from sandbox.kinds.classification.readers import load_answers
from sandbox.kinds.classification.report import report_and_consensus


@dataclass(frozen=True)
class Upload:
    """What was uploaded: the imported answers and the gold to score against (None without gold).

    ``gold``: the separate gold file when one was uploaded, else the export's own ground truth.
    """

    name: str
    imported: ImportedAnswers
    gold: pd.Series | None

    @property
    def answers(self) -> pd.DataFrame:
        """``task, worker, label``."""
        return self.imported.answers


def read_upload(answers: tuple[bytes, str], gold: tuple[bytes, str] | None, directory: Path) -> Upload:
    """(bytes, file name) of an export and of an optional gold table (``task, label``) → :class:`Upload`.
    Every problem is a SandboxError naming the file."""
    imported = load_answers(save_upload(*answers, directory / "answers"))
    truth = read_gold(save_upload(*gold, directory / "gold")) if gold is not None else imported.gold
    if truth is not None and len(truth):
        truth = align_gold(
            truth, imported.answers, gold[1] if gold is not None else f"{answers[1]} (its ground truth)"
        )
    return Upload(Path(answers[1]).name, imported, truth if truth is not None and len(truth) else None)


def analyse(
    upload: Upload, aggregator: str, ties: TieBreak = DEFAULT_TIES, seed: int = 0
) -> tuple[AnnotatorReport, pd.DataFrame]:
    """The annotator report (with the agreement statistics, what removing the suspects changes and
    the export's identities of the annotators) and the consensus table (``task, label,
    confidence``) of ``aggregator``, ties broken by ``ties`` (as ``report --ties``); ``seed`` draws
    the bootstraps."""
    report, consensus = report_and_consensus(
        upload.answers, aggregator=aggregator, gold=upload.gold, ties=ties, seed=seed
    )
    report = with_identities(report, upload.imported.identities)
    return report, consensus_table(consensus.labels, consensus.probas)


def annotator_table(report: AnnotatorReport) -> pd.DataFrame:
    """Every annotator, the columns people decide on first, suspects first (then the least
    accurate by the Dawid–Skene estimate), the worker id as a column."""
    ordered = lead_columns(report.annotators)
    keys = ["suspect", *(["ds_accuracy"] if "ds_accuracy" in ordered.columns else [])]
    ordered = ordered.sort_values(keys, ascending=[False, True][: len(keys)], kind="stable")
    return ordered.reset_index()


def removal_table(report: AnnotatorReport) -> pd.DataFrame:
    """The removal list (:func:`sandbox.fitting.removal_list.removal_list`), the worker id as a column."""
    return removal_list(report).reset_index()


def alpha_table(report: AnnotatorReport) -> pd.DataFrame:
    """Alpha overall and per class with its interval, the class as text (the overall row is named
    in words, the classes may be numbers)."""
    if report.agreement is None:
        return pd.DataFrame()
    table = report.agreement.alpha.reset_index()
    table["class"] = table["class"].map(str)
    return table


def removal_effects(report: AnnotatorReport) -> pd.DataFrame:
    """What removing the suspects changes, one row per figure (``figure, value``)."""
    effects = report.removal.effects if report.removal is not None else {}
    return pd.DataFrame({"figure": list(effects), "value": [str(v) for v in effects.values()]})


def predictions_json(upload: Upload, consensus: pd.DataFrame, aggregator: str) -> str | None:
    """Label Studio predictions (JSON text) of the consensus, or None when the upload does not say
    which control and object were labelled (not a Label Studio export)."""
    if not upload.imported.control or not upload.imported.to_name:
        return None
    predictions = labelstudio_predictions(
        consensus,
        from_name=upload.imported.control,
        to_name=upload.imported.to_name,
        model_version=f"crowd-sandbox-{aggregator}",
    )
    return json.dumps(predictions, indent=1) + "\n"


def consensus_accuracy(consensus: pd.DataFrame, gold: pd.Series) -> tuple[float, int]:
    """(accuracy, number of tasks) of the consensus on the tasks that have gold."""
    scored = consensus[consensus["task"].isin(gold.index)]
    if scored.empty:
        return float("nan"), 0
    right = scored["label"].to_numpy() == gold.reindex(scored["task"]).to_numpy()
    return float(right.mean()), len(scored)


@dataclass(frozen=True)
class VerdictView:
    """The verdict of an upload, as the page shows it: the text (``headline`` its first sentence),
    the assumptions about curation, each question's crowd and curation lines (one row per side),
    the fitted crowd as TOML and the whole JSON document (the ``verdict`` command's)."""

    headline: str
    reasons: list[str]
    winner: str
    assumptions: list[str]
    warnings: list[str]
    budget: float
    target_accuracy: float
    at_budget: pd.DataFrame
    at_target: pd.DataFrame
    crowd_toml: str
    document: dict[str, Any]


def curation_inputs() -> tuple[float, float]:
    """The curation preset's price per answer and curators' mean accuracy: the page's defaults."""
    from sandbox.experiment.verdict import curation_defaults

    price, accuracy = curation_defaults(task_kind(KIND))
    return price, accuracy if accuracy is not None else 0.95


#: The model population the page offers as a third side.
PAGE_LLM = "llm_annotator"


def page_prices(
    cost: float, curation_cost: float, curation_accuracy: float, llm_accuracy: float | None = None
) -> Prices:
    """The prices a page's inputs stand for: curation's left as the preset's (None) where the input
    still shows the preset's value, so that the verdict says which values were given;
    ``llm_accuracy``: the model's side (:data:`PAGE_LLM`) at that assumed accuracy (None: none)."""
    price, accuracy = curation_inputs()
    return Prices(
        cost,
        None if math.isclose(curation_cost, price, abs_tol=1e-9) else curation_cost,
        None if math.isclose(curation_accuracy, accuracy, abs_tol=5e-4) else curation_accuracy,
        llm=None if llm_accuracy is None else PAGE_LLM,
        llm_accuracy=llm_accuracy,
    )


def verdict_view(
    upload: Upload,
    prices: Prices,
    *,
    budget: float | None = None,
    target_accuracy: float | None = None,
    seed: int = 0,
) -> VerdictView:
    """The ``verdict`` of the upload (:func:`sandbox.experiment.verdict.export_verdict`, the path
    the command takes) at ``prices``; SandboxError as the command would say it (e.g. no gold)."""
    from sandbox.experiment.verdict import export_verdict
    from sandbox.reporting.verdict import verdict_json
    from sandbox.reporting.views import population_toml

    verdict = export_verdict(
        task_kind(KIND),
        upload.imported,
        upload.gold,
        upload.name,
        prices,
        seed=seed,
        budget=budget,
        target_accuracy=target_accuracy,
    )
    document = verdict_json(verdict)
    headline, *reasons = verdict.text.splitlines()
    lines = {key: _side_rows(document[key]) for key in ("at_budget", "at_target")}
    crowd = verdict.crowd_population
    return VerdictView(
        headline=headline,
        reasons=reasons,
        winner=verdict.winner,
        assumptions=list(verdict.assumptions),
        warnings=list(document["warnings"]),
        budget=verdict.budget,
        target_accuracy=verdict.target_accuracy,
        at_budget=lines["at_budget"],
        at_target=lines["at_target"],
        crowd_toml=population_toml(crowd) if crowd is not None else "",
        document=document,
    )


def _side_rows(question: dict[str, Any]) -> pd.DataFrame:
    """One row per side of a ``compare`` document: what it chose and what it achieved."""
    columns = ["population", "accuracy", "cost", "n_labels", "redundancy", "gold_rate", "coverage", "reached"]
    sides = [key for key in ("crowd", "curation", "llm") if question.get(key)]
    return pd.DataFrame([{"side": key, **{c: question[key][c] for c in columns}} for key in sides])
