"""The pairwise methods in the aggregator registry: scores per item from (worker, left, right,
side) answers."""

from __future__ import annotations

from sandbox.aggregation import skills
from sandbox.aggregation.registry import (
    AggregatorSpec,
    crowdkit,
    project,
    register_aggregator,
)
from sandbox.kinds.pairwise.kind import KIND

FAST = "sandbox.aggregation.fast.pairwise"

SPECS: tuple[AggregatorSpec, ...] = (
    AggregatorSpec(
        "bt",
        "Bradley–Terry, crowd-kit's estimate (two MM steps; ties left out)",
        {
            "fast": project(FAST, "BradleyTerry"),
            "crowdkit": crowdkit("BradleyTerry", n_iter=100),
        },
        kinds=(KIND,),
        gives_posteriors=False,
    ),
    AggregatorSpec(
        "noisy_bt",
        "noisy Bradley–Terry (per-worker skill and left bias; ties left out)",
        {
            "fast": project(FAST, "NoisyBradleyTerry", skills.attribute),
            "crowdkit": crowdkit("NoisyBradleyTerry", skills.attribute),
        },
        kinds=(KIND,),
        gives_posteriors=False,
    ),
    AggregatorSpec(
        "bt_mle",
        "Bradley–Terry maximum likelihood (converged; project's own, not in crowd-kit)",
        {"fast": project(FAST, "BradleyTerryMLE")},
        kinds=(KIND,),
        gives_posteriors=False,
    ),
    AggregatorSpec(
        "davidson",
        "Bradley–Terry with ties (Davidson 1970): ties are an outcome, P(tie) per pair (project's own)",
        {"fast": project(FAST, "Davidson")},
        kinds=(KIND,),
        gives_posteriors=False,
        counts_ties=True,
    ),
    AggregatorSpec(
        "win_rate",
        "share of comparisons won, a tie half a win (reference; project's own)",
        {"fast": project(FAST, "WinRate")},
        kinds=(KIND,),
        gives_posteriors=False,
        counts_ties=True,
    ),
    AggregatorSpec(
        "elo",
        "online Elo in answer order, k = 4 as evalica (reference; project's own)",
        {"fast": project(FAST, "Elo")},
        kinds=(KIND,),
        gives_posteriors=False,
        counts_ties=True,
    ),
)

for _spec in SPECS:
    register_aggregator(_spec)
