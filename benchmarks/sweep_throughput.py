"""Sweep throughput: cells per second, serial vs local processes vs a local Dask cluster.

Runs the same sweep three times into temporary stores (start-up of the pool or cluster
included, as a user would see it), checks the three tables are identical, and prints cells/s
and the ratio to serial. Target: local parallel on 2 cores >= 1.7x serial.

    python benchmarks/sweep_throughput.py            # standard: examples/cheating_x_redundancy.toml
    python benchmarks/sweep_throughput.py SPEC.toml [--set K=V] [--grid K=V1,V2] [--seeds N]
    python benchmarks/sweep_throughput.py --cell tests.sweep.cells:ONE_COIN \\
        --set n_tasks=200000 --grid redundancy=1,3,5,7 --seeds 30
    python benchmarks/sweep_throughput.py --no-cache   # serial without, then with, the per-process
                                                       # caches of fixed costs (sandbox/dataset_cache.py)
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sandbox.sweep.executor import default_workers  # noqa: E402
from sandbox.sweep.overrides import parse_grid, parse_set  # noqa: E402
from sandbox.sweep.runner import run_sweep  # noqa: E402
from sandbox.sweep.spec import SweepSpec, load_spec_file, spec_from_dict  # noqa: E402
from sandbox.sweep.store import read_results  # noqa: E402

# The standard sweep: the cheating-rate x redundancy example (105 cells, 4 aggregators).
STANDARD = ROOT / "examples" / "cheating_x_redundancy.toml"


SPIN = "x = 0\nfor i in range(20_000_000):\n    x += i\n"


def machine_ceiling(workers: int) -> float:
    """Throughput of ``workers`` concurrent CPU-bound processes relative to one: the best parallel
    ratio this machine offers right now (2.0 on two idle cores; less when others use them)."""
    import subprocess

    def run(count: int) -> float:
        start = time.perf_counter()
        procs = [subprocess.Popen([sys.executable, "-c", SPIN]) for _ in range(count)]
        for proc in procs:
            proc.wait()
        return time.perf_counter() - start

    one = run(1)
    return workers * one / run(workers)


def timed(spec: SweepSpec, out: Path, **where: object) -> tuple[float, pd.DataFrame]:
    start = time.perf_counter()
    report = run_sweep(spec, out, **where)  # type: ignore[arg-type]
    elapsed = time.perf_counter() - start
    if report.lost or report.failed:
        raise SystemExit(f"{where}: {report.failed} failed, {len(report.lost)} lost cells")
    frame = read_results(out).sort_values(["cell", "aggregator"]).reset_index(drop=True)
    return report.computed / elapsed, frame


def cache_ratio(spec: SweepSpec) -> int:
    """Serial cells/s without and with the per-process per-dataset caches, side by side."""
    from sandbox import dataset_cache
    from sandbox.sweep.cells import execute, load_cell
    from sandbox.sweep.grid import expand
    from sandbox.sweep.runner import resolve_spec

    first = expand(resolve_spec(spec), load_cell(spec.cell))[0]
    execute(spec.cell, first.scenario, first.seed)  # imports and dataset loading, before either timing
    rates: dict[str, float] = {}
    frames: list[pd.DataFrame] = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, enabled in (("serial, no cache", False), ("serial, cached", True)):
            dataset_cache.set_enabled(enabled)
            rates[label], frame = timed(spec, Path(tmp) / label.replace(" ", "_"), workers=1)
            frames.append(frame)
    pd.testing.assert_frame_equal(frames[0], frames[1])
    cells = len(frames[0]["cell"].unique())
    print(f"sweep: {spec.name} ({spec.cell})  grid={spec.grid}  seeds={spec.seeds}  cells={cells}")
    print(f"{'run':<28}{'cells/s':>10}{'x no cache':>12}")
    for label, rate in rates.items():
        print(f"{label:<28}{rate:>10.2f}{rate / rates['serial, no cache']:>12.2f}")
    print("tables identical with and without the cache: yes")
    return 0


AGAINST_CHILD = """
import json, sys, tempfile, time
from pathlib import Path
from sandbox.sweep.overrides import parse_grid, parse_set
from sandbox.sweep.runner import run_sweep
from sandbox.sweep.spec import load_spec_file, spec_from_dict
raw = json.loads(sys.argv[1])
spec_raw = {"cell": raw["cell"]} if raw["cell"] else load_spec_file(Path(raw["spec"]))
sets = dict(parse_set(text) for text in raw["sets"])
grids = dict(parse_grid(text) for text in raw["grids"])
with tempfile.TemporaryDirectory() as tmp:
    run_sweep(spec_from_dict(spec_raw, sets=sets, grids=grids, seeds=1), Path(tmp) / "warm", workers=1)
    spec = spec_from_dict(spec_raw, sets=sets, grids=grids, seeds=raw["seeds"])
    start = time.perf_counter()
    report = run_sweep(spec, Path(tmp) / "timed", workers=1)
    print(report.computed / (time.perf_counter() - start))
