"""Streamlit's script runner makes the page it runs ``sys.modules["__main__"]`` and AppTest leaves it
there; spawned or forkserver processes started later in the same pytest process (the sweep tests)
would then re-run that page as their main module. Put the real ``__main__`` back after each test."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def restore_main_module() -> Iterator[None]:
    main = sys.modules.get("__main__")
    yield
    if main is not None:
        sys.modules["__main__"] = main
