"""Population files: presets load, bad files fail naming the file, the key and what is allowed."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotators.population import Population, load_population, preset_names
from foundation.errors import SandboxError

GOOD = """
description = "test"
pool_size = 10
cost_per_label = 0.1

[archetypes.honest]
share = 0.7
skill = { alpha = 3, beta = 1 }

[archetypes.uniform_spammer]
share = 0.3
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "crowd.toml"
    path.write_text(text)
    return path


def test_presets_ship_and_load() -> None:
    assert {"volunteers", "paid_crowd", "paid_curation"} <= set(preset_names())
    for name in preset_names():
        population = load_population(name)
        assert population.name == name
        assert abs(sum(m.share for m in population.members) - 1) < 1e-9


def test_presets_state_their_assumptions_in_comments() -> None:
    folder = Path(__file__).resolve().parents[2] / "annotators" / "presets"
    for name in ("volunteers", "paid_crowd", "paid_curation"):
        text = (folder / f"{name}.toml").read_text()
        assert "Assumptions" in text and text.count("#") >= 4


def test_paid_curation_is_few_and_expensive() -> None:
    curation, crowd = load_population("paid_curation"), load_population("volunteers")
    assert curation.pool_size < crowd.pool_size
    assert curation.cost_per_label > 10 * crowd.cost_per_label


def test_worker_counts_follow_shares_and_sum_to_pool(tmp_path: Path) -> None:
    population = load_population(write(tmp_path, GOOD))
    assert population.worker_counts().tolist() == [7, 3]


def test_round_trip_through_dict(tmp_path: Path) -> None:
    population = load_population(write(tmp_path, GOOD))
    again = Population.from_dict(population.to_dict(), "round trip")
    assert again.to_dict() == population.to_dict()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GOOD.replace("share = 0.3", "share = 0.2"), "shares must sum to 1"),
        (GOOD.replace("uniform_spammer", "lazy_worker"), "unknown archetype 'lazy_worker'"),
        (GOOD.replace("share = 0.3", "share = 0.3\nspeed = 2"), "unknown key 'speed'"),
        (GOOD.replace("pool_size = 10", "pool_size = 0"), "pool_size must be an integer >= 1"),
        (GOOD.replace("alpha = 3", "alpha = -3"), "alpha must be > 0"),
        (GOOD.replace("share = 0.7", "share = 1.7"), "between 0 and 1"),
        (GOOD.replace("cost_per_label = 0.1", "cost_per_label = -1"), "cost_per_label must be"),
        (GOOD + "\nbudget = 3\n", "unknown key 'budget'"),
        ("pool_size = [", "not valid TOML"),
    ],
)
def test_bad_file_names_file_key_and_allowed(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(SandboxError) as error:
        load_population(path)
    message = str(error.value)
    assert expected in message
    assert str(path) in message


def test_unknown_archetype_lists_allowed(tmp_path: Path) -> None:
    with pytest.raises(SandboxError, match="allowed: honest, uniform_spammer, fixed_spammer, adversary"):
        load_population(write(tmp_path, GOOD.replace("uniform_spammer", "bot")))


def test_unknown_preset_lists_presets() -> None:
    with pytest.raises(SandboxError, match=r"presets: .*volunteers"):
        load_population("no_such_crowd")