"""


def against(tree: Path, settings: dict[str, object], rounds: int) -> int:
    """Serial cells/s of the sweep in ``tree`` and in this checkout, fresh processes, alternating."""
    import json
    import subprocess

    best = {tree: 0.0, ROOT: 0.0}
    for _ in range(rounds):
        for where in best:
            environment = {**os.environ, "PYTHONPATH": str(where)}
            command = [sys.executable, "-c", AGAINST_CHILD, json.dumps(settings)]
            done = subprocess.run(command, cwd=where, env=environment, capture_output=True, text=True)
            if done.returncode:
                raise SystemExit(f"{where}: the sweep failed:\n{done.stderr[-2000:]}")
            best[where] = max(best[where], float(done.stdout.split()[-1]))
    what = settings["cell"] or settings["spec"]
    print(f"sweep: {what}  sets={settings['sets']}  grids={settings['grids']}  seeds={settings['seeds']}")
    print(f"{'checkout':<40}{'cells/s':>10}{'x other':>10}")
    print(f"{tree!s:<40}{best[tree]:>10.2f}{1.0:>10.2f}")
    print(f"{'this checkout':<40}{best[ROOT]:>10.2f}{best[ROOT] / best[tree]:>10.2f}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", nargs="?", type=Path, default=STANDARD, help="sweep spec (TOML)")
    parser.add_argument("--cell", help="cell import path (instead of a spec)")
    parser.add_argument("--set", dest="sets", action="append", default=[])
    parser.add_argument("--grid", dest="grids", action="append", default=[])
    parser.add_argument("--seeds", type=int)
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="only serial: without the per-dataset caches, then with them (tables must be identical)",
    )
    parser.add_argument("--against", type=Path, help="another checkout: serial rate there vs here")
    parser.add_argument("--rounds", type=int, default=2, help="with --against: runs per checkout")
    args = parser.parse_args()
    if args.against:
        settings = {
            "spec": str(args.spec.resolve()),
            "cell": args.cell,
            "sets": args.sets,
            "grids": args.grids,
            "seeds": args.seeds,
        }
        return against(args.against.resolve(), settings, args.rounds)
    raw = {"cell": args.cell} if args.cell else load_spec_file(args.spec)
    sets = dict(parse_set(text) for text in args.sets)
    grids = dict(parse_grid(text) for text in args.grids)
    spec = spec_from_dict(raw, sets=sets, grids=grids, seeds=args.seeds)

    if args.no_cache:
        return cache_ratio(spec)
    import distributed

    load_before = os.getloadavg()[0]
    ceiling_before = machine_ceiling(args.workers)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        serial, reference = timed(spec, base / "serial", workers=1)
        local, frame_local = timed(spec, base / "local", workers=args.workers)
        start = time.perf_counter()
        with distributed.LocalCluster(
            n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster:
            startup = time.perf_counter() - start
            dask, frame_dask = timed(spec, base / "dask", scheduler=cluster.scheduler_address)
    ceiling = (ceiling_before + machine_ceiling(args.workers)) / 2
    pd.testing.assert_frame_equal(reference, frame_local)
    pd.testing.assert_frame_equal(reference, frame_dask)
    cells = len(reference["cell"].unique())
    print(f"sweep: {spec.name} ({spec.cell})  grid={spec.grid}  seeds={spec.seeds}  cells={cells}")
    print(f"{'backend':<28}{'cells/s':>10}{'x serial':>10}")
    print(f"{'serial (1 process)':<28}{serial:>10.2f}{1.0:>10.2f}")
    print(f"{f'local processes ({args.workers})':<28}{local:>10.2f}{local / serial:>10.2f}")
    label = f"local Dask cluster ({args.workers})"
    print(f"{label:<28}{dask:>10.2f}{dask / serial:>10.2f}  (+{startup:.1f}s cluster start)")
    print("tables identical across backends: yes")
    load_after = os.getloadavg()[0]
    print(f"1-min load average before/after: {load_before:.2f}/{load_after:.2f} on {os.cpu_count()} cores")
    print(
        f"machine ceiling now (CPU-bound {args.workers} processes vs 1): {ceiling:.2f}x; "
        f"local processes reach {local / serial / ceiling:.0%} of it, Dask {dask / serial / ceiling:.0%}"
    )
    if max(load_before, load_after) > 0.5 * (os.cpu_count() or 1):
        print("warning: other processes were using the cores; parallel ratios are understated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
