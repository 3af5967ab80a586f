"""A user's pairwise export in the dashboard: read an upload (and an optional items file), report on
the raters, fit a crowd, and compare a replica with the real answers.

A thin layer over the kind's own functions: ``readers.load_pairwise_answers`` (long tables, Label
Studio exports, MTurk batches), ``items.read_item_table``, ``report.pairwise_report``,
``fit.fit_pairwise_population`` and ``validation.validate_pairs`` (modules of this package).
Pure except :func:`read_pairwise_upload`, which writes the uploaded bytes into a directory the caller
owns.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sandbox.fitting.report import AnnotatorReport
from sandbox.io.importers.base import ImportedAnswers
from sandbox.io.uploads import save_upload
from sandbox.kinds.pairwise.fit import FittedPairwiseCrowd, fit_pairwise_population, pairwise_population_toml
from sandbox.kinds.pairwise.items import item_scores, read_item_table
from sandbox.kinds.pairwise.readers import load_pairwise_answers
from sandbox.kinds.pairwise.report import pairwise_report
from sandbox.kinds.pairwise.validation import (
    KS_TOLERANCE,
    SHARE_TOLERANCE,
    TVD_TOLERANCE,
    PairwiseValidation,
    validate_pairs,
)


@dataclass(frozen=True)
class PairwiseUpload:
    """The imported answers (``task, worker, left, right, label`` [, ``seconds``]) and the items
    (numeric features, ``score`` when known; None without an items file)."""

    name: str
    imported: ImportedAnswers
    items: pd.DataFrame | None

    @property
    def answers(self) -> pd.DataFrame:
        return self.imported.answers

    @property
    def scores(self) -> pd.Series | None:
        """The items' true quality, where the items file gives a ``score``."""
        return item_scores(self.items)


def read_pairwise_upload(
    answers: tuple[bytes, str], items: tuple[bytes, str] | None, directory: Path
) -> PairwiseUpload:
    """(bytes, file name) of a pairwise export and of an optional items file → :class:`PairwiseUpload`.
    Every problem is a SandboxError naming the file."""
    imported = load_pairwise_answers(save_upload(*answers, directory / "answers"))
    table = None
    if items is not None:
        table = read_item_table(save_upload(*items, directory / "items"), imported.answers)
    return PairwiseUpload(Path(answers[1]).name, imported, table)


def rater_report(upload: PairwiseUpload) -> AnnotatorReport:
    """The tie-aware, evidence-based report of ``report --kind pairwise``."""
    return pairwise_report(upload.answers, items=upload.items)


def fit_upload(upload: PairwiseUpload) -> tuple[FittedPairwiseCrowd, str]:
    """The crowd fitted as ``fit --kind pairwise`` does, and its population TOML."""
    fitted = fit_pairwise_population(
        upload.answers, name=Path(upload.name).stem or "fitted", items=upload.items, gold_scores=upload.scores
    )
    return fitted, pairwise_population_toml(fitted, source=upload.name)


def replica_check(upload: PairwiseUpload, seeds: int = 1) -> PairwiseValidation:
    """``validate --kind pairwise``: fit on half the pairs, replay the other half with twins."""
    return validate_pairs(
        upload.answers, Path(upload.name).stem, seeds=seeds, items=upload.items, gold_scores=upload.scores
    )


def replica_table(result: PairwiseValidation) -> pd.DataFrame:
    """One row per compared measure: real, replica, tolerance and whether it holds."""
    verdict = result.within_tolerance
    real, replica = result.real, result.replica
    share = f"±{SHARE_TOLERANCE}"
    ks = result.ks_rater_agreement
    rows = [
        ("share of ties", real.tie_share, replica.tie_share, share, verdict["tie_share"]),
        ("left picks (of decisive)", real.left_share, replica.left_share, share, verdict["left_share"]),
        (
            "longer picks (of decisive)",
            real.longer_share,
            replica.longer_share,
            share,
            verdict["longer_share"],
        ),
        (
            "rater agreement (mean)",
            real.rater_agreement,
            replica.rater_agreement,
            f"KS {ks:.3f} <= {KS_TOLERANCE}",
            bool(ks <= KS_TOLERANCE) if ks == ks else None,
        ),
        (
            "majority-share histogram",
            None,
            None,
            f"TVD {result.tvd_majority_share:.3f} <= {TVD_TOLERANCE}",
            verdict["majority_share"],
        ),
    ]
    return pd.DataFrame(rows, columns=["measure", "real", "replica", "tolerance", "within"])
