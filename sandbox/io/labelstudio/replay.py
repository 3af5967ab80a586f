"""A Label Studio JSON export pushed back as it is: a project that can be reviewed like the original.

What survives (:func:`replay_export`):

- each task's ``data`` as exported (plus ``crowd_task``, the export's task id, unless the data has a
  key of that name), so annotators and reviewers see the real item;
- the labeling controls and objects under their own names: the label config is the one given
  (``--label-config``) or, without one, rebuilt from the results (``<Choices>`` with every value
  seen, objects named by the results' ``to_name`` reading the data key of that name, else the
  task's first text field);
- every annotation's ``result`` as exported, ``ground_truth``, ``was_cancelled`` and ``lead_time``;
- the annotators: ``completed_by`` objects with an email become the Label Studio user of that email
  (created if missing, reused if present); bare numeric ids, which name nobody, become one
  placeholder user each (``worker-ID@crowd-sandbox.invalid``), so that they stay distinct.

Predictions and the export's own ids (task, annotation, user) are not pushed: the server assigns new
ones. Reading is bounded (:func:`sandbox.io.files.json_stream.iter_items`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from foundation.errors import SandboxError
from sandbox.io.files.json_stream import iter_items

TASK_FIELD = "crowd_task"
PLACEHOLDER_DOMAIN = "crowd-sandbox.invalid"
#: Annotation fields copied as exported (besides ``result`` and ``completed_by``).
KEPT_FIELDS = ("ground_truth", "was_cancelled", "lead_time")


@dataclass(frozen=True)
class Annotator:
    """Who an annotation is by: ``key`` (the export's id, or its email), and the email when the
    export names one (else None: a placeholder user stands in)."""

    key: str
    email: str | None

    @property
    def user_email(self) -> str:
        """The email of the Label Studio user that carries this annotator's annotations."""
        return self.email or f"worker-{self.key}@{PLACEHOLDER_DOMAIN}"

    @property
    def username(self) -> str:
        """A Label Studio username: the email's local part, or ``worker-ID``."""
        return (self.email.split("@", 1)[0] if self.email else f"worker-{self.key}")[:150]


def annotator(completed_by: Any, where: str) -> Annotator:
    """The :class:`Annotator` of an annotation's ``completed_by`` (an id, or an object with an
    ``email`` and/or ``id``); SandboxError naming ``where`` when it names nobody."""
    if isinstance(completed_by, Mapping):
        email = completed_by.get("email")
        email = email.strip() if isinstance(email, str) and "@" in email else None
        ident = completed_by.get("id")
        if email is not None:
            return Annotator(email, email)
        completed_by = ident
    if isinstance(completed_by, bool) or not isinstance(completed_by, (int, str)) or str(completed_by) == "":
        raise SandboxError(f"{where}: completed_by {completed_by!r} names no annotator")
    return Annotator(str(completed_by), None)


@dataclass(frozen=True)
class ExportTasks:
    """The tasks of an export ready to import (annotations still keyed by :class:`Annotator`), the
    annotators in first-seen order, and the controls seen: name → (type, to_name, values)."""

    tasks: list[dict[str, Any]]
    annotators: list[Annotator]
    controls: dict[str, tuple[str, str, list[str]]]


def read_export_tasks(path: Path) -> ExportTasks:
    """The tasks of the Label Studio JSON export at ``path`` (see the module docstring)."""
    tasks: list[dict[str, Any]] = []
    annotators: dict[str, Annotator] = {}
    controls: dict[str, tuple[str, str, list[str]]] = {}
    for number, task in enumerate(iter_items(path, what="task")):
        where = f"{path.name}, task {number + 1}"
        if not isinstance(task, Mapping) or not isinstance(task.get("data"), Mapping):
            raise SandboxError(f"{where}: a Label Studio task is an object with a 'data' object")
        data = dict(task["data"])
        if TASK_FIELD not in data and "id" in task:
            data[TASK_FIELD] = str(task["id"])
        annotations = []
        for annotation in task.get("annotations") or []:
            if not isinstance(annotation, Mapping):
                raise SandboxError(f"{where}: an annotation is not an object")
            who = annotator(annotation.get("completed_by"), where)
            annotators.setdefault(who.key, who)
            result = annotation.get("result") or []
            if not isinstance(result, list):
                raise SandboxError(f"{where}: an annotation's result is not a list")
            for region in result:
                _note_control(region, controls, where)
            kept = {name: annotation[name] for name in KEPT_FIELDS if annotation.get(name) is not None}
            annotations.append({"completed_by": who, "result": result, **kept})
        tasks.append({"data": data, "annotations": annotations})
    return ExportTasks(tasks, list(annotators.values()), controls)


def _note_control(region: Any, controls: dict[str, tuple[str, str, list[str]]], where: str) -> None:
    """Record the control a result region comes from (its type, object and the values seen)."""
    if not isinstance(region, Mapping):
        raise SandboxError(f"{where}: a result region is not an object")
    name, kind, to_name = region.get("from_name"), region.get("type"), region.get("to_name")
    if not (isinstance(name, str) and isinstance(kind, str) and isinstance(to_name, str)) or not (
        name and kind and to_name
    ):
        raise SandboxError(f"{where}: a result region lacks from_name, to_name or type")
    _, _, values = controls.setdefault(name, (kind, to_name, []))
    value = region.get("value")
    choices = value.get("choices") if isinstance(value, Mapping) else None
    for choice in choices if isinstance(choices, list) else []:
        if str(choice) not in values:
            values.append(str(choice))


def rebuilt_label_config(export: ExportTasks) -> str:
    """A label config with the export's own control and object names (``Choices`` controls only);
    SandboxError for another control type: its config must be given."""
    if not export.controls:
        raise SandboxError(
            "the export has no labelled result to rebuild a label config from: give --label-config"
        )
    sample: dict[str, Any] = next((task["data"] for task in export.tasks), {})
    texts = [key for key, value in sample.items() if isinstance(value, str) and key != TASK_FIELD]
    objects: dict[str, str] = {}
    tags = []
    for name, (kind, to_name, values) in export.controls.items():
        if kind != "choices":
            raise SandboxError(
                f"the export's control {name!r} is of type {kind!r}; only choices can be rebuilt: "
                "give the project's labeling config with --label-config FILE"
            )
        if to_name not in objects:
            key = to_name if to_name in sample else (texts[0] if texts else TASK_FIELD)
            objects[to_name] = f"<Text name={quoteattr(to_name)} value={quoteattr('$' + key)}/>"
        multiple = ' choice="multiple"' if _multiple(export, name) else ' choice="single"'
        choices = "".join(f"<Choice value={quoteattr(v)}/>" for v in values)
        tags.append(
            f"<Choices name={quoteattr(name)} toName={quoteattr(to_name)}{multiple}>{choices}</Choices>"
        )
    return "<View>" + "".join(objects.values()) + "".join(tags) + "</View>"


def _multiple(export: ExportTasks, control: str) -> bool:
    """Whether some result of ``control`` chose several values."""
    for task in export.tasks:
        for annotation in task["annotations"]:
            for region in annotation["result"]:
                value = region.get("value") if region.get("from_name") == control else None
                if isinstance(value, Mapping) and len(value.get("choices") or []) > 1:
                    return True
    return False


def importable(export: ExportTasks, users: Mapping[str, int]) -> list[dict[str, Any]]:
    """The tasks with each annotation's ``completed_by`` the Label Studio user id of its annotator."""
    return [
        {
            "data": task["data"],
            "annotations": [
                {**annotation, "completed_by": users[annotation["completed_by"].key]}
                for annotation in task["annotations"]
            ],
        }
        for task in export.tasks
    ]
