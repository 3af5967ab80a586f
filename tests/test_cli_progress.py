"""``run`` shows progress on stderr once it outlasts a threshold (forced to 0 here), and not before."""

from __future__ import annotations

import json

import pytest

from sandbox.cli import simulate
from sandbox.cli.main import main

RUN = ["run", "--dataset", "synthetic:n_tasks=300", "--population", "paid_crowd", "--aggregators", "mv,ds"]


def test_run_shows_progress_on_stderr_past_the_threshold(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(simulate, "PROGRESS_AFTER", 0.0)
    assert main([*RUN, "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["n_tasks"] == 300  # stdout stays the document alone
    assert "4/4 steps" in err  # campaign, scoring set-up, mv, ds


def test_a_run_shorter_than_the_threshold_prints_no_progress(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(simulate, "PROGRESS_AFTER", 3600.0)
    assert main([*RUN, "--format", "json"]) == 0
    assert capsys.readouterr().err == ""
