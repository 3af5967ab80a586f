"""The project's pairwise methods against crowd-kit, evalica, choix and arena-rank, side by side.

    python benchmarks/pairwise_peers.py                               # 100k, 1M and 10M comparisons
    python benchmarks/pairwise_peers.py --sizes 1000000 --repeat 2    # one size, every run twice
    python benchmarks/pairwise_peers.py --arena-python .venv-arena/bin/python

Data: ``n / 100`` items of quality ~ N(0, 1), random pairs, the better item wins with P = σ(2 Δ)
(``--ties D``: a share D of the answers are ties instead), 200 workers; integer ids, the answered
side as a string (``left``/``right``/``tie``), one task per answer. Every method runs in its own
process (``--child``), one after another, in an order that alternates between runs (``--repeat``);
the best time of the repeats is shown. Columns: ``coding`` is ``encode_pairs`` of the answers table,
``fit`` the model's fit, ``labels`` the preferred side of every task, ``total`` their sum (what
``aggregate_pairs`` does; peers: their own indexing plus fit); ``iter`` iterations (Newton steps,
L-BFGS iterations, EM steps); ``tau`` and ``rho`` Kendall's τ and Spearman's ρ of the scores against
the latent quality; ``peak`` the process's resident-memory high-water mark above what it held once
the data was loaded; ``x arena`` the total as a fraction of arena-rank's.

The project's methods are every pairwise method of the registry (``sandbox.aggregation.registry``),
so a method registered later (e.g. a tie-aware Bradley–Terry) is measured without an edit here.
Peers: crowd-kit's ``BradleyTerry`` and ``NoisyBradleyTerry``, evalica's ``bradley_terry`` and
``elo``, choix's ``ilsr_pairwise``, and LMArena's arena-rank ``BradleyTerry``. crowd-kit BT, evalica
BT and choix build dense items × items matrices: each is skipped, with the reason printed, where
that matrix (times the copies it makes) would not fit in the memory available — evalica aborts the
whole process on a failed allocation, so the estimate is made before calling it, never after.
crowd-kit's noisy BT computes its gradient in a Python loop (351 s at 100k comparisons), and choix's
ILSR takes minutes at 10k items: both run only with ``--slow``.

arena-rank 0.1.1 pins numpy==2.3.3 (this project pins numpy < 2.3), so it needs an interpreter of
its own: ``python -m venv .venv-arena && .venv-arena/bin/pip install arena-rank==0.1.1 scipy``, then
``--arena-python .venv-arena/bin/python``. Without it arena-rank is skipped. The child of that
interpreter imports only numpy, pandas, scipy and arena-rank.
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
N_WORKERS = 200
SLOPE = 2.0
BYTES_PER_CELL = 8


@dataclass(frozen=True)
class Peer:
    """A peer method: its library, how many dense items × items float matrices it holds at once
    (0: none), and whether it is slow enough to run only with ``--slow``."""

    name: str
    library: str
    dense_matrices: int = 0
    slow: bool = False


PEERS = (
    Peer("crowdkit_bt", "crowd-kit", dense_matrices=4),
    Peer("crowdkit_noisy_bt", "crowd-kit", slow=True),
    Peer("evalica_bt", "evalica", dense_matrices=3),
    Peer("evalica_elo", "evalica"),
    Peer("choix_ilsr", "choix", dense_matrices=2, slow=True),
    Peer("arena_bt", "arena-rank"),
)


def make_data(n: int, ties: float, path: Path, seed: int = 0) -> int:
    """Write ``n`` comparisons (and the latent quality) to ``path`` (.npz); return the item count."""
    n_items = max(n // 100, 10)
    rng = np.random.default_rng(seed)
    quality = rng.normal(size=n_items)
    left = rng.integers(0, n_items, n)
    right = (left + rng.integers(1, n_items, n)) % n_items
    right_wins = rng.random(n) < 1.0 / (1.0 + np.exp(-SLOPE * (quality[right] - quality[left])))
    side = np.where(right_wins, 1, 0)
    side[rng.random(n) < ties] = 2
    np.savez(path, left=left, right=right, side=side, worker=rng.integers(0, N_WORKERS, n), quality=quality)
    return n_items


def _peak_mib(start_kib: int) -> float:
    return (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - start_kib) / 1024


def _rank_scores(scores: np.ndarray, quality: np.ndarray) -> tuple[float, float]:
    from scipy.stats import kendalltau, spearmanr

    known = np.isfinite(scores)
    return (
        float(kendalltau(scores[known], quality[known]).statistic),
        float(spearmanr(scores[known], quality[known]).statistic),
    )


def run_project(method: str, data: dict[str, np.ndarray]) -> dict[str, Any]:
    """The registry's ``method`` as ``aggregate_pairs`` runs it: coding, fit, every task's side."""
    import pandas as pd

    sys.path.insert(0, str(ROOT))
    from sandbox.aggregation.fast.pairwise import encode_pairs
    from sandbox.aggregation.registry import make_aggregator
    from sandbox.kinds.pairwise.aggregation import task_sides

    sides = np.asarray(["left", "right", "tie"], dtype=object)
    frame = pd.DataFrame(
        {
            "task": np.arange(data["left"].size),
            "worker": data["worker"],
            "left": data["left"],
            "right": data["right"],
            "label": sides[data["side"]],
        }
    )
    start_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    begin = time.perf_counter()
    coded = encode_pairs(frame)
    coded_at = time.perf_counter()
    model: Any = make_aggregator(method, "fast")
    model.fit_coded(coded)
    fitted_at = time.perf_counter()
    task_sides(model.scores_, coded)
    end = time.perf_counter()
    scores = np.full(data["quality"].size, np.nan)
    scores[np.asarray(coded.item_names)] = model.scores_
    tau, rho = _rank_scores(scores, data["quality"])
    return {
        "coding": coded_at - begin,
        "fit": fitted_at - coded_at,
        "labels": end - fitted_at,
        "total": end - begin,
        "iterations": int(getattr(model, "n_iter_", 0)),
        "tau": tau,
        "rho": rho,
        "peak": _peak_mib(start_kib),
    }


def run_peer(name: str, data: dict[str, np.ndarray]) -> dict[str, Any]:
    """One peer, timed from its own input format (its indexing included)."""
    import pandas as pd

    left, right, side, quality = data["left"], data["right"], data["side"], data["quality"]
    decided = side != 2
    start_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    iterations = 0
    if name == "arena_bt":
        from arena_rank.models.bradley_terry import BradleyTerry
        from arena_rank.utils.data_utils import PairDataset

        outcome = np.asarray(["model_a", "model_b", "tie"], dtype=object)[side]
        frame = pd.DataFrame({"model_a": left, "model_b": right, "winner": outcome})
        begin = time.perf_counter()
        dataset = PairDataset.from_pandas(frame)
        model = BradleyTerry(n_competitors=len(dataset.competitors))
        model.fit(dataset)
        ratings = np.asarray(model.params["ratings"])
        end = time.perf_counter()
        scores = np.full(quality.size, np.nan)
        scores[np.asarray(dataset.competitors, dtype=np.int64)] = ratings
    elif name.startswith("evalica"):
        import evalica

        winners = np.asarray([evalica.Winner.X, evalica.Winner.Y, evalica.Winner.Draw], dtype=object)[side]
        xs, ys = left.tolist(), right.tolist()
        begin = time.perf_counter()
        index = pd.Index(np.arange(quality.size))
        if name == "evalica_bt":
            result = evalica.bradley_terry(xs, ys, winners.tolist(), index=index)
            iterations = int(result.iterations)
        else:
            result = evalica.elo(xs, ys, winners.tolist(), index=index)
        end = time.perf_counter()
        scores = result.scores.reindex(index).to_numpy(dtype=float)
    elif name.startswith("crowdkit"):
        from crowdkit.aggregation import BradleyTerry, NoisyBradleyTerry

        frame = pd.DataFrame(
            {
                "worker": data["worker"][decided],
                "left": left[decided],
                "right": right[decided],
                "label": np.where(side[decided] == 0, left[decided], right[decided]),
            }
        )
        begin = time.perf_counter()
        model = (BradleyTerry(n_iter=100) if name == "crowdkit_bt" else NoisyBradleyTerry()).fit(frame)
        end = time.perf_counter()
        scores = model.scores_.reindex(range(quality.size)).to_numpy(dtype=float)
    elif name == "choix_ilsr":
        import choix

        winner = np.where(side == 0, left, right)[decided]
        loser = np.where(side == 0, right, left)[decided]
        begin = time.perf_counter()
        scores = choix.ilsr_pairwise(quality.size, np.column_stack([winner, loser]), alpha=0.01)
        end = time.perf_counter()
    else:
        raise SystemExit(f"unknown peer {name}")
    tau, rho = _rank_scores(np.asarray(scores, dtype=float), quality)
    seconds = end - begin
    return {
        "coding": None,
        "fit": seconds,
        "labels": None,
        "total": seconds,
        "iterations": iterations,
        "tau": tau,
        "rho": rho,
        "peak": _peak_mib(start_kib),
    }


def child(method: str, data_path: str) -> None:
    """Run one method in this process and print its measurements as JSON."""
    with np.load(data_path) as archive:
        data = {key: archive[key] for key in archive.files}
    peers = {peer.name for peer in PEERS}
    result = run_peer(method, data) if method in peers else run_project(method, data)
    print(json.dumps(result))


def available_mib() -> float:
    """MemAvailable (Linux), MiB."""
    with open("/proc/meminfo") as info:
        for line in info:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024
    return 0.0


def skip_reason(peer: Peer, n_items: int, n: int, slow: bool, arena_python: str | None) -> str | None:
    """Why ``peer`` is not run at this size, or ``None``."""
    if peer.library == "arena-rank" and arena_python is None:
        return "no --arena-python given (arena-rank needs its own interpreter)"
    if peer.slow and not slow:
        return "slow (Python-loop gradient or dense ILSR); --slow runs it"
    if peer.dense_matrices:
        need = peer.dense_matrices * n_items * n_items * BYTES_PER_CELL / 2**20
        free = available_mib()
        if need > 0.8 * free:
            return (
                f"dense {n_items:,}² matrices need ~{need / 1024:,.0f} GiB, {free / 1024:,.0f} GiB available"
            )
    return None


def measure(method: str, data_path: Path, python: str, limit: float) -> dict[str, Any] | str:
    """One child process; its JSON result, or why it gave none."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [python, str(Path(__file__).resolve()), "--child", method, str(data_path)]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=limit, env=environment, check=False
        )
    except subprocess.TimeoutExpired:
        return f"over the {limit:.0f} s limit"
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return f"failed ({done.returncode}): {last[:120]}"
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def project_methods() -> list[str]:
    sys.path.insert(0, str(ROOT))
    from sandbox.aggregation.registry import aggregator_names

    return aggregator_names("pairwise")


