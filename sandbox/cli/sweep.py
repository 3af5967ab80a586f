"""``crowd-sandbox sweep``: parse arguments, run the sweep, print the summary."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from foundation.errors import SandboxError, printable
from sandbox.cli.arguments import non_negative_int, positive_int
from sandbox.reporting.progress import Progress
from sandbox.reporting.render import sweep_summary_table
from sandbox.sweep.cells import load_cell
from sandbox.sweep.grid import grid_points, point_id
from sandbox.sweep.overrides import parse_grid, parse_set
from sandbox.sweep.runner import run_sweep
from sandbox.sweep.spec import SweepSpec, load_spec_file, spec_from_dict
from sandbox.sweep.store import SPEC_FILE, ResultsStore, read_results
from sandbox.sweep.summary import metric_columns, summarize

EPILOG = """\
examples:
  crowd-sandbox sweep --set dataset=snow_rte --set population=volunteers \\
      --grid redundancy=1,3,5 --seeds 3 --out results/rte
  crowd-sandbox sweep examples/cheating_x_redundancy.toml --out results/cheat --workers 2
  crowd-sandbox sweep --out results/cheat --resume          # finish an interrupted sweep
  crowd-sandbox sweep SPEC.toml --out DIR --scheduler tcp://10.0.0.5:8786
"""


def configure(parser: argparse.ArgumentParser) -> None:
    """``sweep [SPEC.toml] [--set K=V]... [--grid K=V1,V2]... [--seeds N] --out DIR [...]``."""
    parser.description = (
        "Run every cell of a parameter grid (x seeds) and store one Parquet row per "
        "cell, seed and aggregator under --out."
    )
    parser.epilog = EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("spec", nargs="?", type=Path, help="sweep spec (TOML)")
    parser.add_argument(
        "--set",
        dest="sets",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="fix a scenario value by dotted path, e.g. population.pool_size=500 (repeatable)",
    )
    parser.add_argument(
        "--grid",
        dest="grids",
        action="append",
        default=[],
        metavar="KEY=V1,V2,...",
        help="vary a scenario value over a list, e.g. redundancy=1,3,5 (repeatable)",
    )
    parser.add_argument("--seeds", type=positive_int, help="repetitions per grid point (default 3)")
    parser.add_argument("--seed", type=non_negative_int, help="sweep seed all cell seeds derive from")
    parser.add_argument("--out", type=Path, required=True, help="results directory")
    parser.add_argument("--workers", type=positive_int, help="local processes (default: all cores)")
    parser.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler, tcp://HOST:PORT")
    parser.add_argument("--resume", action="store_true", help="keep the cells already in --out, run the rest")
    parser.set_defaults(handler=run)


def build_spec(args: argparse.Namespace) -> SweepSpec:
    """The spec from the file (or, on --resume without one, the saved spec) and the flags."""
    sets = dict(parse_set(text) for text in args.sets)
    grids = dict(parse_grid(text) for text in args.grids)
    saved = ResultsStore(args.out).saved_spec() if args.resume else None
    if args.resume and saved is None and args.spec is None and not sets and not grids:
        raise SandboxError(
            f"--resume: {str(args.out)!r} holds no sweep (no {SPEC_FILE}); nothing to resume. "
            "Start a sweep with a spec, --set or --grid (without --resume)"
        )
    if args.spec is not None:
        raw, source = load_spec_file(args.spec), str(args.spec)
    elif saved is not None and not sets and not grids:
        raw, source = saved, str(args.out / SPEC_FILE)
    else:
        raw, source = {}, "spec"
    return spec_from_dict(raw, source=source, sets=sets, grids=grids, seeds=args.seeds, seed=args.seed)


def run(args: argparse.Namespace) -> int:
    """Run the sweep described by ``args``; print progress on stderr and the summary on stdout."""
    if args.workers is not None and args.workers < 1:
        raise SandboxError(f"--workers must be >= 1, got {args.workers}")
    spec = build_spec(args)
    bar: list[Progress] = []

    def progress(total: int, done: int, failed: bool) -> None:
        if not bar:
            bar.append(Progress(total, sys.stderr, unit="cells", skipped=done))
        else:
            bar[0].update(failed=failed)

    try:
        report = run_sweep(
            spec,
            args.out,
            workers=args.workers,
            scheduler=args.scheduler,
            resume=args.resume,
            progress=progress,
            warn=lambda line: print(f"crowd-sandbox: warning: {printable(line)}", file=sys.stderr),
        )
    except KeyboardInterrupt:
        print(f"stopped: finished cells are in {args.out}; rerun with --resume", file=sys.stderr)
        raise
    finally:
        if bar:
            bar[0].close()
    results = read_results(args.out)
    params = list(spec.grid)
    order = [point_id(role, values) for role, values in grid_points(spec)]
    summary = summarize(results, params, order)
    metrics = metric_columns(results, params)
    chosen = [name for name in load_cell(spec.cell).summary if name in metrics]
    print(sweep_summary_table(summary, params, chosen or metrics))
    print(
        f"\n{report.total} cells: {report.skipped} already stored, {report.computed} computed, "
        f"{report.failed} failed, {len(report.lost)} lost; results in {args.out}",
        file=sys.stderr,
    )
    for cell_id, message in report.lost[:5]:
        print(f"lost {cell_id}: {message}", file=sys.stderr)
    return 1 if report.lost else 0
