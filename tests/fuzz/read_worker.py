"""A child process for the memory tests: reads export paths from stdin, one a line, loads each with
``load_answers`` and answers one JSON line: the outcome and the process's peak resident memory so far.

Run under an address-space limit (``RLIMIT_AS``) by ``test_memory_bound.py``. Any exception other
than SandboxError (MemoryError included) is reported as ``crash``."""

from __future__ import annotations

import json
import resource
import sys
from pathlib import Path

from foundation.errors import SandboxError, describe_error
from sandbox.kinds.classification.readers import load_answers


def peak_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def main() -> None:
    for line in sys.stdin:
        path = Path(line.strip())
        try:
            result = load_answers(path)
            outcome = {"status": "ok", "answers": len(result.answers)}
        except SandboxError as error:
            outcome = {"status": "error", "message": str(error)}
        except BaseException as error:  # the test fails on these
            outcome = {"status": "crash", "message": describe_error(error)}
        outcome["peak"] = peak_bytes()
        sys.stdout.write(json.dumps(outcome) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