def _cell(value: float | None, digits: int = 2) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def benchmark(
    sizes: list[int], ties: float, repeat: int, slow: bool, arena_python: str | None, limit: float
) -> None:
    methods = project_methods()
    print(f"load before: {os.getloadavg()[0]:.2f}; {available_mib() / 1024:.0f} GiB available", flush=True)
    for n in sizes:
        with tempfile.TemporaryDirectory() as folder:
            data_path = Path(folder) / "comparisons.npz"
            n_items = make_data(n, ties, data_path)
            runs: list[tuple[str, str, str]] = [(m, "project", sys.executable) for m in methods]
            skipped: dict[str, str] = {}
            for peer in PEERS:
                reason = skip_reason(peer, n_items, n, slow, arena_python)
                if reason is None:
                    python = arena_python if peer.library == "arena-rank" else sys.executable
                    runs.append((peer.name, peer.library, str(python)))
                else:
                    skipped[peer.name] = reason
            best: dict[str, dict[str, Any] | str] = {}
            for round_number in range(repeat):
                order = runs if round_number % 2 == 0 else runs[::-1]
                # interleave project methods and peers, so that load changes touch both alike
                project = [r for r in order if r[1] == "project"]
                peers = [r for r in order if r[1] != "project"]
                mixed = [
                    r for pair in zip(project, peers + [None] * len(project), strict=False) for r in pair if r
                ]
                mixed += peers[len(project) :]
                for method, _, python in mixed:
                    result = measure(method, data_path, python, limit)
                    previous = best.get(method)
                    if isinstance(result, str):
                        best.setdefault(method, result)
                    elif not isinstance(previous, dict) or result["total"] < previous["total"]:
                        best[method] = result
            report(n, n_items, ties, runs, best, skipped)
    print(f"load after: {os.getloadavg()[0]:.2f}", flush=True)


