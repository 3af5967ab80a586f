"""Real (not simulated) answers for ``evaluate`` and ``validate``: a bundled dataset's real crowd.
An export's answers are read by its task kind (:meth:`sandbox.kinds.base.TaskKind.real_answers`)."""

from __future__ import annotations

from foundation.errors import SandboxError
from sandbox.datasets import datasets_with_answers, load_dataset
from sandbox.kinds.base import RealAnswers


def from_dataset(name: str) -> RealAnswers:
    """The real crowd answers and expert gold of a bundled dataset."""
    with_answers = datasets_with_answers()
    if name not in with_answers:
        raise SandboxError(
            f"dataset {name!r} has no real crowd answers; "
            f"datasets with real answers: {', '.join(with_answers)}"
        )
    dataset = load_dataset(name)
    if dataset.answers is None:
        raise SandboxError(f"dataset {name!r} has no real crowd answers")
    return RealAnswers(
        name, dataset.answers, dataset.truth, dataset, gold_size=len(dataset.truth), kind=dataset.kind
    )
