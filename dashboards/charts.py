"""Altair charts of the dashboard. Rendering only: every input is a table computed in ``sandbox``."""

from __future__ import annotations

import altair as alt
import pandas as pd

from sandbox.aggregation.registry import AGGREGATORS

#: What the chart builders return (Altair types ``properties`` as returning either kind).
Figure = alt.Chart | alt.LayerChart | alt.FacetChart

CURATION_COLOUR = "#222222"
#: The reference line of a language model as its own population.
MODEL_COLOUR = "#8c564b"
HEIGHT = 300
#: Tableau 10: one colour per registered aggregator, the same on every chart.
PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f")
COLOURS = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(AGGREGATORS)}


def aggregator_colour(frame: pd.DataFrame, legend: bool = True) -> alt.Color:
    """The colour channel of ``frame``'s aggregator column (the legend lists only those present)."""
    names = [n for n in AGGREGATORS if n in set(frame["aggregator"])]
    scale = alt.Scale(domain=names, range=[COLOURS[n] for n in names])
    return alt.Color("aggregator:N", title="aggregator", scale=scale, legend=alt.Legend() if legend else None)


def field(name: str) -> str:
    """A column name as a Vega-Lite field (dots in swept parameter names are not nested access)."""
    return name.replace(".", "\\.")


def reference_rule(value: float, label: str, colour: str = CURATION_COLOUR) -> alt.LayerChart:
    """A dashed horizontal line at ``value`` with a text label: the paid-curation level (or another
    reference level, in ``colour``)."""
    frame = pd.DataFrame({"value": [value], "label": [label]})
    base = alt.Chart(frame)
    rule = base.mark_rule(color=colour, strokeDash=[6, 4], size=2).encode(y="value:Q")
    text = base.mark_text(align="left", dx=4, dy=-8, color=colour, fontWeight="bold").encode(
        y="value:Q", x=alt.value(4), text="label:N"
    )
    return alt.LayerChart(layer=[rule, text])


def band_lines(
    frame: pd.DataFrame, *, x: str, x_title: str, y_title: str, x_format: str | None = None
) -> Figure:
    """Mean line with its 95% band per aggregator (columns ``aggregator, <x>, mean, low, high``);
    the data sits at the top of the layer so that the chart can be faceted."""
    scale = alt.Scale(zero=False)
    axis = alt.Axis(format=x_format) if x_format else alt.Axis()
    base = alt.Chart().encode(
        x=alt.X(f"{field(x)}:Q", title=x_title, axis=axis), color=aggregator_colour(frame)
    )
    band = base.mark_area(opacity=0.15).encode(y=alt.Y("low:Q", title=y_title, scale=scale), y2="high:Q")
    line = base.mark_line(point=True).encode(
        y=alt.Y("mean:Q", title=y_title, scale=scale),
        tooltip=[
            "aggregator",
            alt.Tooltip(f"{field(x)}:Q", title=x),
            alt.Tooltip("mean:Q", format=".3f"),
            "seeds",
        ],
    )
    return alt.layer(band, line, data=frame)


