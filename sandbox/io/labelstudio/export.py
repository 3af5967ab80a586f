"""What every kind reads the same way in a Label Studio export: who annotated (``completed_by``: the
id is the worker's key, the email or username how people know them) and which task (its ``id``, or
a data field)."""

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


#: The keys of a ``completed_by`` object that name a person, in the order they are preferred.
IDENTITY_KEYS = ("email", "username")


def worker_identity(completed_by: Any, created_username: Any = None) -> str | None:
    """How the export names the worker to people: ``completed_by``'s email or username when it is
    an object, else the annotation's ``created_username`` (Label Studio writes ``"name email, id"``;
    the trailing ``, id`` is dropped); None when the export gives no name beyond the id."""
    if isinstance(completed_by, dict):
        for key in IDENTITY_KEYS:
            value = completed_by.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
    if isinstance(created_username, str) and created_username.strip():
        name, _, tail = created_username.strip().rpartition(",")
        text = name.strip() if name and tail.strip().isdigit() else created_username.strip()
        return text or None
    return None


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
