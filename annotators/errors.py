"""The one error type a user can cause: bad file, bad config, impossible request."""

from __future__ import annotations


class SandboxError(Exception):
    """A user-facing error. Its message names the offending value and what is allowed.

    The CLI turns it into exit status 2 and one line on stderr; nothing is written.
    """
