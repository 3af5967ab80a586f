"""Sweeps: open a results directory; a metric against a swept parameter, per aggregator; frontier."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboards import charts, loaders, paths
from foundation.errors import SandboxError
from sandbox.reporting.sweep_views import bands, frontier, reference

st.header("Sweeps")
st.caption(
    "Open the results directory of `crowd-sandbox sweep … --out DIR`. Bands are 95% intervals of the "
    "mean across seeds; the dashed line is the sweep's reference (paid curation)."
)
root = st.text_input("results directory", str(paths.OVERVIEW_SWEEP), key="root")
try:
    sweep = loaders.sweep(root.strip())
except SandboxError as error:
    st.error(str(error))
    st.stop()
if not sweep.params:
    st.error(f"{root} varies no parameter (its _sweep.toml has no [grid]); nothing to plot")
    st.stop()

results = sweep.results
left, middle, right = st.columns(3)
metric = left.selectbox(
    "metric",
    sweep.metrics,
    index=sweep.metrics.index("accuracy") if "accuracy" in sweep.metrics else 0,
    key="metric",
)
x = middle.selectbox("against", sweep.params, key="x")
fixed = {}
for param in (p for p in sweep.params if p != x):
    values = sorted(results.loc[results["role"] == "crowd", param].dropna().unique().tolist())
    fixed[param] = right.selectbox(f"at {param}", values, index=len(values) // 2, key=f"fixed_{param}")

curve = bands(results, x, metric, fixed)
st.subheader(f"{metric} vs {x}")
panel = charts.band_lines(curve, x=x, x_title=x, y_title=f"{metric} (mean, 95% band)")
st.altair_chart(
    panel.properties(width=190, height=170).facet(facet=alt.Facet("aggregator:N", title=None), columns=3),
    width="content",
)
levels = reference(results, metric)
if len(levels):
    st.caption(
        "Reference (paid curation): " + ", ".join(f"{r.aggregator} {r.mean:.4g}" for r in levels.itertuples())
    )
    st.altair_chart(
        charts.band_lines(curve, x=x, x_title=x, y_title=f"{metric} (mean, 95% band)")
        + charts.reference_rule(float(levels["mean"].mean()), "paid curation").properties(
            height=charts.HEIGHT
        ),
        width="stretch",
    )
st.download_button(
    "Download the figure data (CSV)",
    curve.to_csv(index=False),
    file_name=f"{metric}_vs_{x}.csv",
    mime="text/csv",
    key="download_bands",
)

if {"cost_per_task", metric} <= set(results.columns):
    st.subheader(f"Cost–quality frontier ({metric})")
    points = frontier(results, sweep.params, quality=metric)
    st.altair_chart(charts.frontier_chart(points, quality=metric, cost="cost_per_task"), width="stretch")
    st.download_button(
        "Download the frontier data (CSV)",
        points.to_csv(index=False),
        file_name=f"frontier_{metric}.csv",
        mime="text/csv",
        key="download_frontier",
    )
