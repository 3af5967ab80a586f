"""A small real cell function for the sweep tests: one-coin workers and majority vote.

Each of ``n_tasks`` binary tasks gets ``redundancy`` answers from independent workers: an honest
worker is right with probability ``skill``; a spammer (share ``spammer_share``) answers at random.
Aggregators: ``mv`` (majority vote, ties towards the smallest label) and ``first`` (the first
answer). With no spammers, MV accuracy is the binomial tail of ``skill`` (0.83692 for 0.7, k = 5).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from foundation.errors import SandboxError
from sandbox.randomness import make_rng
from sandbox.sweep.cells import CellKind

DEFAULTS: dict[str, Any] = {
    "n_tasks": 400,
    "aggregators": ["mv", "first"],
    "crowd": {"skill": 0.7, "spammer_share": 0.0},
    "policy": {"redundancy": 3, "cost_per_label": 0.05},
    "delay": 0.0,
    "fail": False,
}


def one_coin_cell(scenario: dict[str, Any], seed: int) -> list[dict[str, Any]]:
    """Simulate one campaign; one row per aggregator with accuracy and cost."""
    if scenario["fail"]:
        raise RuntimeError("aggregator did not converge")
    time.sleep(float(scenario["delay"]))
    rng = make_rng(seed)
    n, k = int(scenario["n_tasks"]), int(scenario["policy"]["redundancy"])
    truth = rng.integers(0, 2, size=n)
    spam = rng.random((n, k)) < float(scenario["crowd"]["spammer_share"])
    right = rng.random((n, k)) < float(scenario["crowd"]["skill"])
    honest = np.where(right, truth[:, None], 1 - truth[:, None])
    answers = np.where(spam, rng.integers(0, 2, size=(n, k)), honest)
    ones = answers.sum(axis=1)
    predictions = {"mv": (2 * ones > k).astype(int), "first": answers[:, 0]}
    cost = n * k * float(scenario["policy"]["cost_per_label"])
    return [
        {"aggregator": name, "accuracy": float(np.mean(predictions[name] == truth)), "cost": cost}
        for name in scenario["aggregators"]
    ]


class OneCoinCell(CellKind):
    """The test cell with a validator (redundancy >= 1, known aggregators)."""

    def __init__(self) -> None:
        super().__init__(one_coin_cell, DEFAULTS)

    def validate(self, scenario: dict[str, Any]) -> None:
        k = scenario["policy"]["redundancy"]
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise SandboxError(f"policy.redundancy must be an integer >= 1, got {k!r}")
        unknown = sorted(set(scenario["aggregators"]) - {"mv", "first"})
        if unknown:
            raise SandboxError(f"unknown aggregator {unknown[0]!r}; allowed: first, mv")


ONE_COIN = OneCoinCell()
REF = "tests.sweep.cells:ONE_COIN"
