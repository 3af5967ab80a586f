"""The ``engine`` choice of the aggregator registry: fast where it exists, crowd-kit otherwise."""

from __future__ import annotations

import numpy as np
import pytest
from crowdkit import aggregation as ck

from foundation.errors import SandboxError
from sandbox.aggregation.registry import (
    aggregator_names,
    engine_used,
    fast_class,
    fast_methods,
    make_aggregator,
)
from sandbox.aggregation.ties import TieBreak
from sandbox.datasets import load_dataset
from sandbox.kinds.classification.aggregation import aggregate


@pytest.mark.parametrize("name", aggregator_names("classification"))
def test_make_aggregator_picks_the_engine(name: str) -> None:
    fast = make_aggregator(name)
    if name in fast_methods("classification"):
        assert isinstance(fast, fast_class(name))
    else:
        assert type(fast).__module__.startswith("crowdkit")
    assert type(make_aggregator(name, engine="crowdkit")).__module__.startswith("crowdkit")


def test_mmsr_falls_back_to_crowdkit() -> None:
    assert engine_used("mmsr", "fast") == "crowdkit"
    assert isinstance(make_aggregator("mmsr"), ck.MMSR)


def test_unknown_engine_names_the_allowed_ones() -> None:
    with pytest.raises(SandboxError, match=r"'turbo'.*fast, crowdkit"):
        make_aggregator("ds", engine="turbo")


@pytest.mark.parametrize("name", ["mv", "wawa", "ds", "onecoin_ds", "mace"])
def test_engines_agree_on_real_data(name: str) -> None:
    """Same labels and the same worker skills (zheng_duck's workers first appear out of id order)."""
    data = load_dataset("zheng_duck")
    assert data.answers is not None
    # crowd-kit's inner votes (Wawa's, majority vote's skills) keep its smallest-label rule
    fast = aggregate(name, data.answers, engine="fast", ties=TieBreak("smallest"))
    reference = aggregate(name, data.answers, engine="crowdkit", ties=TieBreak("smallest"))
    assert fast.engine == "fast" and reference.engine == "crowdkit"
    assert (fast.labels == reference.labels.reindex(fast.labels.index)).all()
    assert fast.skills is not None and reference.skills is not None
    reference_skills = reference.skills.reindex(fast.skills.index)
    assert np.allclose(fast.skills.to_numpy(), reference_skills.to_numpy(), atol=1e-6)
