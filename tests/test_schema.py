"""``crowd-sandbox schema``: the printed JSON Schemas, and every shipped TOML file validates against them
as an editor would check it (the ``jsonschema`` package, draft 2020-12)."""

from __future__ import annotations

import copy
import json
import subprocess
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from annotators.archetypes.classification import ARCHETYPES
from annotators.population import load_population
from annotators.population_file import population_json_schema
from sandbox.sweep.spec import load_spec_file, spec_from_dict, spec_json_schema

Cli = Callable[..., subprocess.CompletedProcess[str]]
REPO = Path(__file__).resolve().parents[1]
PRESETS = sorted((REPO / "annotators" / "presets").glob("*.toml"))
SPECS = [
    *sorted((REPO / "examples").glob("*.toml")),
    REPO / "dashboards" / "data" / "overview_sweep.toml",
    REPO / "dashboards" / "data" / "overview" / "_sweep.toml",
]


def validator(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_schema_command_prints_the_json_schemas(cli: Cli) -> None:
    for name, expected in (("population", population_json_schema()), ("sweep", spec_json_schema())):
        result = cli("schema", name)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout) == expected
        assert result.stdout.startswith("{\n  ")  # pretty


def test_unknown_schema_is_one_line_and_exit_2(cli: Cli) -> None:
    result = cli("schema", "policy")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == "crowd-sandbox: error: unknown schema 'policy'; allowed: population, sweep\n"


@pytest.mark.parametrize("path", PRESETS, ids=lambda p: p.name)
def test_presets_validate_against_the_population_schema(path: Path) -> None:
    validator(population_json_schema()).validate(tomllib.loads(path.read_text(encoding="utf-8")))
    assert load_population(path).pool_size >= 1  # and the models agree


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.name)
def test_specs_validate_against_the_sweep_schema(path: Path) -> None:
    raw = load_spec_file(path)
    validator(spec_json_schema()).validate(raw)
    assert spec_from_dict(raw, source=str(path)).seeds >= 1


def _honest_preset() -> dict[str, Any]:
    return tomllib.loads((REPO / "annotators" / "presets" / "volunteers.toml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("edit", "path"),
    [
        (lambda d: d["archetypes"]["honest"].update(skil=0.5), ["archetypes", "honest"]),
        (lambda d: d["archetypes"].update(lazy={"share": 0.0}), ["archetypes"]),
        (
            lambda d: d["archetypes"]["honest"].update(skill={"alpha": 0, "beta": 1}),
            ["archetypes", "honest", "skill"],
        ),
        (lambda d: d["archetypes"]["honest"].update(mistakes="often"), ["archetypes", "honest", "mistakes"]),
        (lambda d: d.update(pool_size="many"), ["pool_size"]),
        (lambda d: d.update(activity={"zipf": 9}), ["activity"]),
        (lambda d: d.update(schema_version=2), ["schema_version"]),
    ],
)
def test_the_population_schema_catches_what_an_editor_should(
    edit: Callable[[dict[str, Any]], None], path: list[str]
) -> None:
    data = copy.deepcopy(_honest_preset())
    edit(data)
    errors = list(validator(population_json_schema()).iter_errors(data))
    assert errors and list(errors[0].absolute_path)[: len(path)] == path


def test_the_population_schema_describes_every_archetype_and_parameter() -> None:
    schema = population_json_schema()
    definitions = schema["$defs"]
    tables = definitions["ClassificationArchetypes"]["properties"]
    assert list(tables) == list(ARCHETYPES)
    for name, archetype in ARCHETYPES.items():
        table = definitions[tables[name]["$ref"].rsplit("/", 1)[-1]]
        assert table["additionalProperties"] is False and table["required"] == ["share"]
        assert table["description"] == archetype.summary
        assert list(table["properties"]) == ["share", *archetype.parameters.model_fields]
        for key, prop in table["properties"].items():
            assert prop["description"], f"{name}.{key} has no description"
