"""How fast a mistyped command is refused, against starting Python itself (issue 24, item 6).

Runs, each as its own process and ``--repeat`` times, ``python -c pass``, ``crowd-sandbox verdcit``
(a typo of ``verdict``), ``crowd-sandbox verdict --cost-per-lable 1`` (a typo of an option) and
``crowd-sandbox --help``, and prints the median wall time of each and its ratio to ``python -c pass``.
The target: a typo is reported in well under a second (the parser imports nothing heavy).

Usage: python benchmarks/cli_typo.py [--repeat R]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CASES: dict[str, list[str]] = {
    "python -c pass": ["-c", "pass"],
    "crowd-sandbox verdcit": ["-m", "sandbox.cli", "verdcit"],
    "crowd-sandbox verdict --cost-per-lable 1": ["-m", "sandbox.cli", "verdict", "--cost-per-lable", "1"],
    "crowd-sandbox --help": ["-m", "sandbox.cli", "--help"],
}


def median_seconds(argv: list[str], repeat: int) -> float:
    """Median wall time of ``python ARGV`` over ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, *argv], cwd=REPO, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=21)
    repeat = parser.parse_args().repeat
    measured = {name: median_seconds(argv, repeat) for name, argv in CASES.items()}
    floor = measured["python -c pass"]
    print(f"median of {repeat} runs each, as separate processes\n")
    print(f"{'command':<44} {'seconds':>8} {'× python -c pass':>17}")
    for name, seconds in measured.items():
        print(f"{name:<44} {seconds:8.3f} {seconds / floor:17.1f}")


if __name__ == "__main__":
    main()
