"""Properties of TOML from users and of the numbers in it (issue 22: arrays or tables nested about
500 deep in a 1 KB population file, sweep spec or store ``_sweep.toml`` gave a RecursionError with
some 3,000 lines of traceback; ``rings = 1000000000000`` tried to allocate 1.07 PiB):

- nesting of any depth and form — arrays, inline tables, dotted keys, table headers, arrays of
  tables — anywhere a population file, a sweep spec, a store's ``_sweep.toml`` or a ``--set`` /
  ``--grid`` value takes TOML is read or refused with one error line, and anything deeper than
  ``MAX_TOML_DEPTH`` is refused;
- any number in any parameter of any archetype (0, 1, 10**12, 10**18, 2**63 - 1, 1e308, the smallest
  float) gives a campaign that runs or is refused with one line, within a small memory bound.
"""

from __future__ import annotations

import tempfile
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st

from annotators.archetypes import ARCHETYPES_BY_KIND
from foundation.toml_text import MAX_TOML_DEPTH
from sandbox.cli.main import main
from tests.fuzz.strategies import examples

FORMS = ("array", "inline_table", "mixed", "dotted_key", "table_header", "array_of_tables")


def nested_value(form: str, depth: int) -> str:
    """A TOML value nesting ``depth`` levels (for the forms that are values)."""
    if form == "array":
        return "[" * depth + "1" + "]" * depth
    if form == "inline_table":
        return "{a = " * depth + "1" + "}" * depth
    return (
        "".join("[{a = " if i % 2 else "[" for i in range(depth))
        + "1"
        + "".join("}]" if i % 2 else "]" for i in reversed(range(depth)))
    )


def nested_document(form: str, depth: int, key: str) -> str:
    """A TOML document whose ``key`` (dotted) holds something nesting ``depth`` levels."""
    dotted = ".".join(["a"] * depth)
    if form == "dotted_key":
        return f"{key}.{dotted} = 1\n"
    if form == "table_header":
        return f"[{key}.{dotted}]\nx = 1\n"
    if form == "array_of_tables":
        return f"[[{key}.{dotted}]]\nx = 1\n"
    return f"{key} = {nested_value(form, depth)}\n"


def one_error_line(status: int, err: str) -> None:
    assert "Traceback" not in err and "RecursionError" not in err
    assert status in (0, 2), err
    if status == 2:
        assert len([line for line in err.splitlines() if "error:" in line]) == 1, err


DEPTHS = st.one_of(
    st.integers(1, 40), st.integers(MAX_TOML_DEPTH - 2, MAX_TOML_DEPTH + 2), st.integers(40, 3000)
)


@settings(max_examples=examples(120))
@given(
    form=st.sampled_from(FORMS),
    depth=DEPTHS,
    where=st.sampled_from(
        ["population", "population_skill", "spec_set", "spec_top", "set", "grid", "resume"]
    ),
)
def test_nesting_of_any_depth_is_read_or_refused_in_one_line(
    form: str, depth: int, where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        population = root / "crowd.toml"
        base = "pool_size = 20\n[archetypes.honest]\nshare = 1.0\n"
        spec = root / "spec.toml"
        spec_base = 'cell = "tests.sweep.cells:ONE_COIN"\nseeds = 1\n'
        argv: list[str]
        if where.startswith("population"):
            key = "activity" if where == "population_skill" else "description"
            population.write_text(nested_document(form, depth, key) + base)
            argv = [
                "run",
                "--dataset",
                "synthetic:n_tasks=20",
                "--population",
                str(population),
                "--redundancy",
                "2",
            ]
        elif where in ("spec_set", "spec_top"):
            key = "set.n_tasks" if where == "spec_set" else "nope"
            spec.write_text(spec_base + nested_document(form, depth, key))
            argv = ["sweep", str(spec), "--out", str(root / "out")]
        elif where in ("set", "grid"):
            spec.write_text(spec_base)
            value = nested_value(form if form in ("array", "inline_table", "mixed") else "array", depth)
            option = "--set" if where == "set" else "--grid"
            argv = ["sweep", str(spec), "--out", str(root / "out"), option, f"n_tasks={value}"]
        else:
            spec.write_text(spec_base + "[set]\nn_tasks = 10\n")
            assert main(["sweep", str(spec), "--out", str(root / "out"), "--workers", "1"]) == 0
            saved = root / "out" / "_sweep.toml"
            saved.write_text(saved.read_text() + nested_document(form, depth, "extra"))
            argv = ["sweep", "--out", str(root / "out"), "--resume", "--workers", "1"]
        capsys.readouterr()
        status = main(argv)
        err = capsys.readouterr().err
    one_error_line(status, err)
    if depth > MAX_TOML_DEPTH + 1 and where in ("population", "spec_top", "resume") and form in FORMS[:3]:
        assert status == 2 and "MAX_TOML_DEPTH" in err, err


EXTREMES = [0, 1, 2, 10**12, 10**18, 2**63 - 1, 1e308, 5e-324, -1, 0.5]


@st.composite
def archetype_table(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """One classification archetype with every number among its parameters set to an extreme."""
    archetypes = ARCHETYPES_BY_KIND["classification"]
    name = draw(st.sampled_from(sorted(archetypes)))
    table: dict[str, Any] = {"share": 1.0}
    fields = archetypes[name].parameters.model_fields
    for field, info in fields.items():
        if field == "share":
            continue
        if info.annotation is not None and any(
            t in str(info.annotation) for t in ("int", "float", "Skill", "Positive")
        ):
            if draw(st.booleans()):
                table[field] = draw(st.sampled_from(EXTREMES))
    if name == "colluding_ring" and draw(st.booleans()):
        table["rings"] = draw(st.sampled_from([10**12, 2**63 - 1, 10**6]))
    return name, table


@settings(max_examples=examples(60))
@given(archetype=archetype_table(), pool=st.sampled_from([3, 20, 200]))
def test_any_number_in_any_archetype_runs_or_is_refused_within_a_small_memory(
    archetype: tuple[str, dict[str, Any]], pool: int, capsys: pytest.CaptureFixture[str]
) -> None:
    name, table = archetype
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "crowd.toml"
        path.write_text(tomli_w.dumps({"pool_size": pool, "archetypes": {name: table}}))
        capsys.readouterr()
        tracemalloc.start()
        try:
            status = main(
                [
                    "run",
                    "--dataset",
                    "synthetic:n_tasks=30",
                    "--population",
                    str(path),
                    "--redundancy",
                    "2",
                    "--aggregators",
                    "mv",
                ]
            )
        finally:
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        err = capsys.readouterr().err
    one_error_line(status, err)
    assert peak < 256 * 1024**2, (name, table, peak / 2**20)
