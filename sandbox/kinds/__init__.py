"""The registry of task kinds (name → :class:`~sandbox.kinds.base.TaskKind`). A new kind is a module
that builds its TaskKind, plus one entry here."""

from __future__ import annotations

from foundation.errors import SandboxError
from sandbox.kinds.base import Scorer, ScoringInputs, TaskKind
from sandbox.kinds.classification import CLASSIFICATION
from sandbox.kinds.pairwise import PAIRWISE

TASK_KINDS: dict[str, TaskKind] = {kind.name: kind for kind in (CLASSIFICATION, PAIRWISE)}


def task_kind(name: str) -> TaskKind:
    """The kind called ``name``; SandboxError naming the registered ones otherwise."""
    if name not in TASK_KINDS:
        raise SandboxError(f"unknown task kind {name!r}; allowed: {', '.join(TASK_KINDS)}")
    return TASK_KINDS[name]


__all__ = ["TASK_KINDS", "Scorer", "ScoringInputs", "TaskKind", "task_kind"]
