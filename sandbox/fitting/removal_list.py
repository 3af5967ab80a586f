"""Who to remove, and on what evidence, whatever the task kind: the report's suspects as one table
people can act on.

:func:`lead_columns` puts the columns people decide on first (``identity``, ``suspect``,
``archetype``, ``reason``); :func:`with_identities` adds the export's own names of the annotators
(email or username where the export has them, else the id as text); :func:`removal_list` keeps the
suspects with every column of evidence the report has on them (agreement with the consensus,
accuracy on gold and its test against chance, the kind's model estimates, speed and its test).
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from sandbox.fitting.report import AnnotatorReport

#: The columns a reader decides on, first in every annotator table shown or downloaded.
LEAD_COLUMNS = ("identity", "suspect", "archetype", "reason")


def lead_columns(annotators: pd.DataFrame) -> pd.DataFrame:
    """``annotators`` with :data:`LEAD_COLUMNS` (those present) first, the others in their order."""
    first = [c for c in LEAD_COLUMNS if c in annotators.columns]
    return annotators[first + [c for c in annotators.columns if c not in first]]


def with_identities(report: AnnotatorReport, identities: pd.Series | None) -> AnnotatorReport:
    """``report`` whose annotators carry an ``identity`` column when the export names any of them
    (the name where known, else the worker id as text); unchanged otherwise."""
    if identities is None or identities.empty:
        return report
    annotators = report.annotators.copy()
    named = identities.reindex(annotators.index)
    shown = [
        str(worker) if pd.isna(name) else str(name)
        for worker, name in zip(annotators.index, named, strict=True)
    ]
    annotators.insert(0, "identity", shown)
    return dataclasses.replace(report, annotators=annotators)


def removal_list(report: AnnotatorReport) -> pd.DataFrame:
    """The suspected annotators, lead columns first, with every column of the report's evidence;
    indexed by ``worker`` (the export's key) and always with an ``identity`` column."""
    annotators = report.annotators
    if "identity" not in annotators.columns:
        annotators = annotators.assign(identity=[str(w) for w in annotators.index])
    suspects = annotators[annotators["suspect"].astype(bool)]
    return lead_columns(suspects).drop(columns="suspect")
