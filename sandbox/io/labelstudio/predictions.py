"""What every kind's Label Studio predictions share: the task id a prediction names, and which
control and object of the project it fills.

Predictions are the list accepted by the project's "import predictions" API
(``POST /api/projects/{id}/import/predictions``, label-studio-sdk's ``projects.import_predictions``):
one object per task with ``task`` (the Label Studio task id), ``model_version``, an optional
``score`` and a ``result`` in the kind's region type.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from foundation.errors import SandboxError
from sandbox.io.importers.base import ImportedAnswers
from sandbox.io.values import INT64_MAX, INTEGER_TEXT


def prediction_task_id(task: Any) -> int:
    """A Label Studio task id (a non-negative integer, or its plain decimal text: ASCII digits, so
    that ``"١٢"`` and ``"²"`` are not the tasks 12 and 2) from an answers table's task; SandboxError
    otherwise."""
    number: int | None = None
    if isinstance(task, int | np.integer) and not isinstance(task, bool | np.bool_):
        number = int(task)
    elif isinstance(task, str) and INTEGER_TEXT.fullmatch(task):
        number = int(task)
    if number is not None and 0 <= number <= INT64_MAX:
        return number
    raise SandboxError(
        f"task {task!r} is not a Label Studio task id; predictions need the export's own task ids "
        "(read the export without a task field)"
    )


def control_and_object(imported: ImportedAnswers, to_name: str | None, source: str) -> tuple[str, str]:
    """The control (``from_name``) the export was read from and the object it labels (``to_name``:
    the option given, else the export's own); SandboxError naming the options when either is unknown."""
    from_name = imported.control
    to_name = to_name or imported.to_name
    if not from_name or not to_name:
        raise SandboxError(
            f"{source} does not say which control and object were labeled "
            f"(from_name={from_name!r}, to_name={to_name!r}); give --from-name and --to-name"
        )
    return from_name, to_name
