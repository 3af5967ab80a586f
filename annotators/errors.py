"""The one error type a user can cause (bad file, bad config, impossible request), and how any
failure is recorded in one line.

It lives in ``annotators``, the lowest layer, so that every package can raise it."""

from __future__ import annotations

import traceback


class SandboxError(Exception):
    """A user-facing error. Its message names the offending value and what is allowed.

    The CLI turns it into exit status 2 and one line on stderr; nothing is written.
    """


def describe_error(error: BaseException) -> str:
    """``"Type: message (at file.py:line)"``: how a failure is recorded (e.g. a sweep's error rows)."""
    message = f"{type(error).__name__}: {error}"
    last = traceback.extract_tb(error.__traceback__)[-1:] if error.__traceback__ else []
    if last:
        message += f" (at {last[0].filename.rsplit('/', 1)[-1]}:{last[0].lineno})"
    return message
