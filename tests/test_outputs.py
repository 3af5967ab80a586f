"""Where commands write (issue 13, items 6 and 7): never over an input, never into a directory or a
read-only file, all outputs or none, the replaced file's mode kept, CSV safe for spreadsheets,
control characters never raw on a terminal or in a TOML comment, and Label Studio downloads that
leave nothing behind, are checked before they replace anything, and never echo the key."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pandas as pd
import pytest

from foundation.errors import SandboxError, printable
from sandbox.cli.main import main
from sandbox.io.files.atomic import umask, write_all_atomically, write_atomically
from sandbox.io.files.outputs import check_outputs, spreadsheet_csv
from sandbox.io.labelstudio.client import pull, redact
from sandbox.reporting.tables import table
from tests.fake_http import serving

FIXTURES = Path(__file__).resolve().parent / "importers" / "fixtures"


def one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


@pytest.fixture
def export(tmp_path: Path) -> Path:
    rows = [(t, w, "ab"[(t + (w == 3)) % 2]) for t in range(12) for w in range(4)]
    path = tmp_path / "answers.csv"
    pd.DataFrame(rows, columns=["task", "worker", "label"]).to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    "argv",
    [
        ["aggregate", "{export}", "--out", "{export}"],
        ["fit", "{export}", "--out", "{tmp}/p.toml", "--workers-out", "{export}"],
        ["report", "{export}", "--tasks-out", "{export}"],
        ["aggregate", "{export}", "--label-config", "{tmp}/c.xml", "--out", "{tmp}/c.xml"],
    ],
)
def test_an_input_is_never_overwritten(
    argv: list[str], export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "c.xml").write_text("<View/>")
    before = export.read_bytes()
    args = [a.format(export=export, tmp=tmp_path) for a in argv]
    assert main(args) == 2
    assert "is an input of this command" in one_line_error(capsys)
    assert export.read_bytes() == before
    assert not (tmp_path / "p.toml").exists()


def test_directory_read_only_and_missing_folder(
    export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["aggregate", str(export), "--out", str(tmp_path)]) == 2
    assert "is a directory; give a file name" in one_line_error(capsys)
    locked = tmp_path / "locked.csv"
    locked.write_text("keep")
    locked.chmod(0o444)
    assert main(["aggregate", str(export), "--out", str(locked)]) == 2
    assert "is read-only" in one_line_error(capsys)
    assert locked.read_text() == "keep"
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        assert main(["fit", str(export), "--out", str(folder / "p.toml")]) == 2
        assert "cannot be written (read-only)" in one_line_error(capsys)
    finally:
        folder.chmod(0o755)
    assert main(["fit", str(export), "--out", str(tmp_path / "nope" / "p.toml")]) == 2
    assert "does not exist" in one_line_error(capsys)


def test_all_outputs_or_none(export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    toml = tmp_path / "p.toml"
    assert main(["fit", str(export), "--out", str(toml), "--workers-out", str(tmp_path / "x" / "w.csv")]) == 2
    assert not toml.exists()
    one_line_error(capsys)
    assert main(["report", str(export), "--tasks-out", str(tmp_path / "x" / "t.csv")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # refused before the report was printed
    assert main(["fit", str(export), "--out", str(toml), "--workers-out", str(toml)]) == 2
    assert "name the same file" in one_line_error(capsys)


def test_failure_while_writing_leaves_every_target_untouched(tmp_path: Path) -> None:
    first = tmp_path / "a.txt"
    first.write_text("old")
    with pytest.raises(SandboxError, match="does not exist"):
        write_all_atomically({first: "new", tmp_path / "missing" / "b.txt": "new"})
    assert first.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]  # no temporary file left


def test_mode_of_a_replaced_file_is_kept_and_a_new_file_follows_the_umask(tmp_path: Path) -> None:
    kept = tmp_path / "kept.csv"
    kept.write_text("x")
    kept.chmod(0o640)
    write_atomically(kept, "y")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640
    old = os.umask(0o027)
    try:
        assert umask() == 0o027
        write_atomically(tmp_path / "new.csv", "z")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o640


def test_check_outputs_refuses_the_same_file_under_two_names(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("x")
    (tmp_path / "link.csv").symlink_to(source)
    with pytest.raises(SandboxError, match="is an input"):
        check_outputs({"--out": tmp_path / "link.csv"}, [source])


def test_csv_for_spreadsheets_neutralises_formulas() -> None:
    frame = pd.DataFrame(
        {"label": ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tx", "\rx", "ok"], "n": range(7)}
    )
    lines = spreadsheet_csv(frame).splitlines()
    cells = [line.split(",")[0] for line in lines[1:]]
    assert cells[:4] == ['"\'=HYPERLINK(""http://x"")"', "'+1", "'-2", "'@SUM(A1)"]
    assert cells[-1] == "ok"
    assert "'\t" in spreadsheet_csv(frame)


def test_aggregate_csv_of_formula_labels_is_neutralised(tmp_path: Path) -> None:
    path = tmp_path / "answers.csv"
    rows = [(t, w, "=1+1" if t % 2 else "@x") for t in range(6) for w in range(3)]
    pd.DataFrame(rows, columns=["task", "worker", "label"]).to_csv(path, index=False)
    out = tmp_path / "consensus.csv"
    assert main(["aggregate", str(path), "--aggregator", "mv", "--out", str(out)]) == 0
    labels = set(pd.read_csv(out)["label"])
    assert labels == {"'=1+1", "'@x"}


def test_control_characters_never_reach_a_terminal_or_a_toml_comment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert printable("a\nb\x1b[2J\u202e") == "a\\nb\\x1b[2J\\u202e"
    assert table([{"label": "x\ny"}], ["label"], terminal=False).splitlines()[-1] == "x\\ny"
    rows = [
        (t, w, "bad\nlabel\x1b[31m" if (t + (w == 3)) % 2 else "good") for t in range(12) for w in range(4)
    ]
    path = tmp_path / "evil\nname.csv"
    pd.DataFrame(rows, columns=["task", "worker", "label"]).to_csv(path, index=False)
    out = tmp_path / "p.toml"
    assert main(["fit", str(path), "--out", str(out)]) == 0
    comments = [line for line in out.read_text().splitlines() if line.startswith("#")]
    assert any("bad\\nlabel\\x1b[31m" in line for line in comments)
    assert any("evil\\nname.csv" in line for line in comments)
    assert all("\x1b" not in line for line in out.read_text().splitlines())
    assert main(["report", str(path)]) == 0
    assert "\x1b[31m" not in capsys.readouterr().out


class _FakeLabelStudio(BaseHTTPRequestHandler):
    """Project 1 answers an HTML page with HTTP 200, project 2 a truncated JSON list, project 3 an
    error whose body echoes the Authorization header, project 4 a good export."""

    def do_GET(self) -> None:
        project = self.path.split("/")[3]
        status, body = {
            "1": (200, b"<!DOCTYPE html><html><body>Login</body></html>"),
            "2": (200, b'[{"id": 1, "annotations": ['),
            "3": (
                400,
                json.dumps({"detail": f"bad: Authorization: {self.headers['Authorization']}"}).encode(),
            ),
            "4": (200, b'[{"id": 1, "annotations": []}]'),
        }[project]
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def fake_server() -> Iterator[str]:
    with serving(_FakeLabelStudio) as address:
        yield f"http://{address}"


@pytest.mark.parametrize(
    ("project", "message"),
    [
        (1, r"sent an HTML or XML page"),
        (2, r"not a JSON export \(.*broken or truncated JSON"),
        (3, r"HTTP 400"),
    ],
)
def test_pull_checks_the_body_and_leaves_nothing_behind(
    fake_server: str, tmp_path: Path, project: int, message: str
) -> None:
    out = tmp_path / "export.json"
    out.write_text("previous")
    key = "s3cr3t-key-0123456789"
    with pytest.raises(SandboxError, match=message) as info:
        pull(fake_server, project, out, api_key=key)
    assert key not in str(info.value)
    assert out.read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.json"]


def test_pull_writes_a_checked_export(fake_server: str, tmp_path: Path) -> None:
    out = tmp_path / "export.json"
    pull(fake_server, 4, out, api_key="k" * 20)
    assert json.loads(out.read_text()) == [{"id": 1, "annotations": []}]


def test_redact() -> None:
    assert redact("Authorization: Token abc123xyz and abc123xyz", "abc123xyz") == "Authorization: *** and ***"
    assert redact('{"authorization": "Bearer eyJ.x.y"}', None) == '{"authorization": "***"}'
