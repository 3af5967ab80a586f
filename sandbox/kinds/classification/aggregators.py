"""The classification methods in the aggregator registry (both engines, capabilities)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sandbox.aggregation import skills
from sandbox.aggregation.registry import (
    AggregatorSpec,
    Engine,
    Implementation,
    crowdkit,
    project,
    register_aggregator,
)
from sandbox.kinds.classification.kind import KIND

if TYPE_CHECKING:
    from sandbox.aggregation.fast.coding import CodedAnswers

FAST = "sandbox.aggregation.fast.classification"


def _mmsr_guard(coded: CodedAnswers) -> None:
    from sandbox.aggregation.crowdkit_adapter import check_mmsr_memory

    check_mmsr_memory(coded)


def _both(
    class_name: str, reader: skills.SkillReader | None, **crowdkit_params: Any
) -> dict[Engine, Implementation]:
    return {
        "fast": project(FAST, class_name, reader),
        "crowdkit": crowdkit(class_name, reader, **crowdkit_params),
    }


SPECS: tuple[AggregatorSpec, ...] = (
    AggregatorSpec(
        "mv",
        "majority vote (ties: seeded random, or --ties smallest)",
        _both("MajorityVote", skills.attribute),
        kinds=(KIND,),
    ),
    AggregatorSpec(
        "wawa",
        "worker agreement with aggregate (weighted MV)",
        _both("Wawa", skills.attribute),
        kinds=(KIND,),
    ),
    AggregatorSpec(
        "zbs",
        "zero-based skill (weighted MV, gradient-fitted skills)",
        _both("ZeroBasedSkill", skills.attribute),
        kinds=(KIND,),
    ),
    AggregatorSpec(
        "ds",
        "Dawid–Skene (per-worker confusion matrices, EM)",
        _both("DawidSkene", skills.confusion, n_iter=100),
        estimates_confusion=True,
        dense_confusions=True,
        kinds=(KIND,),
    ),
    AggregatorSpec(
        "onecoin_ds",
        "one-coin Dawid–Skene (one accuracy per worker)",
        _both("OneCoinDawidSkene", skills.attribute),
        dense_confusions=True,
        kinds=(KIND,),
    ),
    AggregatorSpec(
        "glad",
        "GLAD (worker expertise × task difficulty)",
        _both("GLAD", skills.glad),
        kinds=(KIND,),
    ),
    AggregatorSpec(
        "mace",
        "MACE (spamming vs knowing, per worker)",
        {
            "fast": project(FAST, "MACE", skills.mace),
            # crowd-kit's MACE keeps worker rows in order of first appearance, not in code order.
            "crowdkit": crowdkit("MACE", skills.mace_first_appearance),
        },
        kinds=(KIND,),
    ),
    AggregatorSpec(
        "kos",
        "Karger–Oh–Shah message passing (binary only; unstable on dense assignments)",
        _both("KOS", None),
        gives_posteriors=False,
        binary_only=True,
        min_labels=2,
        kinds=(KIND,),
    ),
    AggregatorSpec(
        "mmsr",
        "matrix mean-subsequence-reduced (robust to adversaries)",
        {"crowdkit": crowdkit("MMSR", skills.attribute)},
        declared=project("sandbox.kinds.classification.mmsr", "MMSRHyperparameters"),
        gives_posteriors=False,
        min_labels=2,
        guard=_mmsr_guard,
        undefined_skills_fail=True,
        kinds=(KIND,),
    ),
)

for _spec in SPECS:
    register_aggregator(_spec)
