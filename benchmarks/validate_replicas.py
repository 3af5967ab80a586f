"""Digital twins on held-out tasks: `crowd-sandbox validate` on every bundled real crowd, one row each.

For each dataset the tasks with gold are split in halves (``--seeds`` splits), a crowd is fitted on
one half and replays the other half's (task, worker) structure; real and replica answers on the
held-out half are compared (see ``sandbox.kinds.classification.validation``). Columns: MV and DS accuracy real
→ replica, share of wrong majorities, TVD of the majority-share histograms, KS statistic of the
per-worker accuracies, and the verdict against the tolerances (MV/DS and wrong-majority within
2 points, TVD <= 0.10). The last lines count the targets: MV and DS within 2 points on >= 9 of 10,
within 3 on all.

    python benchmarks/validate_replicas.py [--seeds 5] [NAME ...]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sandbox.experiment.real_answers import from_dataset
from sandbox.kinds.classification.datasets.bundled import catalog
from sandbox.kinds.classification.validation import validate
from sandbox.reporting.tables import table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="bundled datasets (default: all)")
    parser.add_argument("--seeds", type=int, default=5, help="random splits per dataset (default 5)")
    args = parser.parse_args()
    rows, gaps = [], []
    for name in args.names or list(catalog()):
        start = time.perf_counter()
        real = from_dataset(name)
        result = validate(real.answers, real.gold, name, seeds=args.seeds)
        verdict = result.within_tolerance
        gaps.append((result.replica.mv - result.real.mv, result.replica.ds - result.real.ds))
        rows.append(
            {
                "dataset": name,
                "MV real": result.real.mv,
                "MV replica": result.replica.mv,
                "DS real": result.real.ds,
                "DS replica": result.replica.ds,
                "wrong maj. real": result.real.wrong_majority_share,
                "wrong maj. replica": result.replica.wrong_majority_share,
                "TVD": result.tvd_majority_share,
                "KS": result.ks_worker_accuracy,
                "verdict": "ok"
                if verdict["all"]
                else "off: " + ", ".join(k for k, v in verdict.items() if not v and k != "all"),
                "seconds": time.perf_counter() - start,
            }
        )
        print(f"{name}: done", file=sys.stderr, flush=True)
    print(table(rows, list(rows[0]), digits=3))
    n = len(gaps)
    two, three = (sum(abs(mv) <= limit and abs(ds) <= limit for mv, ds in gaps) for limit in (0.02, 0.03))
    print(f"\nMV and DS within 2 points: {two} of {n}; within 3 points: {three} of {n}")
    met = sum(row["verdict"] == "ok" for row in rows)
    print(f"all tolerances met: {met} of {n} ({args.seeds} splits each)")


if __name__ == "__main__":
    main()
