"""``report --html``: one self-contained HTML file (no script or font from the network, nothing to
install to read it) with the report's pictures and its tables.

The charts (:mod:`sandbox.reporting.export_charts`) are drawn to inline SVG by vl-convert (Vega's
own renderer, run here, not in the browser). Tables are complete (every annotator, every changed
task), with the columns people decide on first (:func:`sandbox.fitting.removal_list.lead_columns`);
a few lines of inline script sort a table by the clicked column, and each table can be downloaded
as CSV from a link that holds it (a ``data:`` URI of the same spreadsheet-safe CSV the CLI writes).
Every text is HTML-escaped.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from sandbox.fitting.removal_list import lead_columns, removal_list
from sandbox.fitting.report import AnnotatorReport
from sandbox.io.files.outputs import spreadsheet_csv
from sandbox.reporting.export_charts import export_figures
from sandbox.reporting.tables import format_cell

STYLE = """
body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px;color:#222}
h1{font-size:1.5em}h2{margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}
th,td{border:1px solid #ddd;padding:2px 6px;text-align:right}
th{background:#f3f3f3;cursor:pointer;position:sticky;top:0}
td:first-child,th:first-child{text-align:left}
.scroll{max-height:480px;overflow:auto;display:inline-block}
.figures{display:flex;flex-wrap:wrap;gap:1.5em}
dl{display:grid;grid-template-columns:max-content auto;gap:2px 1em}dt{font-weight:600}
"""

#: Sorts a table by the clicked header (numbers as numbers, '-' last); toggles the direction.
SORT_SCRIPT = """
document.querySelectorAll('table.sortable th').forEach(function(th){th.addEventListener('click',function(){
var t=th.closest('table'),b=t.tBodies[0],i=Array.prototype.indexOf.call(th.parentNode.children,th);
var up=th.dataset.up!=='1';th.dataset.up=up?'1':'0';var rows=Array.from(b.rows);
function v(r){var x=r.cells[i].textContent.trim();if(x==='-')return null;var n=Number(x);return isNaN(n)?x:n;}
rows.sort(function(p,q){var a=v(p),c=v(q);if(a===null)return 1;if(c===null)return -1;
var s=(typeof a==='number'&&typeof c==='number')?a-c:String(a).localeCompare(String(c));return up?s:-s;});
rows.forEach(function(r){b.appendChild(r);});});});
"""


@dataclass(frozen=True)
class Section:
    """One labeling control's report and the answers it was made of."""

    report: AnnotatorReport
    answers: pd.DataFrame


def _svg(figure: object) -> str:
    import vl_convert

    spec = figure.to_dict()  # type: ignore[attr-defined]
    return str(vl_convert.vegalite_to_svg(spec))


def _table(frame: pd.DataFrame, name: str) -> str:
    """A sortable HTML table of every row of ``frame`` (its named index as columns) and a CSV link."""
    shown = frame.reset_index() if any(n is not None for n in frame.index.names) else frame
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in shown.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(format_cell(v))}</td>" for v in row) + "</tr>"
        for row in shown.itertuples(index=False)
    )
    csv = base64.b64encode(spreadsheet_csv(frame).encode("utf-8")).decode("ascii")
    link = (
        f'<p><a download="{html.escape(name)}.csv" href="data:text/csv;base64,{csv}">'
        f"download {html.escape(name)}.csv</a> ({len(shown)} rows)</p>"
    )
    table = f'<table class="sortable"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    return f'{link}<div class="scroll">{table}</div>'


def _numbers(values: Mapping[str, object]) -> str:
    items = "".join(
        f"<dt>{html.escape(str(k))}</dt><dd>{html.escape(format_cell(v))}</dd>" for k, v in values.items()
    )
    return f"<dl>{items}</dl>"


def _section(title: str, section: Section, slug: str) -> str:
    report = section.report
    parts = [f"<h2>{html.escape(title)}</h2>", _numbers(report.overall)]
    figures = export_figures(report, section.answers)
    parts.append(
        '<div class="figures">' + "".join(f"<figure>{_svg(f)}</figure>" for f in figures.values()) + "</div>"
    )
    parts += [
        "<h3>Removal list (suspected annotators and the evidence)</h3>",
        _table(removal_list(report), f"{slug}removal"),
    ]
    if report.removal is not None:
        parts += ["<h3>What removing them changes</h3>", _numbers(report.removal.effects)]
        if len(report.removal.changed):
            parts += [
                "<h4>Tasks whose consensus changes</h4>",
                _table(report.removal.changed, f"{slug}changed"),
            ]
    ordered = lead_columns(report.annotators).sort_values("suspect", ascending=False, kind="stable")
    parts += ["<h3>Every annotator</h3>", _table(ordered, f"{slug}annotators")]
    if report.agreement is not None:
        parts += [
            "<h3>Krippendorff's alpha, overall and per class (95 % bootstrap interval over tasks)</h3>",
            _table(report.agreement.alpha, f"{slug}alpha"),
            "<h3>Cohen's kappa between annotator pairs</h3>",
            _table(report.agreement.pairs, f"{slug}pairs"),
            "<h3>Least agreed tasks</h3>",
            _table(report.agreement.least_agreed, f"{slug}least_agreed"),
        ]
    return "\n".join(parts)


def export_html(title: str, sections: Mapping[str, Section]) -> str:
    """The HTML document of the report's ``sections`` (labeling control → section; one section
    named "" for an export of one control)."""
    body = []
    for control, section in sections.items():
        heading = f"labeling control {control}" if control else "report"
        slug = f"{control}_" if control and len(sections) > 1 else ""
        body.append(_section(heading, section, "".join(c if c.isalnum() else "_" for c in slug)))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>\n"
        + "\n".join(body)
        + f"<script>{SORT_SCRIPT}</script></body></html>\n"
    )
