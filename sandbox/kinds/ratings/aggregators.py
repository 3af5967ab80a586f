"""The ratings methods in the aggregator registry: a score per item on the scale from ``task, worker,
rating`` answers. The project's own methods (no crowd-kit equivalent: they run under both engines),
and Dawid–Skene on the scale points through classification's spec (crowd-kit's or the fast engine's),
the "unordered" reference."""

from __future__ import annotations

from sandbox.aggregation import skills
from sandbox.aggregation.registry import AggregatorSpec, project, register_aggregator, serve_kind
from sandbox.kinds.ratings.kind import KIND

FAST = "sandbox.aggregation.fast.ratings"
#: Classification methods this kind serves: each rating's scale point is a class.
POINTS_AS_CLASSES = ("ds",)

SPECS: tuple[AggregatorSpec, ...] = (
    AggregatorSpec(
        "mean",
        "mean rating of each item (project's own)",
        {"fast": project(FAST, "Mean")},
        kinds=(KIND,),
        gives_posteriors=False,
    ),
    AggregatorSpec(
        "median",
        "median rating of each item (project's own)",
        {"fast": project(FAST, "Median")},
        kinds=(KIND,),
        gives_posteriors=False,
    ),
    AggregatorSpec(
        "trimmed_mean",
        "mean after cutting 10 % of each item's ratings from each end (project's own)",
        {"fast": project(FAST, "TrimmedMean")},
        kinds=(KIND,),
        gives_posteriors=False,
    ),
    AggregatorSpec(
        "offset",
        "rater offsets fitted jointly with item scores (additive model; project's own)",
        {"fast": project(FAST, "RaterOffset", skills.attribute)},
        kinds=(KIND,),
        gives_posteriors=False,
    ),
    AggregatorSpec(
        "offset_scale",
        "rater offsets and scale use fitted jointly with item scores (affine model; project's own)",
        {"fast": project(FAST, "RaterOffsetScale", skills.attribute)},
        kinds=(KIND,),
        gives_posteriors=False,
    ),
)

for _spec in SPECS:
    register_aggregator(_spec)
for _name in POINTS_AS_CLASSES:
    serve_kind(_name, KIND)
