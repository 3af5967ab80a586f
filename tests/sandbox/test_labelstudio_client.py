"""The Label Studio client's checks that need no server (the server tests are in tests/labelstudio)."""

from __future__ import annotations

import socket
from pathlib import Path

import pandas as pd
import pytest

from foundation.errors import SandboxError
from sandbox.io.labelstudio.client import label_config, pull, push
from sandbox.io.labelstudio.label_config import read_label_config


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_missing_api_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("LABEL_STUDIO_API_KEY", raising=False)
    with pytest.raises(SandboxError, match="set the LABEL_STUDIO_API_KEY environment variable"):
        pull("http://127.0.0.1:8080", 1, tmp_path / "x.json")


def test_unreachable_server_is_one_clear_error(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    with pytest.raises(SandboxError, match=rf"Label Studio at {url}: export of project 3 failed") as info:
        pull(url, 3, tmp_path / "x.json", api_key="secret-key-123")
    assert "secret-key-123" not in str(info.value)
    assert not (tmp_path / "x.json").exists()


def test_bad_arguments() -> None:
    answers = pd.DataFrame({"task": [1], "worker": ["a"], "label": ["x"]})
    with pytest.raises(SandboxError, match="must start with http"):
        push("localhost:8080", answers, title="a project", api_key="k")
    with pytest.raises(SandboxError, match="too short"):
        push("http://127.0.0.1:1", answers, title="ab", api_key="k")
    with pytest.raises(SandboxError, match="lack the 'worker' column"):
        push("http://127.0.0.1:1", answers[["task", "label"]], title="abc", api_key="k")
    with pytest.raises(SandboxError, match="unknown export type 'XML'; allowed: JSON, JSON_MIN, CSV"):
        pull("http://127.0.0.1:1", 1, Path("x"), export_type="XML", api_key="k")


def test_generated_label_config_reads_back() -> None:
    controls = read_label_config(label_config(["cat", "dog & co", '"fox"']))
    assert list(controls) == ["label"]
    assert controls["label"].labels == ("cat", "dog & co", '"fox"')
    assert controls["label"].to_name == "text"
    assert not controls["label"].multiple
