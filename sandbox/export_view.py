"""A user's own answers in the dashboard: read an upload, consensus with confidence, annotator table.

Pure except :func:`read_upload`, which writes the uploaded bytes to a file in a directory the
caller owns (the readers take paths). Suspected-spammer rules, on workers with at least
``MIN_ANSWERS`` answers: *fixed* — one label in ≥ 90% of a worker's answers while the consensus
gives that label to < 70% of the same tasks; *no signal* — agreement with the consensus within 0.1
of chance (the agreement of a guess drawn from the consensus class frequencies) or below it.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sandbox.aggregation import Aggregation
from sandbox.errors import SandboxError
from sandbox.real_answers import RealAnswers, read_gold
from sandbox.tables import TABLE_SUFFIXES, read_table, validate_answers

MIN_ANSWERS = 5
FIXED_SHARE = 0.9
FIXED_CONSENSUS_SHARE = 0.7
CHANCE_MARGIN = 0.1


def _save(data: bytes, filename: str, directory: Path) -> Path:
    suffix = Path(filename).suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise SandboxError(
            f"{filename}: unsupported file type {suffix or '(none)'!r}; upload {', '.join(TABLE_SUFFIXES)}"
        )
    path = directory / f"upload{suffix}"
    path.write_bytes(data)
    return path


def read_upload(answers: tuple[bytes, str], gold: tuple[bytes, str] | None, directory: Path) -> RealAnswers:
    """(bytes, file name) of an answers table (``task, worker, label``) and optional gold
    (``task, label``) → :class:`RealAnswers`. Every problem is a SandboxError naming the file."""
    directory.mkdir(parents=True, exist_ok=True)
    answers_path = _save(*answers, directory)
    table = read_table(answers_path, "answers")
    frame = validate_answers(table, answers[1])
    truth = pd.Series(dtype=object, name="label", index=pd.Index([], name="task"))
    if gold is not None:
        gold_dir = directory / "gold"
        gold_dir.mkdir(exist_ok=True)
        truth = read_gold(_save(*gold, gold_dir))
    return RealAnswers(Path(answers[1]).stem, frame, truth)


def consensus_table(aggregation: Aggregation) -> pd.DataFrame:
    """``task, label, confidence`` (the aggregator's top posterior; NaN when it gives none)."""
    labels = aggregation.labels
    if aggregation.probas is not None:
        confidence = aggregation.probas.max(axis=1).reindex(labels.index).to_numpy(dtype=float)
    else:
        confidence = np.full(len(labels), np.nan)
    return pd.DataFrame(
        {"task": labels.index.to_numpy(), "label": labels.to_numpy(), "confidence": confidence}
    )


def annotator_table(
    answers: pd.DataFrame, aggregation: Aggregation, gold: pd.Series | None = None
) -> pd.DataFrame:
    """Per worker: ``worker, answers, agreement, estimated_skill, gold_answers, gold_accuracy,
    top_label, top_label_share, suspected, reason`` (see the module docstring for the rules)."""
    consensus = aggregation.labels
    frame = answers.assign(consensus=answers["task"].map(consensus))
    frame["agrees"] = frame["label"] == frame["consensus"]
    by_worker = frame.groupby("worker", sort=True)
    counts = frame.groupby(["worker", "label"], sort=True).size().unstack(fill_value=0)
    table = pd.DataFrame(
        {
            "answers": by_worker.size(),
            "agreement": by_worker["agrees"].mean(),
            "top_label": counts.idxmax(axis=1),
            "top_label_share": counts.max(axis=1) / counts.sum(axis=1),
        }
    )
    skills = aggregation.skills
    table["estimated_skill"] = skills.reindex(table.index) if skills is not None else np.nan
    if gold is not None and len(gold):
        known = frame[frame["task"].isin(gold.index)]
        right = (known["label"] == known["task"].map(gold)).groupby(known["worker"])
        table["gold_answers"] = right.size().reindex(table.index, fill_value=0)
        table["gold_accuracy"] = right.mean().reindex(table.index)
    else:
        table["gold_answers"] = 0
        table["gold_accuracy"] = np.nan
    chance = float((consensus.value_counts(normalize=True) ** 2).sum())
    reasons = []
    for worker, row in table.to_dict("index").items():  # keeps each column's type
        mine = frame[frame["worker"] == worker]
        consensus_share = float((mine["consensus"] == row["top_label"]).mean())
        reasons.append(_reason(row, chance, consensus_share))
    table["suspected"] = [bool(r) for r in reasons]
    table["reason"] = reasons
    table.index.name = "worker"
    columns = [
        "answers",
        "agreement",
        "estimated_skill",
        "gold_answers",
        "gold_accuracy",
        "top_label",
        "top_label_share",
        "suspected",
        "reason",
    ]
    return table[columns].reset_index()


def _reason(row: Mapping[Hashable, Any], chance: float, consensus_share: float) -> str:
    """Why a worker is suspected ('' when not)."""
    if row["answers"] < MIN_ANSWERS:
        return ""
    if row["top_label_share"] >= FIXED_SHARE and consensus_share < FIXED_CONSENSUS_SHARE:
        return (
            f"answers {row['top_label']!s} in {row['top_label_share']:.0%} of answers; the consensus "
            f"is {row['top_label']!s} on only {consensus_share:.0%} of those tasks"
        )
    if row["agreement"] < chance + CHANCE_MARGIN:
        return f"agrees with the consensus {row['agreement']:.0%}, chance is {chance:.0%}"
    return ""


def fitted_population(table: pd.DataFrame, name: str, cost_per_label: float = 0.0) -> dict[str, object]:
    """A population dict (TOML schema) from an :func:`annotator_table`: suspected workers become
    fixed-answer or uniform spammers, the others honest workers whose skill values are their gold
    accuracy where known, else their agreement with the consensus (clipped to [0.01, 0.99])."""
    fixed = table["suspected"] & (table["top_label_share"] >= FIXED_SHARE)
    uniform = table["suspected"] & ~fixed
    honest = table[~table["suspected"]]
    n = len(table)
    archetypes: dict[str, dict[str, object]] = {}
    if len(honest):
        skill = honest["gold_accuracy"].where(honest["gold_answers"] >= MIN_ANSWERS, honest["agreement"])
        values = [round(float(v), 4) for v in skill.clip(0.01, 0.99)]
        archetypes["honest"] = {"share": len(honest) / n, "skill": {"values": values}}
    if fixed.any():
        archetypes["fixed_spammer"] = {"share": int(fixed.sum()) / n}
    if uniform.any():
        archetypes["uniform_spammer"] = {"share": int(uniform.sum()) / n}
    return {
        "name": name,
        "description": f"fitted from the answers of {n} annotators",
        "pool_size": n,
        "cost_per_label": float(cost_per_label),
        "archetypes": archetypes,
    }
