"""The READMEs' schema tables are the ones the models render (no second, hand-written copy)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox.reporting.schema_docs import DOCUMENTS, TABLES, archetype_table, key_table, render
from sandbox.simulation.policy import CampaignPolicy

REPO = Path(__file__).resolve().parents[1]
REGENERATE = "python -m sandbox.reporting.schema_docs"


@pytest.mark.parametrize("document", list(DOCUMENTS))
def test_readme_tables_match_the_models(document: str) -> None:
    text = (REPO / document).read_text(encoding="utf-8")
    for name in DOCUMENTS[document]:
        assert f"<!-- schema:{name} -->" in text and f"<!-- /schema:{name} -->" in text
    assert render(text, DOCUMENTS[document]) == text, (
        f"{document}: a schema table differs from the models; regenerate it with `{REGENERATE}`"
    )


def test_every_table_has_a_home() -> None:
    assert sorted(name for names in DOCUMENTS.values() for name in names) == sorted(TABLES)


def test_render_replaces_only_between_markers() -> None:
    text = "before\n<!-- schema:policy -->\nstale\n<!-- /schema:policy -->\nafter\n"
    rendered = render(text, ("policy",))
    assert rendered.startswith("before\n<!-- schema:policy -->\n| key |")
    assert rendered.endswith("|\n<!-- /schema:policy -->\nafter\n") and "stale" not in rendered
    assert render(rendered, ("policy",)) == rendered
    with pytest.raises(ValueError, match="no <!-- schema:sweep -->"):
        render(text, ("sweep",))


def test_key_table_rows() -> None:
    rows = key_table(CampaignPolicy).splitlines()
    assert rows[0] == "| key | allowed | default | description |"
    assert len(rows) == 2 + len(CampaignPolicy.model_fields)
    assert rows[2] == "| `redundancy` | an integer >= 1 | `5` | answers per task (the start when adaptive) |"
    assert "| `max_redundancy` | an integer >= 1 | not set |" in rows[8]


def test_archetype_table_lists_parameters_with_toml_defaults() -> None:
    from annotators.archetypes.classification import ARCHETYPES

    table = archetype_table(ARCHETYPES)
    assert "| `honest` | `skill` | a number in [0, 1], { alpha = A, beta = B } or" in table
    assert "`{ alpha = 8.0, beta = 2.0 }`" in table
    assert "| `copier` |  |  |  | only `share`: " in table