def report(
    n: int,
    n_items: int,
    ties: float,
    runs: list[tuple[str, str, str]],
    best: dict[str, dict[str, Any] | str],
    skipped: dict[str, str],
) -> None:
    arena = best.get("arena_bt")
    arena_total = arena["total"] if isinstance(arena, dict) else None
    print(f"\n{n:,} comparisons over {n_items:,} items, {N_WORKERS} workers, ties {ties:.0%}")
    print(
        f"{'method':<18}{'library':<11}{'coding s':>9}{'fit s':>9}{'labels s':>9}{'total s':>9}"
        f"{'iter':>6}{'tau':>8}{'rho':>8}{'peak MiB':>9}{'x arena':>8}"
    )
    for method, library, _ in runs:
        result = best[method]
        if isinstance(result, str):
            print(f"{method:<18}{library:<11}  {result}")
            continue
        ratio = "" if arena_total is None else f"{result['total'] / arena_total:.3f}"
        print(
            f"{method:<18}{library:<11}{_cell(result['coding']):>9}{_cell(result['fit']):>9}"
            f"{_cell(result['labels']):>9}{result['total']:9.2f}{result['iterations'] or '':>6}"
            f"{result['tau']:8.4f}{result['rho']:8.4f}{result['peak']:9.0f}{ratio:>8}"
        )
    for method, reason in skipped.items():
        print(f"{method:<18}skipped: {reason}")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000, 10_000_000])
    parser.add_argument("--ties", type=float, default=0.0, help="share of tie answers")
    parser.add_argument("--repeat", type=int, default=1, help="runs of every method (best shown)")
    parser.add_argument("--slow", action="store_true", help="also crowd-kit's noisy BT and choix's ILSR")
    parser.add_argument("--arena-python", help="an interpreter with arena-rank installed")
    parser.add_argument("--limit", type=float, default=1200.0, help="seconds per child process")
    parser.add_argument("--child", nargs=2, metavar=("METHOD", "DATA"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    benchmark(args.sizes, args.ties, args.repeat, args.slow, args.arena_python, args.limit)


if __name__ == "__main__":
    main()
