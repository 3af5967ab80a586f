"""The bundled datasets' catalog is validated like every configuration file."""

from __future__ import annotations

from pathlib import Path

import pytest

from foundation.errors import SandboxError
from sandbox.kinds.classification.datasets import bundled


def test_every_bundled_dataset_has_a_description() -> None:
    entries = bundled.catalog()
    assert "snow_rte" in entries
    assert all(set(entry) == {"description"} and entry["description"] for entry in entries.values())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[a]\ndescription = 3\n", "catalog.toml: [a]: description must be a string, got 3"),
        ('[a]\ndescription = "x"\nsize = 3\n', "catalog.toml: [a]: unknown key 'size'; allowed: description"),
        ("[a]\n", "catalog.toml: [a]: missing key 'description' (a string)"),
        ("a = 3\n", "catalog.toml: [a] must be a table, got 3"),
    ],
)
def test_a_bad_entry_names_the_table_and_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, message: str
) -> None:
    (tmp_path / "catalog.toml").write_text(text)
    monkeypatch.setattr(bundled, "bundled_root", lambda: tmp_path)
    with pytest.raises(SandboxError) as error:
        bundled.catalog()
    assert str(error.value) == message
