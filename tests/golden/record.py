"""Record the golden outputs: ``python -m tests.golden.record [NAME ...]`` (all cases by default)."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from tests.golden.cases import CASES, OUTPUTS, SIGIR, capture, expected_path
from tests.golden.run import run_case


def main(names: list[str]) -> int:
    OUTPUTS.mkdir(exist_ok=True)
    for case in CASES:
        if names and case.name not in names:
            continue
        if case.needs_shared and not SIGIR.is_dir():
            print(f"skip {case.name}: no shared data")
            continue
        with tempfile.TemporaryDirectory() as folder:
            scratch = Path(folder)
            status, stdout, stderr = run_case(case, scratch)
            if status != 0:
                print(f"{case.name}: exit {status}\n{stderr}", file=sys.stderr)
                return 1
            kept = capture(case, stdout, scratch)
        expected_path(case).write_text(json.dumps(kept, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"recorded {case.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
