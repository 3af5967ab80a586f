"""Digital twins on held-out tasks: `crowd-sandbox validate` on every bundled real crowd, before and after
the crowd model of issue 25, side by side in one run.

For each dataset the tasks with gold are split in halves (``--seeds`` splits); a crowd is fitted on one
half (with bootstrap refits) and replays the other half's (task, worker) structure ``--replays`` times
per split (see ``sandbox.kinds.classification.validation`` and ``sandbox.fitting.intervals``). Per dataset and
model, for majority vote (MV) and Dawid–Skene (DS): the real held-out value (mean over splits), the replicas'
90 % interval, whether the real value lies inside, and the sharpness (half-width over the binomial
half-width for that many tasks); the DS − MV gap real and replica (its sign must match wherever the
real gap exceeds 2 points); seconds. A set passes when MV and DS are both inside with sharpness
<= 1.5. The last lines count the passes (target: 9 of 10) and the gap signs.

"before" is the model as it was before issue 25: one set of mistakes shared by the crowd
(``fit_population(worker_mistakes=False)``); "after" is ``fit``'s default, each annotator's own
mistakes around the crowd's (only where a wrong answer has a choice: three classes or more, so on
two-class sets the two fits are the same and are run once).

    python benchmarks/validate_replicas.py [--seeds 3] [--replays 400] [NAME ...]
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sandbox.experiment.real_answers import from_dataset
from sandbox.fitting.intervals import MAX_SHARPNESS
from sandbox.kinds.classification.datasets.bundled import catalog
from sandbox.kinds.classification.fit import fit_population
from sandbox.kinds.classification.validation import Validation, validate
from sandbox.reporting.tables import table

#: A real DS − MV gap larger than this must have the replica's sign (issue 25).
GAP_THRESHOLD = 0.02


def _cells(result: Validation, model: str, seconds: float) -> dict[str, Any]:
    check = result.check
    row: dict[str, Any] = {"model": model}
    for metric in ("mv", "ds"):
        lo, hi = check.interval[metric]
        row[f"{metric} real"] = check.real[metric]
        row[f"{metric} 90% interval"] = f"[{lo:.3f}, {hi:.3f}]"
        row[f"{metric} in"] = "yes" if check.calibrated[metric] else "no"
        row[f"{metric} sharp"] = check.sharpness[metric]
    row["gap real"] = check.real["ds"] - check.real["mv"]
    row["gap replica"] = check.replica["ds"] - check.replica["mv"]
    row["pass"] = "yes" if _passes(result) else "no"
    row["seconds"] = seconds
    return row


def _passes(result: Validation) -> bool:
    check = result.check
    return all(check.calibrated[m] and check.sharpness[m] <= MAX_SHARPNESS for m in ("mv", "ds"))


def _gap_ok(result: Validation) -> bool | None:
    real = result.check.real["ds"] - result.check.real["mv"]
    if abs(real) <= GAP_THRESHOLD:
        return None
    return (result.check.replica["ds"] - result.check.replica["mv"]) * real > 0


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("names", nargs="*", help="bundled datasets (default: all)")
    parser.add_argument("--seeds", type=int, default=3, help="random splits per dataset (default 3)")
    parser.add_argument("--replays", type=int, default=400, help="replays per split (default 400)")
    args = parser.parse_args()
    models = {
        "before": functools.partial(fit_population, worker_mistakes=False),
        "after": fit_population,
    }
    rows, results = [], {"before": [], "after": []}
    for name in args.names or list(catalog()):
        real = from_dataset(name)
        two_classes = real.answers["label"].nunique() < 3
        for model, fitter in models.items():
            if two_classes and model == "after":
                rows.append({**rows[-1], "model": "after (= before: 2 classes)"})
                results["after"].append(results["before"][-1])
                continue
            start = time.perf_counter()
            result = validate(
                real.answers, real.gold, name, seeds=args.seeds, replays=args.replays, fitter=fitter
            )
            rows.append({"dataset": name, **_cells(result, model, time.perf_counter() - start)})
            results[model].append(result)
            print(rows[-1], file=sys.stderr, flush=True)
        print(f"{name}: done", file=sys.stderr, flush=True)
    columns = list(rows[0])
    print(table(rows, columns, digits=3))
    print(
        f"\n{args.seeds} splits × {args.replays} replays per dataset; "
        "pass: MV and DS inside, sharpness <= 1.5"
    )
    for model, runs in results.items():
        passed = sum(_passes(r) for r in runs)
        gaps = [g for g in map(_gap_ok, runs) if g is not None]
        print(
            f"{model}: {passed} of {len(runs)} sets pass; DS − MV gap of the real sign on {sum(gaps)} of "
            f"{len(gaps)} sets whose real gap exceeds {GAP_THRESHOLD:.0%}"
        )


if __name__ == "__main__":
    main()
