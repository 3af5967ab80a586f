"""The command line starts light: building the parser, ``--help`` and the listings import no
scientific stack beyond numpy (each command imports what it needs when it runs)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import REPO

HEAVY = ("pandas", "scipy", "sklearn", "crowdkit", "pyarrow", "dask", "streamlit", "label_studio_sdk")
PROBE = """
import json, sys
from sandbox.cli.main import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
sys.stdout = sys.__stdout__
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["rnu"],
        ["verdcit"],
        ["run", "--help"],
        ["report", "--help"],
        ["verdict", "--help"],
        ["aggregators"],
    ],
)
def test_start_imports_nothing_heavy(argv: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, cwd=REPO, timeout=120
    )
    imported = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert not imported & set(HEAVY), f"{argv} imports {sorted(imported & set(HEAVY))}"


def test_a_typo_names_the_command_meant(capsys: pytest.CaptureFixture[str]) -> None:
    from sandbox.cli.main import main

    assert main(["verdcit", "x"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "did you mean 'verdict'?" in error
