"""Dataset registry: bundled real sets, scikit-learn sets, synthetic, user files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sklearn.datasets import make_classification

from foundation.errors import SandboxError
from sandbox.datasets import dataset_names, list_datasets, load_dataset
from sandbox.kinds.classification.datasets.toy import class_proportions, classification_features
from tests.conftest import SHARED_CROWD

# From the shared README: tasks, workers, answers, classes.
REAL = {
    "snow_rte": (800, 164, 8000, 2),
    "snow_temp": (462, 76, 4620, 2),
    "zheng_duck": (108, 39, 4212, 2),
    "zheng_product": (8315, 176, 24945, 2),
    "zheng_sentiment": (1000, 85, 20000, 2),
}


def test_registry_lists_every_kind() -> None:
    names = dataset_names()
    assert set(REAL) | {"iris", "wine", "breast_cancer", "digits", "synthetic"} <= set(names)
    assert all(list_datasets()[n] for n in names)


@pytest.mark.parametrize("name", list(REAL))
def test_bundled_real_sets_match_the_published_shape(name: str) -> None:
    n_tasks, n_workers, n_answers, n_classes = REAL[name]
    dataset = load_dataset(name)
    assert dataset.answers is not None
    assert dataset.answers["task"].nunique() == n_tasks
    assert dataset.answers["worker"].nunique() == n_workers
    assert len(dataset.answers) == n_answers
    assert dataset.n_classes == n_classes


@pytest.mark.skipif(not SHARED_CROWD.is_dir(), reason="shared data not beside the clone")
@pytest.mark.parametrize("name", list(REAL))
def test_bundled_copies_are_identical_to_the_shared_data(name: str) -> None:
    repo_copy = Path(__file__).resolve().parents[2] / "datasets" / name
    for file in ("labels.csv", "gold.csv"):
        assert (repo_copy / file).read_bytes() == (SHARED_CROWD / name / file).read_bytes()


@pytest.mark.parametrize(
    ("name", "shape", "n_classes"),
    [
        ("iris", (150, 4), 3),
        ("wine", (178, 13), 3),
        ("breast_cancer", (569, 30), 2),
        ("digits", (1797, 64), 10),
    ],
)
def test_sklearn_sets_keep_features(name: str, shape: tuple[int, int], n_classes: int) -> None:
    dataset = load_dataset(name)
    assert dataset.features is not None and dataset.features.shape == shape
    assert dataset.n_classes == n_classes and dataset.n_tasks == shape[0]


def test_synthetic_has_the_requested_size_classes_and_imbalance() -> None:
    dataset = load_dataset("synthetic:n_tasks=4000,n_classes=3,imbalance=4,n_features=6,seed=1")
    assert dataset.n_tasks == 4000 and dataset.n_classes == 3
    assert dataset.features is not None and dataset.features.shape == (4000, 6)
    # Geometric shares 1 : 1/2 : 1/4 → 4/7, 2/7, 1/7.
    np.testing.assert_allclose(class_proportions(3, 4.0), [4 / 7, 2 / 7, 1 / 7])
    np.testing.assert_allclose(dataset.class_prior(), [4 / 7, 2 / 7, 1 / 7], atol=0.02)


def test_synthetic_is_deterministic_per_seed() -> None:
    a, b = load_dataset("synthetic:seed=3"), load_dataset("synthetic:seed=3")
    pd.testing.assert_series_equal(a.truth, b.truth)


def test_synthetic_rejects_unknown_options() -> None:
    with pytest.raises(SandboxError, match="synthetic option 'tasks=5' is not allowed; allowed: n_tasks"):
        load_dataset("synthetic:tasks=5")


def test_user_csv_with_string_labels_and_features(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    pd.DataFrame({"task": ["a", "b", "c"], "label": ["dog", "cat", "dog"], "x": [1.0, 2.0, 3.0]}).to_csv(
        path, index=False
    )
    dataset = load_dataset(str(path))
    assert dataset.classes == ("cat", "dog")
    assert dataset.truth.to_dict() == {"a": 1, "b": 0, "c": 1}
    assert dataset.features is not None and dataset.features.shape == (3, 1)


def test_user_parquet_with_truth_column(tmp_path: Path) -> None:
    path = tmp_path / "mine.parquet"
    pd.DataFrame({"task": [1, 2, 3, 4], "truth": [0, 1, 1, 0]}).to_parquet(path)
    dataset = load_dataset(str(path))
    assert dataset.n_tasks == 4 and dataset.features is None


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "is empty"),
        ("task,label\n", "has no rows"),
        ("task,answer\n1,0\n", "missing column 'label'"),
        ("task,label\n1,0\n1,1\n", "task 1 appears twice"),
        ("task,label,x\n1,0,a\n2,1,b\n", "column 'x' holds 'a'; it must hold a finite feature value"),
        ("task,label\n1,0\n2,0\n", "has 1 class"),
    ],
)
def test_bad_user_files(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(SandboxError, match=expected):
        load_dataset(str(path))


def test_unknown_dataset_lists_registered_names() -> None:
    with pytest.raises(SandboxError, match="unknown dataset 'mnist'; registered: snow_rte"):
        load_dataset("mnist")


@settings(max_examples=60, deadline=None)
@given(
    n_samples=st.integers(2, 3000),
    n_features=st.integers(1, 40),
    n_classes=st.integers(2, 9),
    imbalance=st.floats(1.0, 20.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_synthetic_features_are_scikit_learns_make_classification_bit_for_bit(
    n_samples: int, n_features: int, n_classes: int, imbalance: float, seed: int
) -> None:
    """The generator draws what make_classification draws (the reference), shuffled the same way."""
    n_informative = min(n_features, max(2, int(np.ceil(np.log2(n_classes))) + 1))
    assume(n_classes <= 2**n_informative and n_classes <= n_samples)
    weights = class_proportions(n_classes, imbalance).tolist()
    expected = make_classification(
        n_samples=n_samples,
        n_features=n_features,
        n_informative=n_informative,
        n_redundant=0,
        n_repeated=0,
        n_classes=n_classes,
        n_clusters_per_class=1,
        weights=weights,
        flip_y=0.0,
        random_state=seed,
    )
    got = classification_features(n_samples, n_features, n_informative, weights, seed)
    for reference, ours in zip(expected, got, strict=True):
        assert ours.dtype == reference.dtype and np.array_equal(ours, reference)
