"""The README's figures, rendered from the shipped sweeps with the dashboard's own charts.

    python -m dashboards.figures          # needs the docs extra: pip install -e '.[docs]'

Writes ``docs/figures/misleading.svg`` (the Overview's "More answers cannot fix misleading items").
"""

from __future__ import annotations

from pathlib import Path

from dashboards import charts
from dashboards.paths import MISLEADING_SWEEP
from sandbox.reporting.sweep_views import accuracy_by_items, read_sweep

FIGURES = Path(__file__).resolve().parents[1] / "docs" / "figures"


def misleading_figure() -> charts.Figure:
    """Accuracy of the paid crowd's Dawid–Skene consensus by answers per item, on all items and on
    misleading ones, with paid curation on the same items."""
    sweep = read_sweep(MISLEADING_SWEEP)
    curves, references = accuracy_by_items(sweep.results, "redundancy", "ds")
    chart = charts.item_lines(curves, references, x="redundancy", x_title="answers bought per item")
    return chart.properties(
        width=560,
        title="Paid crowd on snow_rte (Dawid–Skene); dashed: paid curation on the same items",
    )


def main() -> None:
    """Render every README figure into ``docs/figures``."""
    import vl_convert

    FIGURES.mkdir(parents=True, exist_ok=True)
    svg = vl_convert.vegalite_to_svg(misleading_figure().to_json())
    (FIGURES / "misleading.svg").write_text(svg, encoding="utf-8")
    print(f"wrote {FIGURES / 'misleading.svg'}")


if __name__ == "__main__":
    main()
