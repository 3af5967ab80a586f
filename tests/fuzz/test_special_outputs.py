"""Property: whatever is at the place a command writes to — nothing, a regular file, a directory, a
FIFO, a device, a socket, ``-``, a link to any of those or to nothing, a link into ``/proc`` or
``/dev/fd``, a chain or a loop of links — every writing command (``aggregate``, ``fit`` and its
``--workers-out``, ``report --tasks-out``, ``labelstudio pull``, ``sweep``) either writes a regular
file (a new path, or an existing regular file, through links) or ends in exactly one error line with
exit status 2 and what was there left as it was (issue 22: ``--out`` replaced ``/dev/null``)."""

from __future__ import annotations

import itertools
import json
import os
import socket
import stat
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox.cli.main import main
from tests.fake_http import serving
from tests.fuzz.strategies import examples

#: What a command finds at its output path.
PLACES = (
    "new",
    "regular",
    "directory",
    "empty_directory",
    "fifo",
    "device",
    "socket",
    "dash",
    "dangling_link",
    "link_to_regular",
    "chain_to_regular",
    "link_to_fifo",
    "link_to_device",
    "link_to_directory",
    "link_to_stream",
    "stream",
    "link_loop",
    "through_proc_folder",
)
#: Places a file may be written to (the rest are refused).
WRITABLE_FILE = {"new", "regular", "link_to_regular", "chain_to_regular"}
#: Places a sweep may write its results folder to.
WRITABLE_FOLDER = {"new", "empty_directory", "link_to_directory"}
COMMANDS = ("aggregate", "fit", "fit_workers", "report", "report_removal", "report_html", "pull", "sweep")
_counter = itertools.count()


def _device(path: Path) -> None:
    """A character device like /dev/null (root may make one; others get a link to the real one)."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        path.symlink_to("/dev/null")


def make_place(kind: str, folder: Path) -> tuple[Path | str, list[socket.socket]]:
    """Build a place of ``kind`` in ``folder``; return it and any socket to close afterwards."""
    path = folder / f"place{next(_counter)}.csv"
    sockets: list[socket.socket] = []
    target = folder / f"target{next(_counter)}"
    if kind == "dash":
        return "-", sockets
    if kind == "stream":
        return "/proc/self/fd/1", sockets
    if kind == "through_proc_folder":
        link = folder / f"fds{next(_counter)}"
        link.symlink_to("/proc/self/fd")
        return link / "1", sockets
    if kind == "regular":
        path.write_text("old content\n")
    elif kind == "directory":
        path.mkdir()
        (path / "keep.txt").write_text("x")
    elif kind == "empty_directory":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":
        _device(path)
    elif kind == "socket":
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
        sockets.append(server)
    elif kind == "dangling_link":
        path.symlink_to(folder / "nowhere")
    elif kind in ("link_to_regular", "chain_to_regular"):
        target.write_text("old content\n")
        if kind == "chain_to_regular":
            middle = folder / f"middle{next(_counter)}"
            middle.symlink_to(target)
            path.symlink_to(middle)
        else:
            path.symlink_to(target)
    elif kind == "link_to_fifo":
        os.mkfifo(target)
        path.symlink_to(target)
    elif kind == "link_to_device":
        _device(target)
        path.symlink_to(target)
    elif kind == "link_to_directory":
        target.mkdir()
        path.symlink_to(target)
    elif kind == "link_to_stream":
        path.symlink_to("/proc/self/fd/1")
    elif kind == "link_loop":
        other = folder / f"loop{next(_counter)}"
        path.symlink_to(other)
        other.symlink_to(path)
    return path, sockets


def snapshot(path: Path | str) -> tuple[object, ...]:
    """What is at ``path`` (the link itself and what it leads to), to tell whether it changed."""
    if str(path) == "-" or str(path).startswith("/proc"):
        return ()
    place = Path(path)
    try:
        own = os.lstat(place)
    except FileNotFoundError:
        return ("absent",)
    state: tuple[object, ...] = (own.st_mode, own.st_ino, own.st_rdev)
    if stat.S_ISLNK(own.st_mode):
        state += (os.readlink(place),)
    try:
        target = os.stat(place)
    except OSError:
        return state
    state += (target.st_mode, target.st_ino)
    if stat.S_ISREG(target.st_mode):
        state += (place.read_bytes(),)
    return state


class _Export(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = json.dumps([{"id": 1, "annotations": []}]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    folder = tmp_path_factory.mktemp("special-outputs")
    rows = [(t, f"w{w}", "ab"[(t + (w == 3)) % 2]) for t in range(12) for w in range(4)]
    answers = folder / "answers.csv"
    pd.DataFrame(rows, columns=["task", "worker", "label"]).to_csv(answers, index=False)
    spec = folder / "spec.toml"
    spec.write_text('cell = "tests.sweep.cells:ONE_COIN"\nseeds = 1\n[set]\nn_tasks = 20\n')
    with serving(_Export) as address:
        yield {"answers": str(answers), "spec": str(spec), "url": f"http://{address}", "folder": str(folder)}


def command(name: str, place: str, inputs: dict[str, str]) -> list[str]:
    """The command line of writing command ``name`` with ``place`` as the output."""
    answers = inputs["answers"]
    folder = inputs["folder"]
    return {
        "aggregate": ["aggregate", answers, "--aggregator", "mv", "--out", place],
        "fit": ["fit", answers, "--out", place],
        "fit_workers": ["fit", answers, "--out", f"{folder}/p{next(_counter)}.toml", "--workers-out", place],
        "report": ["report", answers, "--aggregator", "mv", "--tasks-out", place],
        "report_removal": ["report", answers, "--aggregator", "mv", "--removal-out", place],
        "report_html": ["report", answers, "--aggregator", "mv", "--html", place],
        "pull": ["labelstudio", "pull", "--url", inputs["url"], "--project", "1", "--out", place],
        "sweep": ["sweep", inputs["spec"], "--out", place, "--workers", "1"],
    }[name]


@settings(max_examples=examples(90))
@given(kind=st.sampled_from(PLACES), name=st.sampled_from(COMMANDS))
def test_a_command_writes_a_regular_file_or_refuses_and_leaves_the_place_alone(
    kind: str,
    name: str,
    inputs: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "k" * 20)
    folder = tmp_path_factory.mktemp("place")
    place, sockets = make_place(kind, folder)
    before = snapshot(place)
    capsys.readouterr()
    try:
        status = main(command(name, str(place), inputs))
    finally:
        for server in sockets:
            server.close()
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    allowed = WRITABLE_FOLDER if name == "sweep" else WRITABLE_FILE
    if kind in allowed:
        assert status == 0, (kind, name, captured.err)
        written = Path(place)
        assert written.is_dir() if name == "sweep" else written.is_file() and written.stat().st_size > 0
        if kind in ("link_to_regular", "chain_to_regular"):
            assert written.is_symlink()  # the link stays; the file it leads to was written
    else:
        assert status == 2, (kind, name, status, captured.err)
        errors = [line for line in captured.err.splitlines() if "error:" in line]
        assert len(errors) == 1, captured.err
        assert snapshot(place) == before, (kind, name)
    leftovers = [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
    assert not leftovers
