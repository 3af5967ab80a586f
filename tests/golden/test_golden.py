"""The golden outputs (:mod:`tests.golden.cases`) hold: same commands, same seeds, same outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.golden.cases import CASES, SIGIR, Case, capture, expected_path
from tests.golden.run import run_case


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_output_is_unchanged(case: Case, tmp_path: Path) -> None:
    if case.needs_shared and not SIGIR.is_dir():
        pytest.skip("the shared pairwise data is not beside the clone")
    status, stdout, stderr = run_case(case, tmp_path)
    assert status == 0, stderr
    expected = json.loads(expected_path(case).read_text(encoding="utf-8"))
    assert json.loads(json.dumps(capture(case, stdout, tmp_path), sort_keys=True)) == expected
