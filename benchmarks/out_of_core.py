"""Benchmark: Dawid–Skene on answers larger than memory — in-memory fast engine vs out of core vs Dask.

    python benchmarks/out_of_core.py [--answers 10000000] [--partition-answers 1000000] [--classes 3]

Writes a synthetic partitioned Parquet set (redundancy 5, integer ids, workers with accuracy in
[0.55, 0.95]) to a temporary directory, then runs each engine in its own process (so that each peak
RSS is its own): ``memory`` (read every partition with pandas, ``aggregate("ds", engine="fast")``),
``ooc`` (streamed EM, this process) and ``dask`` (a local cluster of 2 worker processes). Prints
answers/s (answers × 1 fit ÷ seconds), ratios, peak RSS, bytes per answer on disk, passes per EM
iteration, the check of the streamed results against the in-memory ones, and the extrapolation of
the out-of-core run to 1B answers (bytes per answer × passes ÷ measured read bandwidth).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parents[1]
REDUNDANCY = 5


def generate(directory: Path, n_answers: int, per_partition: int, classes: int, seed: int = 0) -> None:
    """Partitions of ``per_partition`` answers; tasks scattered over all partitions."""
    rng = np.random.default_rng(seed)
    n_tasks, n_workers = max(n_answers // REDUNDANCY, 1), max(n_answers // 5000, 20)
    truth = rng.integers(0, classes, n_tasks)
    skill = rng.uniform(0.55, 0.95, n_workers)
    for index, start in enumerate(range(0, n_answers, per_partition)):
        size = min(per_partition, n_answers - start)
        task = rng.integers(0, n_tasks, size)
        worker = rng.integers(0, n_workers, size)
        right = rng.random(size) < skill[worker]
        wrong = (truth[task] + rng.integers(1, classes, size)) % classes
        label = np.where(right, truth[task], wrong)
        table = pa.table(
            {
                "task": pa.array(task, pa.int64()),
                "worker": pa.array(worker, pa.int32()),
                "label": pa.array(label, pa.int8()),
            }
        )
        pq.write_table(table, directory / f"part-{index:05d}.parquet")


def peak_rss_mb() -> float:
    """Peak resident set of this process, MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase(name: str, directory: Path, out: Path) -> dict[str, Any]:
    """Run one engine here; posteriors to ``out``; seconds and peak RSS returned."""
    import pandas as pd

    from sandbox.aggregation.out_of_core import Sizes, StreamedReductions, aggregate_streamed
    from sandbox.io.partitioned.reader import build_dictionaries, coded_batches, discover
    from sandbox.kinds.classification.aggregation import aggregate

    report: dict[str, Any] = {}
    start = time.perf_counter()
    if name == "memory":
        answers = pd.read_parquet(directory)
        report["read_seconds"] = time.perf_counter() - start
        start = time.perf_counter()
        result = aggregate("ds", answers, engine="fast")
        report["fit_seconds"] = time.perf_counter() - start
    else:
        paths = discover(str(directory))
        dictionaries = build_dictionaries(paths)
        sizes = Sizes(len(dictionaries.tasks), len(dictionaries.workers), len(dictionaries.labels))
        names = [dictionaries.names(c) for c in ("task", "worker", "label")]
        report["read_seconds"] = time.perf_counter() - start  # the dictionary pass
        start = time.perf_counter()
        if name == "ooc":
            reductions: Any = StreamedReductions(lambda: coded_batches(paths, dictionaries), sizes)
            result = aggregate_streamed("ds", reductions, *names)
        else:
            from distributed import Client, LocalCluster

            from sandbox.experiment.dask_reductions import DaskReductions

            with (
                LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1") as cluster,
                Client(cluster) as client,
            ):
                client.wait_for_workers(2)
                reductions = DaskReductions(client, paths, dictionaries, sizes)
                start = time.perf_counter()  # cluster start-up left out
                result = aggregate_streamed("ds", reductions, *names)
                report["fit_seconds"] = time.perf_counter() - start
                workers = client.run(peak_rss_mb)
                report["worker_peak_rss_mb"] = sorted(workers.values())
        report.setdefault("fit_seconds", time.perf_counter() - start)
        report["passes"] = reductions.passes
    assert result.probas is not None
    np.save(out / f"{name}.npy", result.probas.to_numpy())
    report["peak_rss_mb"] = peak_rss_mb()
    return report


def child(name: str, directory: Path, out: Path) -> dict[str, Any]:
    command = [sys.executable, __file__, "--phase", name, "--directory", str(directory), "--out", str(out)]
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{name} failed:\n{done.stderr}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=10_000_000)
    parser.add_argument("--partition-answers", type=int, default=1_000_000)
    parser.add_argument("--classes", type=int, default=3)
    parser.add_argument("--engines", default="memory,ooc,dask", help="which to run (comma-separated)")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--directory", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, args.directory, args.out)))
        return
    with tempfile.TemporaryDirectory(prefix="ooc-bench-") as scratch:
        data, out = Path(scratch) / "answers", Path(scratch) / "out"
        data.mkdir()
        out.mkdir()
        start = time.perf_counter()
        generate(data, args.answers, args.partition_answers, args.classes)
        on_disk = sum(p.stat().st_size for p in data.glob("*.parquet"))
        n = args.answers
        print(
            f"{n:,} answers, {args.classes} classes, {len(list(data.glob('*.parquet')))} partitions, "
            f"{on_disk / 1e6:.1f} MB on disk = {on_disk / n:.2f} bytes/answer "
            f"(generated in {time.perf_counter() - start:.1f} s)"
        )
        results: dict[str, dict[str, Any]] = {}
        for name in args.engines.split(","):
            results[name] = report = child(name, data, out)
            extra = f", passes {report['passes']}" if "passes" in report else ""
            workers = report.get("worker_peak_rss_mb")
            extra += f", worker peak RSS {[round(w) for w in workers]} MB" if workers else ""
            print(
                f"{name:>6}: read/dictionaries {report['read_seconds']:.1f} s, "
                f"DS {report['fit_seconds']:.1f} s = {n / report['fit_seconds']:,.0f} answers/s, "
                f"peak RSS {report['peak_rss_mb']:.0f} MB{extra}"
            )
        if "memory" in results:
            reference = np.load(out / "memory.npy")
            for name in results:
                if name == "memory":
                    continue
                streamed = np.load(out / f"{name}.npy")
                same = bool((streamed.argmax(axis=1) == reference.argmax(axis=1)).all())
                print(
                    f"{name} vs memory: labels equal {same}, max |Δ posterior| "
                    f"{np.abs(streamed - reference).max():.2e}, time ratio "
                    f"{results[name]['fit_seconds'] / results['memory']['fit_seconds']:.2f}x"
                )
        if "ooc" in results:
            ooc = results["ooc"]
            passes = ooc["passes"]
            iterations = (passes - 2) // 2
            bandwidth = on_disk * passes / ooc["fit_seconds"]
            per_answer = on_disk / n
            print(
                f"passes per EM iteration: 2 (+2 to start; {iterations} iterations here); streamed "
                f"{bandwidth / 1e6:.0f} MB/s of Parquet "
                f"({n * passes / ooc['fit_seconds']:,.0f} answers/s per pass)"
            )
            billion = 1e9 * per_answer * passes / bandwidth
            print(
                f"1B answers, same iterations: {per_answer:.2f} B/answer × {passes} passes ÷ "
                f"{bandwidth / 1e6:.0f} MB/s ≈ {billion / 3600:.1f} h on this machine "
                f"({billion / passes:.0f} s per pass)"
            )


if __name__ == "__main__":
    main()
