"""Talk to a live Label Studio server through label-studio-sdk's client: pull exports, push crowds.

- :func:`pull` downloads a project's export (``JSON``, ``JSON_MIN`` or ``CSV``) to a file, ready for
  :func:`sandbox.io.importers.load_answers`.
- :func:`push` creates a project with a label config fitting the labels, one annotator user per
  worker, and imports the tasks with the answers inline (one request per batch of tasks, not one
  per annotation), each attributed to its worker's user. Gold, if given, is imported as a
  ``ground_truth`` annotation of the calling user. Task data carry ``crowd_task`` (the original
  task id), so ``load_answers(..., task_field="crowd_task")`` maps tasks back.

The API key comes from the ``api_key`` argument or env ``LABEL_STUDIO_API_KEY``; it is never
printed, logged or put into an error message: the SDK's own errors carry response headers, so only
their status and detail are reported, and every message is passed through :func:`redact` before it
is cut to length (a server may echo the request's ``Authorization`` header in its body): the key,
any run of :data:`KEY_FRAGMENT` or more of its characters, and every ``Token``/``Bearer``/``Basic``
credential become ``***``. A URL with a ``user:password@`` part is refused (httpx would send it as
Basic credentials): the key is the one credential sent.

Every response is bounded (:mod:`sandbox.io.labelstudio.transport`): a deadline per request, a cap
on what it unpacks to.

A download is streamed into a temporary file beside ``out`` (:func:`sandbox.io.files.atomic.atomic_file`)
and checked before it replaces ``out``: a JSON export must be a JSON list (read through the bounded
reader), a CSV export a table with an ``id`` column; anything else — an HTML page answered with
HTTP 200, a truncated body — is an error, and no partial file is left behind.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from xml.sax.saxutils import quoteattr

import pandas as pd

from foundation.errors import SandboxError, first_line
from sandbox.io.files.atomic import atomic_file
from sandbox.io.files.json_stream import iter_items
from sandbox.io.labelstudio.replay import (
    TASK_FIELD,
    Annotator,
    importable,
    read_export_tasks,
    rebuilt_label_config,
)
from sandbox.io.labelstudio.transport import Limits, bounded_client

EXPORT_TYPES: tuple[str, ...] = ("JSON", "JSON_MIN", "CSV")
API_KEY_ENV = "LABEL_STUDIO_API_KEY"
CONTROL = "label"
WORKER_EMAIL_DOMAIN = "crowd-sandbox.invalid"
_BATCH = 500
_AUTHORIZATION = re.compile(
    r"((?:authorization|api[_-]?key|token)['\"]?\s*[:=]\s*['\"]?)(?:(?:token|bearer|basic)\s+)?[^\s'\",}]+",
    re.IGNORECASE,
)
_SCHEME = re.compile(r"\b(token|bearer|basic)\s+[A-Za-z0-9+/=._~-]{4,}", re.IGNORECASE)
#: A run of this many characters of the key (or more) is redacted wherever it appears.
KEY_FRAGMENT = 6
#: Characters of a server's message shown (after redaction).
MESSAGE_CHARACTERS = 300


def _key_fragments(text: str, key: str) -> str:
    """``text`` with every run of :data:`KEY_FRAGMENT` or more characters of ``key`` (a part of the
    key, e.g. echoed and cut by the server) replaced by ``***``."""
    size = min(KEY_FRAGMENT, len(key))
    pieces = {key[i : i + size] for i in range(len(key) - size + 1)}
    hidden = [False] * len(text)
    for i in range(len(text) - size + 1):
        if text[i : i + size] in pieces:
            for j in range(i, i + size):
                hidden[j] = True
    out: list[str] = []
    for i, character in enumerate(text):
        if not hidden[i]:
            out.append(character)
        elif i == 0 or not hidden[i - 1]:
            out.append("***")
    return "".join(out)


def redact(text: str, key: str | None) -> str:
    """``text`` without credentials: the key, any part of it of :data:`KEY_FRAGMENT` characters or
    more, and any ``Authorization: …`` value or ``Token``/``Bearer``/``Basic`` credential become
    ``***``."""
    if key and len(key) >= 4:
        text = _key_fragments(text.replace(key, "***"), key)
    text = _AUTHORIZATION.sub(lambda match: match.group(1) + "***", text)
    return _SCHEME.sub(lambda match: match.group(1) + " ***", text)


def shorten(text: str, limit: int = MESSAGE_CHARACTERS) -> str:
    """``text`` cut to ``limit`` characters (after redaction, never before)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def safe_url(url: str) -> str:
    """``url`` without a ``user:password@`` part, for messages."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit(parts._replace(netloc=netloc))


@dataclass(frozen=True)
class PushResult:
    """What :func:`push` created: the project, the user id of each worker, task/answer counts,
    and the user (the caller) whose ``ground_truth`` annotations carry the gold."""

    project_id: int
    users: dict[str, int]
    gold_user: int
    n_tasks: int
    n_annotations: int


def label_config(labels: list[str], control: str = CONTROL) -> str:
    """A classification label config: a text and one ``Choices`` control with ``labels``."""
    choices = "".join(f"<Choice value={quoteattr(str(v))}/>" for v in labels)
    return (
        f'<View><Text name="text" value="$text"/>'
        f'<Choices name="{control}" toName="text" choice="single">{choices}</Choices></View>'
    )


def _key(api_key: str | None) -> str:
    return api_key if api_key is not None else os.environ.get(API_KEY_ENV, "")


def connect(url: str, api_key: str | None = None, limits: Limits | None = None) -> Any:
    """A label-studio-sdk client for ``url`` whose every response is bounded by ``limits``; the key
    from ``api_key`` or the environment. SandboxError for a URL holding credentials."""
    from label_studio_sdk.client import LabelStudio as _LabelStudio

    factory: Any = _LabelStudio
    key = _key(api_key)
    if not key:
        raise SandboxError(f"no Label Studio API key: set the {API_KEY_ENV} environment variable")
    if not url.startswith(("http://", "https://")):
        raise SandboxError(f"Label Studio URL {safe_url(url)!r} must start with http:// or https://")
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None:
        raise SandboxError(
            f"Label Studio URL {safe_url(url)!r} holds a user name or password; credentials go in "
            f"the {API_KEY_ENV} environment variable, never in the URL"
        )
    client = bounded_client(limits or Limits())
    return factory(base_url=url.rstrip("/"), api_key=key, httpx_client=client)


@contextmanager
def _api(what: str, url: str, api_key: str | None = None) -> Iterator[None]:
    """Turn SDK and network errors into SandboxError without leaking headers or the key."""
    from label_studio_sdk.core.api_error import ApiError

    key = _key(api_key)
    where = f"Label Studio at {safe_url(url)}: {what}"
    try:
        yield
    except SandboxError as exc:
        raise SandboxError(redact(str(exc), key)) from None
    except ApiError as exc:
        body = exc.body if isinstance(exc.body, dict) else {"detail": str(exc.body)}
        detail = body.get("validation_errors") or body.get("detail") or body
        hint = " (check LABEL_STUDIO_API_KEY)" if exc.status_code in (401, 403) else ""
        shown = shorten(redact(str(detail), key))  # redacted first: a cut could leave part of the key
        raise SandboxError(
            redact(f"{where} failed with HTTP {exc.status_code}: {shown}{hint}", key)
        ) from None
    except OSError as exc:  # httpx errors derive from Exception; connection ones wrap OSError
        raise SandboxError(redact(f"{where} failed ({shorten(redact(first_line(exc), key))})", key)) from None
    except Exception as exc:
        if type(exc).__module__.startswith(("httpx", "label_studio_sdk", "pydantic", "json", "zlib")):
            shown = shorten(redact(first_line(exc), key))
            raise SandboxError(redact(f"{where} failed ({shown})", key)) from None
        raise


def check_export(path: Path, export_type: str) -> None:
    """SandboxError unless ``path`` holds a Label Studio export of ``export_type`` (module docstring)."""
    with path.open("rb") as handle:
        head = handle.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] == b"<":
        raise SandboxError(
            f"the server sent an HTML or XML page ({head[:60].decode('utf-8', 'replace')!r}…), not a "
            f"{export_type} export: is --url the Label Studio address?"
        )
    if export_type == "CSV":
        try:
            header = next(csv.reader(io.StringIO(head.decode("utf-8", "replace").split("\n", 1)[0])), [])
        except csv.Error:
            header = []
        if "id" not in header:
            raise SandboxError(f"the server's answer is not a CSV export (no 'id' column in {header[:8]})")
        return
    try:
        for _ in iter_items(path, what="task"):
            pass
    except SandboxError as exc:
        message = str(exc).replace(str(path), "the download")
        raise SandboxError(f"the server's answer is not a {export_type} export ({message})") from None


def pull(
    url: str,
    project_id: int,
    out: Path,
    *,
    export_type: str = "JSON",
    api_key: str | None = None,
    limits: Limits | None = None,
) -> Path:
    """Download project ``project_id``'s export (all tasks) into ``out``; return ``out``.

    The file is written to a temporary name first, checked, and renamed when complete; on any
    failure (a limit of ``limits`` included) nothing is left behind.
    """
    if export_type not in EXPORT_TYPES:
        raise SandboxError(f"unknown export type {export_type!r}; allowed: {', '.join(EXPORT_TYPES)}")
    client = connect(url, api_key, limits)
    with _api(f"export of project {project_id}", url, api_key), atomic_file(out) as (handle, temporary):
        for chunk in client.projects.exports.download_sync(
            project_id, export_type=export_type, download_all_tasks=True
        ):
            handle.write(chunk)
        handle.flush()
        check_export(temporary, export_type)
    return out


def _result(label: object) -> list[dict[str, Any]]:
    return [
        {
            "from_name": CONTROL,
            "to_name": "text",
            "type": "choices",
            "value": {"choices": [str(label)]},
        }
    ]


def _users(client: Any, workers: list[str], url: str, api_key: str | None) -> dict[str, int]:
    """One Label Studio user per worker (reused when a user with that email exists)."""
    with _api("listing users", url, api_key):
        existing = {u.email: u.id for u in client.users.list()}
    users = {}
    for worker in workers:
        email = f"worker-{worker}@{WORKER_EMAIL_DOMAIN}"
        if email not in existing:
            with _api(f"creating the user for worker {worker!r}", url, api_key):
                user = client.users.create(
                    username=f"worker-{worker}"[:150], email=email, first_name=str(worker)[:30]
                )
            existing[email] = user.id
        users[worker] = int(existing[email])
    return users


def _import_tasks(
    client: Any, project: Any, tasks: list[dict[str, Any]], url: str, api_key: str | None
) -> None:
    """Import ``tasks`` into ``project`` in batches of :data:`_BATCH`."""
    for start in range(0, len(tasks), _BATCH):
        with _api(f"importing tasks into project {project}", url, api_key):
            client.projects.import_tasks(project, request=tasks[start : start + _BATCH])


def push(
    url: str,
    answers: pd.DataFrame,
    *,
    title: str,
    labels: list[str] | None = None,
    gold: pd.Series | None = None,
    api_key: str | None = None,
    limits: Limits | None = None,
) -> PushResult:
    """Create a project and import ``answers`` (``task, worker, label``) attributed to users.

    ``labels`` fixes the label config's choices (default: the sorted labels seen).
    """
    for column in ("task", "worker", "label"):
        if column not in answers.columns:
            raise SandboxError(f"answers lack the {column!r} column; need task, worker, label")
    if len(title) < 3:
        raise SandboxError(f"project title {title!r} is too short (Label Studio needs 3+ chars)")
    labels = labels or sorted({str(v) for v in answers["label"]})
    client = connect(url, api_key, limits)
    with _api("creating the project", url, api_key):
        project = client.projects.create(title=title, label_config=label_config(labels))
        me = client.users.whoami().id
    workers = sorted({str(w) for w in answers["worker"]})
    users = _users(client, workers, url, api_key)
    tasks = []
    for task, group in answers.groupby("task", sort=True):
        annotations = [
            {"completed_by": users[str(w)], "ground_truth": False, "result": _result(label)}
            for w, label in zip(group["worker"], group["label"], strict=True)
        ]
        if gold is not None and task in gold.index:
            annotations.append({"completed_by": me, "ground_truth": True, "result": _result(gold[task])})
        tasks.append({"data": {"text": f"task {task}", TASK_FIELD: str(task)}, "annotations": annotations})
    _import_tasks(client, project.id, tasks, url, api_key)
    return PushResult(
        project_id=int(project.id),
        users=users,
        gold_user=int(me),
        n_tasks=len(tasks),
        n_annotations=len(answers),
    )


def push_predictions(
    url: str,
    project_id: int,
    predictions: list[dict[str, Any]],
    *,
    api_key: str | None = None,
    limits: Limits | None = None,
) -> int:
    """Import predictions (see :mod:`sandbox.kinds.classification.consensus`) into an existing project;
    returns how many were sent."""
    client = connect(url, api_key, limits)
    for start in range(0, len(predictions), _BATCH):
        with _api(f"importing predictions into project {project_id}", url, api_key):
            client.projects.import_predictions(project_id, request=predictions[start : start + _BATCH])
    return len(predictions)


def _export_users(client: Any, annotators: list[Annotator], url: str, api_key: str | None) -> dict[str, int]:
    """The Label Studio user id of each annotator (by :attr:`Annotator.key`): the user with its
    email, created when missing."""
    with _api("listing users", url, api_key):
        existing = {str(u.email).lower(): u.id for u in client.users.list()}
    users = {}
    for who in annotators:
        email = who.user_email
        if email.lower() not in existing:
            with _api(f"creating the user {email!r}", url, api_key):
                user = client.users.create(username=who.username, email=email, first_name=who.key[:30])
            existing[email.lower()] = user.id
        users[who.key] = int(existing[email.lower()])
    return users


def push_export(
    url: str,
    path: Path,
    *,
    title: str,
    label_config: str | None = None,
    gold: pd.Series | None = None,
    api_key: str | None = None,
    limits: Limits | None = None,
) -> PushResult:
    """Create a project from the Label Studio JSON export at ``path``, keeping its tasks' data, its
    controls' names, its annotators and their annotations (:mod:`sandbox.io.labelstudio.replay`).
    ``label_config``: the project's config (XML text; default rebuilt from the results); ``gold``: by
    the export's task id, added as ``ground_truth`` annotations of the caller (single control only)."""
    if len(title) < 3:
        raise SandboxError(f"project title {title!r} is too short (Label Studio needs 3+ chars)")
    export = read_export_tasks(path)
    config = label_config if label_config is not None else rebuilt_label_config(export)
    if gold is not None and len(export.controls) != 1:
        raise SandboxError(f"--gold needs an export with one labeling control; it has {len(export.controls)}")
    client = connect(url, api_key, limits)
    with _api("creating the project", url, api_key):
        project = client.projects.create(title=title, label_config=config)
        me = int(client.users.whoami().id)
    users = _export_users(client, export.annotators, url, api_key)
    tasks = importable(export, users)
    if gold is not None:
        ((control, (kind, to_name, _)),) = export.controls.items()
        by_id = {str(task): label for task, label in gold.items()}
        for task in tasks:
            label = by_id.get(str(task["data"].get(TASK_FIELD)))
            if label is not None:
                region = {
                    "from_name": control,
                    "to_name": to_name,
                    "type": kind,
                    "value": {"choices": [str(label)]},
                }
                task["annotations"].append({"completed_by": me, "ground_truth": True, "result": [region]})
    _import_tasks(client, project.id, tasks, url, api_key)
    return PushResult(
        project_id=int(project.id),
        users=users,
        gold_user=me,
        n_tasks=len(tasks),
        n_annotations=sum(len(task["annotations"]) for task in tasks),
    )
