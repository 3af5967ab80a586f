"""The one error type a user can cause (bad file, bad config, impossible request), and how any
failure is recorded in one line.

It lives in ``foundation``, the lowest layer, so that every package can raise it."""

from __future__ import annotations

import re
import traceback

#: Characters that would break a line or mislead a terminal: C0 and C1 controls, DEL, line and
#: paragraph separators, and the bidirectional overrides ("Trojan Source").
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


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


def first_line(error: BaseException) -> str:
    """The first line of a library's (often multi-line, sometimes quoted) error message, or the
    error's type name when it has no message."""
    text = str(error).strip().strip("b'\"").strip()
    return text.splitlines()[0].strip() if text else type(error).__name__


def printable(text: str) -> str:
    """``text`` with every control character escaped (``\\n``, ``\\x1b``…), so that a label or a
    file name from a user's file stays on one line and cannot drive the terminal."""
    return _UNPRINTABLE.sub(lambda match: repr(match.group())[1:-1], text)
