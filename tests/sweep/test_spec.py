"""Sweep specs: TOML tables, command-line overrides, and errors before any work."""

from __future__ import annotations

from pathlib import Path

import pytest

from foundation.errors import SandboxError
from sandbox.sweep.grid import expand
from sandbox.sweep.runner import run_sweep
from sandbox.sweep.spec import load_spec_file, resolve_scenario, spec_from_dict
from tests.sweep.cells import ONE_COIN, REF

SPEC = f"""
name = "tiny"
seed = 7
seeds = 2
cell = "{REF}"

[scenario]
n_tasks = 50

[set]
"crowd.skill" = 0.8

[grid]
redundancy = [1, 3]
"crowd.spammer_share" = [0, 0.5]

[reference]
crowd = {{ skill = 0.95 }}
"""


def test_file_tables_and_flags_merge(tmp_path: Path) -> None:
    path = tmp_path / "tiny.toml"
    path.write_text(SPEC)
    spec = spec_from_dict(
        load_spec_file(path), source=str(path), sets={"n_tasks": 60}, grids={"redundancy": [5]}
    )
    assert spec.name == "tiny" and spec.seed == 7 and spec.seeds == 2
    assert spec.settings == {"crowd.skill": 0.8, "n_tasks": 60}
    # mixed ints and floats become floats so ids and column types are stable
    assert spec.grid == {"redundancy": [5], "crowd.spammer_share": [0.0, 0.5]}
    assert spec.reference == {"crowd.skill": 0.95}
    cells = expand(spec, ONE_COIN)
    assert len(cells) == (1 * 2 + 1) * 2
    crowd = [c for c in cells if c.role == "crowd"]
    assert {c.scenario["policy"]["redundancy"] for c in crowd} == {5}
    assert {c.scenario["crowd"]["skill"] for c in crowd} == {0.8}
    reference = [c for c in cells if c.role == "reference"]
    assert reference[0].scenario["crowd"] == {"skill": 0.95, "spammer_share": 0.0}
    assert reference[0].params == {"redundancy": None, "crowd.spammer_share": None}


def test_bare_key_is_short_for_its_table() -> None:
    scenario = resolve_scenario(ONE_COIN, {}, {"redundancy": 4, "skill": 0.6})
    assert scenario["policy"]["redundancy"] == 4
    assert scenario["crowd"]["skill"] == 0.6


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"cell": REF, "grids": {}}, "unknown key 'grids'; allowed: name, description, seed"),
        ({"cell": REF, "seeds": 0}, "'seeds' must be an integer >= 1"),
        ({"cell": REF, "grid": {"redundancy": []}}, "non-empty list"),
        ({"cell": REF, "grid": {"redundancy": [1, 1]}}, "repeated values"),
        ({"cell": REF, "grid": {"redundancy": 3}}, "non-empty list"),
        ({"cell": REF, "set": {"k": 1}, "grid": {"k": [1]}}, "both set and varied"),
        ({"cell": REF, "scenario": "x"}, r"\[scenario\] must be a table"),
    ],
)
def test_malformed_spec_is_rejected(raw: dict[str, object], message: str) -> None:
    with pytest.raises(SandboxError, match=message):
        spec_from_dict(raw)


@pytest.mark.parametrize(
    ("grid", "message"),
    [
        ({"redundency": [1, 3]}, "unknown key 'redundency'.*allowed: aggregators, crowd, delay"),
        ({"policy.k": [1]}, "unknown key 'policy.k'.*allowed: cost_per_label, redundancy"),
        ({"redundancy": [3, 0]}, "redundancy must be an integer >= 1, got 0"),
        ({"aggregators": [["mv"], ["glad"]]}, "unknown aggregator 'glad'; allowed: first, mv"),
        ({"seed": [1, 2]}, "reserved"),
    ],
)
def test_invalid_cells_fail_before_any_work(
    tmp_path: Path, grid: dict[str, list[object]], message: str
) -> None:
    spec = spec_from_dict({"cell": REF, "grid": grid})
    out = tmp_path / "out"
    with pytest.raises(SandboxError, match=message):
        run_sweep(spec, out, workers=1)
    assert not out.exists()  # nothing written


def test_missing_or_broken_files_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(SandboxError, match=r"spec file '.*nope\.toml' does not exist"):
        load_spec_file(tmp_path / "nope.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("seeds = = 3\n")
    with pytest.raises(SandboxError, match="is not valid TOML"):
        load_spec_file(broken)
    with pytest.raises(SandboxError, match="is not a registered cell kind; registered: scenario"):
        run_sweep(spec_from_dict({"cell": "tests.sweep.nowhere:CELL"}), tmp_path / "o", workers=1)
    with pytest.raises(SandboxError, match="cannot be imported"):
        run_sweep(spec_from_dict({"cell": "tests.sweep.cells:NOWHERE"}), tmp_path / "o", workers=1)
