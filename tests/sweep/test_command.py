"""The ``sweep`` command: flags, exit statuses and the printed summary."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox.cli.main import main
from tests.sweep.cells import REF


def _spec(tmp_path: Path, body: str = "") -> str:
    path = tmp_path / "spec.toml"
    path.write_text(f'cell = "{REF}"\n{body}')
    return str(path)


def test_sweep_prints_a_summary_and_resume_computes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = str(tmp_path / "out")
    args = ["sweep", _spec(tmp_path), "--set", "n_tasks=100", "--grid", "redundancy=1,3"]
    assert main([*args, "--seeds", "2", "--out", out, "--workers", "1"]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0].split()[:4] == ["role", "redundancy", "aggregator", "seeds"]
    assert len(lines) == 2 + 2 * 2  # header, its rule, (2 points x 2 aggregators)
    assert "±" in captured.out
    assert "4 cells: 0 already stored, 4 computed" in captured.err
    assert main([*args, "--seeds", "2", "--out", out, "--workers", "1", "--resume"]) == 0
    assert "4 cells: 4 already stored, 0 computed" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--set", "polcy.redundancy=3"], "crowd-sandbox: error: unknown key 'polcy.redundancy'"),
        (["--grid", "redundancy"], "crowd-sandbox: error: --grid 'redundancy': expected KEY=VALUE"),
        (["--grid", "redundancy=1,x"], "crowd-sandbox: error: 'policy.redundancy' must be a number"),
        (["--workers", "0"], "crowd-sandbox sweep: error: argument --workers: '0' must be at least 1"),
    ],
)
def test_bad_requests_exit_2_with_one_line_and_write_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    out = tmp_path / "out"
    assert main(["sweep", _spec(tmp_path), "--out", str(out), *extra]) == 2
    err = capsys.readouterr().err
    assert err.startswith(message)
    assert err.count("\n") == 1
    assert not out.exists()


@pytest.mark.parametrize("out", ["", ".", "absolute"])
def test_a_folder_holding_other_files_is_refused_and_left_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, out: str
) -> None:
    """An empty --out means the current folder: a sweep must not scatter its store among other files."""
    spec = _spec(tmp_path, "[set]\nn_tasks = 50\n")
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    monkeypatch.chdir(folder)
    before = sorted(path.name for path in folder.iterdir())
    assert main(["sweep", spec, "--out", str(folder) if out == "absolute" else out, "--workers", "1"]) == 2
    err = capsys.readouterr().err
    assert err.count("error:") == 1 and "holding other files ('notes.txt'" in err
    assert sorted(path.name for path in folder.iterdir()) == before
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["sweep", spec, "--out", str(empty), "--workers", "1"]) == 0  # an empty folder is fine
