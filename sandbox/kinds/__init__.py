"""Task kinds as plug-in packages: the one list of kinds, and loading them.

A kind (choose a class, compare two items, …) is a package ``sandbox/kinds/<kind>/``. Loading it
registers its pieces with the registries below it — its :class:`~sandbox.kinds.base.TaskKind`, its
dataset sources, aggregators and export readers — so that shared machinery (the campaign, scoring,
sweeps, the command line) asks the kind instead of naming it. The registries call
:func:`load_kinds` before they are read; this module imports nothing of the project, and the kind
packages are imported by name, once.

A new kind is one package and one line in :data:`KIND_PACKAGES`.
"""

from __future__ import annotations

import importlib

#: The task kinds, one line each: the package that plugs the kind in (the first is the default).
KIND_PACKAGES: tuple[str, ...] = (
    "sandbox.kinds.classification",
    "sandbox.kinds.pairwise",
    "sandbox.kinds.ratings",
)

_state = {"loaded": False, "loading": False}


def load_kinds() -> None:
    """Import every kind package once (its registrations run on import). Reentrant: a lookup made
    while the kinds load sees what is registered so far."""
    if _state["loaded"] or _state["loading"]:
        return
    _state["loading"] = True
    try:
        for package in KIND_PACKAGES:
            importlib.import_module(package)
        _state["loaded"] = True
    finally:
        _state["loading"] = False