def accuracy_bars(scores: pd.DataFrame, curation: float | None) -> Figure:
    """Accuracy per aggregator of the crowd (``aggregator, accuracy``), curation as a dashed line."""
    bars = (
        alt.Chart(scores)
        .mark_bar()
        .encode(
            x=alt.X("aggregator:N", title="aggregator", sort=None),
            y=alt.Y(
                "accuracy:Q",
                title="accuracy (share of items right)",
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=aggregator_colour(scores, legend=False),
            tooltip=["aggregator", alt.Tooltip("accuracy:Q", format=".3f")],
        )
    )
    layers: list[alt.Chart | alt.LayerChart] = [bars]
    if curation is not None:
        layers.append(reference_rule(curation, f"paid curation {curation:.3f}"))
    return alt.layer(*layers).properties(height=HEIGHT)


def skill_scatter(points: pd.DataFrame, aggregator: str) -> Figure:
    """Estimated vs true skill per worker (``true_skill, estimated_skill, archetype, answers``)."""
    return (
        alt.Chart(points)
        .mark_circle(opacity=0.7)
        .encode(
            x=alt.X("true_skill:Q", title="true skill (P(correct answer))", scale=alt.Scale(domain=[0, 1])),
            y=alt.Y("estimated_skill:Q", title=f"skill estimated by {aggregator} (its own scale)"),
            color=alt.Color("archetype:N", title="archetype"),
            size=alt.Size("answers:Q", title="answers given"),
            tooltip=[
                "worker",
                "archetype",
                alt.Tooltip("true_skill:Q", format=".2f"),
                alt.Tooltip("estimated_skill:Q", format=".2f"),
                "answers",
            ],
        )
        .properties(height=HEIGHT)
    )


def confusion_heatmap(table: pd.DataFrame) -> Figure:
    """Consensus confusion (``true, consensus, tasks, share``): rows true class, colour = row share."""
    base = alt.Chart(table).encode(
        x=alt.X("consensus:N", title="consensus label"),
        y=alt.Y("true:N", title="true label"),
    )
    cells = base.mark_rect().encode(
        color=alt.Color("share:Q", title="share of the true class", scale=alt.Scale(domain=[0, 1])),
        tooltip=["true", "consensus", "tasks", alt.Tooltip("share:Q", format=".1%")],
    )
    text = base.mark_text().encode(
        text="tasks:Q",
        color=alt.condition("datum.share > 0.5", alt.value("white"), alt.value("black")),
    )
    return alt.layer(cells, text).properties(height=HEIGHT)


def class_accuracy_bars(table: pd.DataFrame) -> Figure:
    """Accuracy per true class (``class, tasks, accuracy``)."""
    return (
        alt.Chart(table)
        .mark_bar()
        .encode(
            x=alt.X("class:N", title="true class"),
            y=alt.Y("accuracy:Q", title="accuracy on the class's tasks", scale=alt.Scale(domain=[0, 1])),
            tooltip=["class", "tasks", alt.Tooltip("accuracy:Q", format=".3f")],
        )
        .properties(height=HEIGHT)
    )


def cost_lines(
    frame: pd.DataFrame, *, x: str, x_title: str, curation_cost: float | None, x_format: str | None = None
) -> Figure:
    """Cost per item to reach a target (``aggregator, <x>, cost, reached``), curation's cost as a dashed
    line; where an aggregator never reaches the target, a cross on the x axis."""
    axis = alt.Axis(format=x_format) if x_format else alt.Axis()
    x_channel = alt.X(f"{field(x)}:Q", title=x_title, axis=axis)
    y_title = "cost per labelled item (money units)"
    line = (
        alt.Chart(frame.dropna(subset=["cost"]))
        .mark_line(point=True)
        .encode(
            x=x_channel,
            y=alt.Y("cost:Q", title=y_title, scale=alt.Scale(zero=True)),
            color=aggregator_colour(frame),
            tooltip=[
                "aggregator",
                alt.Tooltip(f"{field(x)}:Q", title=x),
                alt.Tooltip("cost:Q", format=".3f"),
            ],
        )
    )
    missed = frame[~frame["reached"]].assign(cost=0.0, note="target not reached at any redundancy")
    crosses = (
        alt.Chart(missed)
        .mark_point(shape="cross", size=120, filled=True, opacity=0.9)
        .encode(
            x=x_channel,
            y=alt.Y("cost:Q", title=y_title),
            color=aggregator_colour(frame),
            tooltip=["aggregator", alt.Tooltip(f"{field(x)}:Q", title=x), "note"],
        )
    )
    layers: list[alt.Chart | alt.LayerChart] = [
        layer for layer, rows in ((line, frame["reached"].any()), (crosses, len(missed))) if rows
    ]
    if curation_cost is not None:
        layers.append(reference_rule(curation_cost, f"paid curation {curation_cost:.2f}"))
    return alt.layer(*layers).properties(height=HEIGHT)


def frontier_chart(points: pd.DataFrame, *, quality: str, cost: str) -> Figure:
    """Every point's mean cost vs quality, coloured by role; the frontier joined by a line."""
    base = alt.Chart(points).encode(
        x=alt.X(f"{cost}:Q", title="cost per labelled item (money units)"),
        y=alt.Y(f"{quality}:Q", title=f"{quality} (mean over seeds)", scale=alt.Scale(zero=False)),
    )
    dots = base.mark_circle(size=60, opacity=0.6).encode(
        color=alt.Color(
            "role:N",
            title="who labels",
            scale=alt.Scale(domain=["crowd", "reference"], range=["#1f77b4", CURATION_COLOUR]),
        ),
        tooltip=[
            alt.Tooltip(f"{field(c)}:{'Q' if pd.api.types.is_numeric_dtype(points[c]) else 'N'}", title=c)
            for c in points.columns
        ],
    )
    line = base.transform_filter("datum.on_frontier").mark_line(color="#d62728", strokeDash=[3, 2])
    return alt.layer(dots, line).properties(height=HEIGHT)


def item_lines(curves: pd.DataFrame, references: pd.DataFrame, *, x: str, x_title: str) -> Figure:
    """Accuracy as ``x`` grows, one line (with its 95% band) per kind of item, and the reference's
    accuracy on the same kind of item as a dashed line of the same colour (curation)."""
    colour = alt.Color("items:N", title="items", scale=alt.Scale(range=[PALETTE[0], PALETTE[2]]))
    scale = alt.Scale(domain=[0, 1])
    base = alt.Chart(curves).encode(x=alt.X(f"{field(x)}:Q", title=x_title), color=colour)
    band = base.mark_area(opacity=0.15).encode(y=alt.Y("low:Q", title="accuracy", scale=scale), y2="high:Q")
    line = base.mark_line(point=True).encode(
        y=alt.Y("mean:Q", scale=scale),
        tooltip=[
            "items",
            alt.Tooltip(f"{field(x)}:Q", title=x),
            alt.Tooltip("mean:Q", format=".3f"),
            "seeds",
        ],
    )
    rules = (
        alt.Chart(references)
        .mark_rule(strokeDash=[6, 4], size=2)
        .encode(
            y="mean:Q", color=colour, tooltip=["items", alt.Tooltip("mean:Q", format=".3f", title="curation")]
        )
    )
    return alt.layer(band, line, rules).properties(height=HEIGHT)


def archetype_bands(frame: pd.DataFrame, *, x: str, x_title: str, y_title: str) -> Figure:
    """Mean line and 95% band per archetype (``aggregator`` column holds the archetype name)."""
    colour = alt.Color("aggregator:N", title="who joins")
    base = alt.Chart(frame).encode(
        x=alt.X(f"{field(x)}:Q", title=x_title, axis=alt.Axis(format="%")), color=colour
    )
    band = base.mark_area(opacity=0.15).encode(y=alt.Y("low:Q", title=y_title), y2="high:Q")
    line = base.mark_line(point=True).encode(
        y=alt.Y("mean:Q", title=y_title),
        tooltip=[
            "aggregator",
            alt.Tooltip(f"{field(x)}:Q", format=".0%"),
            alt.Tooltip("mean:Q", format=".3f"),
        ],
    )
    return alt.layer(band, line)


def rank_lift(frame: pd.DataFrame, true_rank: int) -> Figure:
    """The promoted item's estimated rank (mean, band) against ring accounts; rank 1 on top, the
    top 3 shaded, the true rank dashed."""
    scale = alt.Scale(reverse=True, domain=[1, max(true_rank + 5, float(frame["high"].max()))])
    base = alt.Chart(frame).encode(x=alt.X("ring_accounts:Q", title="ring accounts (of 200 raters)"))
    band = base.mark_area(opacity=0.15).encode(
        y=alt.Y("low:Q", scale=scale, title="estimated rank"), y2="high:Q"
    )
    line = base.mark_line(point=True).encode(
        y=alt.Y("mean:Q", scale=scale, title="estimated rank"),
        tooltip=["ring_accounts", alt.Tooltip("mean:Q", format=".1f"), "seeds"],
    )
    top = (
        alt.Chart(pd.DataFrame({"low": [1], "high": [3]}))
        .mark_rect(opacity=0.1, color="#59a14f")
        .encode(y=alt.Y("low:Q", scale=scale), y2="high:Q")
    )
    return alt.layer(top, band, line, reference_rule(float(true_rank), "true rank")).properties(height=HEIGHT)


def rater_scatter(raters: pd.DataFrame, x: str, y: str, x_title: str, y_title: str) -> Figure:
    """One point per rater (columns ``worker, answers, archetype`` and ``x``, ``y``), coloured by the
    report's verdict, sized by answers."""
    return (
        alt.Chart(raters.dropna(subset=[x, y]))
        .mark_circle(opacity=0.7)
        .encode(
            x=alt.X(f"{field(x)}:Q", title=x_title),
            y=alt.Y(f"{field(y)}:Q", title=y_title),
            color=alt.Color("archetype:N", title="verdict"),
            size=alt.Size("answers:Q", title="answers given"),
            tooltip=[
                "worker",
                "archetype",
                "answers",
                alt.Tooltip(f"{field(x)}:Q", format=".2f"),
                alt.Tooltip(f"{field(y)}:Q", format=".2f"),
            ],
        )
        .properties(height=HEIGHT)
    )
