"""Where the dashboard's shipped data lives (see ``dashboards/data/README.md``)."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
#: The bundled sweep behind the overview (see ``dashboards/data/README.md`` to regenerate it).
OVERVIEW_SWEEP = DATA / "overview"
#: The bundled sweep of the paid crowd's accuracy on all items and on misleading items, by redundancy.
MISLEADING_SWEEP = DATA / "misleading"
