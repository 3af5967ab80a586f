"""Label Studio's names of annotators: the id stays the worker's key, the email or username (or the
annotation's ``created_username``) is carried as the identity people see."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sandbox.io.labelstudio.export import worker_identity
from sandbox.kinds.classification.readers import load_answers

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.mark.parametrize(
    ("completed_by", "created_username", "expected"),
    [
        ({"id": 8, "email": "b@example.com"}, None, "b@example.com"),
        ({"id": 8, "username": "bea"}, None, "bea"),
        ({"id": 8, "email": " ", "username": "bea"}, None, "bea"),
        (8, "Bea Smith bea@example.com, 8", "Bea Smith bea@example.com"),
        (8, "bea@example.com", "bea@example.com"),
        (8, None, None),
        (8, "   ", None),
        ({"id": 8}, ["not", "text"], None),
    ],
)
def test_the_identity_comes_from_the_export(
    completed_by: object, created_username: object, expected: object
) -> None:
    assert worker_identity(completed_by, created_username) == expected


def test_the_reader_keeps_ids_as_keys_and_names_beside_them(tmp_path: Path) -> None:
    tasks = json.loads((FIXTURES / "ls_full.json").read_text())
    tasks[0]["annotations"][0]["created_username"] = "Ann Lee ann@example.com, 7"
    export = tmp_path / "named.json"
    export.write_text(json.dumps(tasks))
    imported = load_answers(export)
    assert sorted(map(str, imported.answers["worker"].unique())) == ["7", "8", "c@example.com"]
    assert imported.identities is not None
    assert imported.identities.to_dict() == {"7": "Ann Lee ann@example.com", "8": "b@example.com"}
    assert load_answers(FIXTURES / "long.csv").identities is None
