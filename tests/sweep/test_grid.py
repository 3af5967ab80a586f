"""Grid expansion: product of values, stable ids, seeds independent of order and machine."""

from __future__ import annotations

import numpy as np

from sandbox.sweep.grid import cell_seed, expand, point_id
from sandbox.sweep.spec import spec_from_dict
from tests.sweep.cells import ONE_COIN, REF


def test_cells_are_the_product_times_seeds() -> None:
    spec = spec_from_dict({"cell": REF, "seeds": 3, "grid": {"redundancy": [1, 3, 5], "skill": [0.6, 0.9]}})
    cells = expand(spec, ONE_COIN)
    assert len(cells) == 3 * 2 * 3
    assert len({c.cell_id for c in cells}) == len(cells)
    assert len({c.seed for c in cells}) == len(cells)
    # itertools.product order: the last key varies fastest
    firsts = [c.params for c in cells if c.seed_index == 0]
    assert firsts[:3] == [
        {"redundancy": 1, "skill": 0.6},
        {"redundancy": 1, "skill": 0.9},
        {"redundancy": 3, "skill": 0.6},
    ]


def test_ids_and_seeds_do_not_depend_on_order() -> None:
    forward = spec_from_dict({"cell": REF, "grid": {"redundancy": [1, 3], "skill": [0.6, 0.9]}})
    backward = spec_from_dict({"cell": REF, "grid": {"skill": [0.9, 0.6], "redundancy": [3, 1]}})
    seeds_a = {c.cell_id: c.seed for c in expand(forward, ONE_COIN)}
    seeds_b = {c.cell_id: c.seed for c in expand(backward, ONE_COIN)}
    assert seeds_a == seeds_b


def test_seed_comes_from_a_seed_sequence_of_sweep_seed_params_and_index() -> None:
    params = {"redundancy": 3}
    seed = cell_seed(11, "crowd", params, 2)
    assert 0 <= seed < 2**63
    assert seed == cell_seed(11, "crowd", {"redundancy": 3}, 2)
    assert seed != cell_seed(12, "crowd", params, 2)
    assert seed != cell_seed(11, "crowd", params, 1)
    assert seed != cell_seed(11, "reference", params, 2)
    # the derived seeds look like independent draws: no two of 1000 collide, high bits vary
    many = [cell_seed(11, "crowd", {"redundancy": k}, 0) for k in range(1000)]
    assert len(set(many)) == 1000
    high_bit = np.array(many, dtype=float) >= 2.0**62
    assert 0.4 < high_bit.mean() < 0.6


def test_point_id_is_sha256_of_canonical_json() -> None:
    import hashlib

    text = '{"params": {"a": 1, "b": 0.5}, "role": "crowd"}'
    assert point_id("crowd", {"b": 0.5, "a": 1}) == hashlib.sha256(text.encode()).hexdigest()[:16]


def test_fixed_settings_keep_seeds() -> None:
    low = spec_from_dict({"cell": REF, "set": {"n_tasks": 10}, "grid": {"redundancy": [1, 3]}})
    high = spec_from_dict({"cell": REF, "set": {"n_tasks": 99}, "grid": {"redundancy": [1, 3]}})
    assert [c.seed for c in expand(low, ONE_COIN)] == [c.seed for c in expand(high, ONE_COIN)]
