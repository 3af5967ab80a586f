"""Where the bundled data lives, whatever the task kind: ``datasets/`` in a checkout,
``sandbox/_datasets`` inside a wheel (each kind reads its own folders and catalog there)."""

from __future__ import annotations

from pathlib import Path

import sandbox


def bundled_root() -> Path:
    """The folder holding the bundled data: ``sandbox/_datasets`` in a wheel, ``datasets/`` in a checkout."""
    package_dir = Path(sandbox.__file__).resolve().parent
    inside_wheel = package_dir / "_datasets"
    return inside_wheel if inside_wheel.is_dir() else package_dir.parent / "datasets"
