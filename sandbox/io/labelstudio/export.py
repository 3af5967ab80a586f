"""What every kind reads the same way in a Label Studio export: who annotated (``completed_by``)
and which task (its ``id``, or a data field)."""

from __future__ import annotations

from typing import Any

from foundation.errors import SandboxError
from sandbox.io.importers.base import id_value


def worker_id(completed_by: Any, where: str) -> str:
    """The worker named by ``completed_by`` (an id, or an object with ``id``/``email``)."""
    if isinstance(completed_by, dict):
        value = completed_by.get("id", completed_by.get("email"))
    else:
        value = completed_by
    if value is None or value == "":
        raise SandboxError(
            f"{where}: missing or invalid completed_by ({completed_by!r}); "
            "each answer must name its annotator by id or email"
        )
    return str(id_value(value, where, "completed_by"))


def task_id(task: dict[str, Any], task_field: str | None, where: str) -> int | str:
    """The task's identifier: its Label Studio ``id``, or ``data[task_field]`` when given."""
    if task_field is None:
        value = task.get("id")
    else:
        data = task.get("data")
        value = data.get(task_field) if isinstance(data, dict) else None
    what = "id" if task_field is None else f"data.{task_field}"
    if value is None:
        raise SandboxError(f"{where}: task without {what}")
    return id_value(value, where, f"task {what}")


def short_repr(value: Any, limit: int = 120) -> str:
    """``repr(value)`` cut to ``limit`` characters (a hostile value may be megabytes long)."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
