"""Property: every TOML document given as a population or a sweep spec is accepted or refused with
one SandboxError — never another exception — and a spec is refused before anything is imported or
written when it names a cell kind that is not registered."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

import tomli_w
from hypothesis import given, settings

from annotators.population import load_population
from foundation.errors import SandboxError, printable
from sandbox.sweep.cells import load_cell
from sandbox.sweep.grid import expand
from sandbox.sweep.runner import resolve_spec
from sandbox.sweep.spec import load_spec_file, spec_from_dict
from tests.fuzz.strategies import POPULATION, SPEC, examples


def one_line(error: SandboxError) -> None:
    line = printable(str(error))
    assert line and "\n" not in line


def toml_file(folder: str, name: str, data: dict[str, Any]) -> Path:
    path = Path(folder) / name
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path


@settings(max_examples=examples(300))
@given(data=POPULATION)
def test_any_population_file_is_loaded_or_refused(data: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        try:
            population = load_population(toml_file(folder, "crowd.toml", data))
        except SandboxError as error:
            one_line(error)
        else:
            assert population.pool_size >= 1
            assert abs(sum(m.share for m in population.members) - 1) < 1e-6


@settings(max_examples=examples(150))
@given(data=SPEC)
def test_any_sweep_spec_is_expanded_or_refused(data: dict[str, Any]) -> None:
    before = set(sys.modules)
    with tempfile.TemporaryDirectory() as folder:
        path = toml_file(folder, "sweep.toml", data)
        try:
            spec = resolve_spec(spec_from_dict(load_spec_file(path), source=str(path)))
            cells = expand(spec, load_cell(spec.cell))
        except SandboxError as error:
            one_line(error)
        else:
            assert len(cells) == len({c.cell_id for c in cells}) >= 1
        assert list(Path(folder).iterdir()) == [path]  # nothing written
    assert "os" in before and not {m for m in set(sys.modules) - before if m.startswith(("x", "antigravity"))}
