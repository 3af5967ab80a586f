"""Scales as declared, the ratings datasets (synthetic, scikit-learn targets binned by quantiles, a
user's items file) and their errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.special import ndtr, ndtri
from sklearn.datasets import load_diabetes

from annotators.archetypes.ratings import Scale
from foundation.errors import SandboxError
from sandbox.datasets import load_dataset
from sandbox.kinds.ratings.dataset import RatingsDataset


@pytest.mark.parametrize(
    ("text", "low", "high", "integer"),
    [
        ("1-5", 1, 5, True),
        ("1..5", 1, 5, True),
        (" 0 - 4 ", 0, 4, True),
        ("-3-3", -3, 3, True),
        ("continuous:0-100", 0, 100, False),
        ("continuous:-1..1", -1, 1, False),
        ("continuous:0.5-2.5", 0.5, 2.5, False),
    ],
)
def test_scales_parse_as_declared(text: str, low: float, high: float, integer: bool) -> None:
    scale = Scale.parse(text)
    assert (scale.low, scale.high, scale.integer) == (low, high, integer)
    assert Scale.parse(str(scale)) == scale


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("5-1", "below"),
        ("1-5.5", "integer ends"),
        ("0-5000", "more than 1001"),
        ("one to five", "not one of"),
        ("continuous:nan-1", "not one of"),
        ("3-3", "below"),
        ("continuous:0-99999999999999999", "within ±1e12"),
    ],
)
def test_bad_scales_are_one_clear_error(text: str, message: str) -> None:
    with pytest.raises(SandboxError, match=message):
        Scale.parse(text)


def test_the_grid_of_a_scale_codes_truth_at_its_nearest_point() -> None:
    scale = Scale.parse("1-5")
    assert scale.grid().tolist() == [1, 2, 3, 4, 5]
    assert scale.grid_code([1.0, 1.49, 1.5, 4.6, 9.0]).tolist() == [0, 0, 1, 4, 4]
    assert scale.snap([0.2, 2.5, 3.49, 7.0]).tolist() == [1, 3, 3, 5]
    slider = Scale.parse("continuous:0-10")
    assert slider.n_grid == 101 and slider.step == pytest.approx(0.1)
    assert slider.snap([-1, 3.33, 12]).tolist() == [0, 3.33, 10]


def test_synthetic_scores_follow_the_documented_mapping() -> None:
    """score = low + range · Φ(Φ⁻¹(mean) + spread · z), z the standardised latent quality."""
    data = load_dataset("synthetic-ratings:n_items=3000,scale=1-5,mean=0.7,spread=0.5,seed=4")
    assert isinstance(data, RatingsDataset)
    z = ndtri((data.scores.to_numpy() - 1) / 4) - ndtri(0.7)
    assert abs(z.mean()) < 1e-9 and z.std() == pytest.approx(0.5, abs=1e-9)
    assert np.median((data.scores - 1) / 4) == pytest.approx(float(ndtr(ndtri(0.7))), abs=0.02)
    assert (data.truth.to_numpy() == np.floor(data.scores.to_numpy() + 0.5) - 1).all()
    assert data.item_features is not None and data.item_features.shape == (3000, 5)
    assert data.tolerance == 0.5 and data.classes == (1, 2, 3, 4, 5)


def test_a_regression_target_is_binned_onto_the_scale_by_its_quantiles() -> None:
    data = load_dataset("diabetes-ratings:scale=0-4")
    assert isinstance(data, RatingsDataset)
    target = load_diabetes().target
    order = np.argsort(target, kind="stable")
    assert np.all(np.diff(data.scores.to_numpy()[order]) >= 0)  # the order of the target is kept
    share = np.bincount(data.truth.to_numpy(), minlength=5) / len(target)
    assert share == pytest.approx([1 / 8, 1 / 4, 1 / 4, 1 / 4, 1 / 8], abs=0.01)  # equal-width quantile bins
    assert data.feature_names == tuple(load_diabetes().feature_names)


def test_user_items_read_with_their_features(tmp_path: Path) -> None:
    path = tmp_path / "items.csv"
    pd.DataFrame({"task": ["a", "b", "c"], "score": [1.0, 2.5, 5.0], "length": [3, 4, 5]}).to_csv(
        path, index=False
    )
    data = load_dataset(f"ratings:items={path},scale=1-5")
    assert isinstance(data, RatingsDataset)
    assert data.scores.to_dict() == {"a": 1.0, "b": 2.5, "c": 5.0}
    assert data.feature_names == ("length",) and data.truth.tolist() == [0, 2, 4]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ({"task": ["a", "a"], "score": [1, 2]}, "appears twice"),
        ({"task": ["a", "b"], "score": [1, None]}, "have no score"),
        ({"task": ["a"], "score": [9]}, "outside the scale"),
        ({"task": ["a"], "score": ["x"]}, "must hold a finite number"),
        ({"item": ["a"], "score": [1]}, "missing column 'task'"),
    ],
)
def test_bad_items_files_are_one_clear_error(
    tmp_path: Path, rows: dict[str, list[object]], message: str
) -> None:
    path = tmp_path / "items.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    with pytest.raises(SandboxError, match=message):
        load_dataset(f"ratings:items={path},scale=1-5")


@pytest.mark.parametrize(
    "spec",
    [
        "synthetic-ratings:n_items=0",
        "synthetic-ratings:n_items=1.5",
        "synthetic-ratings:mean=1",
        "synthetic-ratings:noise=-1",
        "synthetic-ratings:spread=nan",
        "synthetic-ratings:bogus=1",
        "synthetic-ratings:n_items=1e12",
        "synthetic-ratings:scale=5-1",
        "synthetic-ratings:tolerance=9",
        "diabetes-ratings:seed=1",
        "ratings:scale=1-5",
    ],
)
def test_bad_dataset_options_are_refused_before_generating(spec: str) -> None:
    with pytest.raises(SandboxError):
        load_dataset(spec)
