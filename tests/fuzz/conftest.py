"""The fuzz suite's Hypothesis settings: no deadline (a CLI run takes a second), no example
database written into the checkout, and the health checks that in-process CLI runs trip. Each
test sets its number of examples (``strategies.examples``). Examples are drawn at random on every
run, except where ``CROWD_SANDBOX_FUZZ_DERANDOMIZE=1`` (CI's gate: the same examples on every run,
so that a landing never depends on luck; exploring stays random everywhere else)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "crowd-sandbox",
    deadline=None,
    database=None,
    print_blob=True,
    derandomize=os.environ.get("CROWD_SANDBOX_FUZZ_DERANDOMIZE") == "1",
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
)
settings.load_profile("crowd-sandbox")
