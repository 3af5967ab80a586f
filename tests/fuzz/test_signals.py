"""Property: SIGTERM at any moment of any writing command (``aggregate``, ``fit`` with two outputs,
``report --tasks-out``, ``labelstudio pull``, ``sweep``) leaves no temporary file, and every output
either as it was or complete — never a part of several outputs (issue 22: a SIGTERM between creating
a temporary file and registering it for clean-up left ``.NAME.XXXX.tmp`` behind).

Each example starts the command in a real process and sends SIGTERM after a drawn delay, so that
the signal lands anywhere from start-up to the last rename."""

from __future__ import annotations

import gc
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fake_http import serving
from tests.fuzz.strategies import examples

ROOT = Path(__file__).resolve().parents[2]
OLD = "old content\n"


class _Export(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = json.dumps([{"id": i, "annotations": []} for i in range(20_000)]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    folder = tmp_path_factory.mktemp("signals")
    rows = [(t, f"w{w}", "abc"[(t * (w + 1)) % 3]) for t in range(3000) for w in range(5)]
    answers = folder / "answers.csv"
    pd.DataFrame(rows, columns=["task", "worker", "label"]).to_csv(answers, index=False)
    spec = folder / "spec.toml"
    spec.write_text(
        'cell = "tests.sweep.cells:ONE_COIN"\nseeds = 3\n'
        "[set]\nn_tasks = 200\n[grid]\nredundancy = [1, 3, 5]\n"
    )
    with serving(_Export) as address:
        yield {"answers": str(answers), "spec": str(spec), "url": f"http://{address}"}


def outputs_of(name: str, folder: Path) -> list[Path]:
    return {
        "aggregate": [folder / "consensus.csv"],
        "fit": [folder / "crowd.toml", folder / "workers.csv"],
        "report": [folder / "tasks.csv"],
        "pull": [folder / "export.json"],
        "sweep": [],
    }[name]


def argv_of(name: str, folder: Path, inputs: dict[str, str]) -> list[str]:
    out = [str(path) for path in outputs_of(name, folder)]
    if name == "aggregate":
        return ["aggregate", inputs["answers"], "--aggregator", "ds", "--out", out[0]]
    if name == "fit":
        return ["fit", inputs["answers"], "--out", out[0], "--workers-out", out[1]]
    if name == "report":
        return ["report", inputs["answers"], "--tasks-out", out[0]]
    if name == "pull":
        return ["labelstudio", "pull", "--url", inputs["url"], "--project", "1", "--out", out[0]]
    return ["sweep", inputs["spec"], "--out", str(folder / "store"), "--workers", "1"]


def complete(path: Path) -> bool:
    """Whether an output holds a whole file of its kind."""
    text = path.read_text()
    if path.suffix == ".json":
        return isinstance(json.loads(text), list)
    if path.suffix == ".toml":
        import tomllib

        return "archetypes" in tomllib.loads(text)
    return len(pd.read_csv(path)) > 0


@settings(max_examples=examples(24))
@given(name=st.sampled_from(["aggregate", "fit", "report", "pull", "sweep"]), delay=st.floats(0.0, 4.0))
def test_sigterm_at_any_moment_leaves_outputs_whole_or_untouched(
    name: str, delay: float, inputs: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("run")
    outputs = outputs_of(name, folder)
    for path in outputs:
        path.write_text(OLD)
    environment = {**os.environ, "LABEL_STUDIO_API_KEY": "k" * 20, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox.cli", *argv_of(name, folder, inputs)],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    time.sleep(delay)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=120)
    assert b"Traceback" not in err, err.decode()
    assert process.returncode in (0, 143, -signal.SIGTERM), (process.returncode, err.decode())
    leftovers = [str(p) for p in folder.rglob(".*.tmp")]
    assert not leftovers, (name, delay, leftovers)
    states = ["old" if path.read_text() == OLD else "new" for path in outputs]
    assert len(set(states)) <= 1, (name, delay, states)  # all outputs or none
    for path, state in zip(outputs, states, strict=True):
        if state == "new":
            assert complete(path), (name, delay, path)
    if process.returncode == 0:
        assert states in ([], ["new"] * len(outputs))


def _raise_terminated(signum: int, frame: object) -> None:
    from sandbox.cli.main import Terminated

    raise Terminated()


def _send_sigterm(signum: int, frame: object) -> None:
    os.kill(os.getpid(), signal.SIGTERM)  # held (pending) where the writers hold signals


@settings(max_examples=examples(400))
@given(delay=st.integers(1, 3000), size=st.integers(0, 1 << 20), two=st.booleans(), streamed=st.booleans())
def test_sigterm_at_random_points_inside_the_writers(
    delay: int, size: int, two: bool, streamed: bool, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The same property in this process, at many more points: a timer sends SIGTERM ``delay``
    microseconds into a write (the CLI's handler turns it into ``Terminated``, as in a command)."""
    import sandbox.io.files.outputs  # noqa: F401 (imported before the timer runs)
    from sandbox.cli.main import Terminated
    from sandbox.io.files.atomic import atomic_file, write_all_atomically

    folder = tmp_path_factory.mktemp("writers")
    targets = [folder / "a.csv", folder / "b.csv"][: 2 if two else 1]
    for path in targets:
        path.write_text(OLD)
    payload = b"x" * size
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    previous_alarm = signal.signal(signal.SIGALRM, _send_sigterm)
    stopped = False
    gc.disable()  # a handler raising inside a collector callback is lost, not the writers' concern
    try:
        signal.setitimer(signal.ITIMER_REAL, delay / 1e6)
        try:
            if streamed:
                with atomic_file(targets[0]) as (handle, _):
                    handle.write(payload)
            else:
                write_all_atomically({path: payload for path in targets})
            signal.setitimer(signal.ITIMER_REAL, 0)
            time.sleep(0.005)  # a signal still on its way lands here
        except Terminated:
            stopped = True
    except Terminated:
        stopped = True
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        gc.enable()
        signal.signal(signal.SIGALRM, previous_alarm)
        signal.signal(signal.SIGTERM, previous)
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")], (delay, size)
    written = targets[:1] if streamed else targets
    states = {"old" if path.read_bytes() == OLD.encode() else "new" for path in written}
    assert len(states) == 1, (delay, size, states)
    if states == {"new"}:
        assert all(path.read_bytes() == payload for path in written)
    elif not stopped:
        raise AssertionError("nothing was written and no signal stopped the write")
