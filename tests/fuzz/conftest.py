"""The fuzz suite's Hypothesis settings: no deadline (a CLI run takes a second), no example
database written into the checkout, and the health checks that in-process CLI runs trip. Each
test sets its number of examples (``strategies.examples``)."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

settings.register_profile(
    "crowd-sandbox",
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
)
settings.load_profile("crowd-sandbox")
