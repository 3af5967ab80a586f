"""Where ratings datasets come from: a synthetic generator, scikit-learn's regression sets (the target
binned onto a scale), and a user's items file. Specs are ``NAME[:key=value,...]``; every spec takes a
``scale`` (integer points ``1-5``, or a range ``continuous:0-100``) and a gold ``tolerance``.

- ``synthetic-ratings:n_items=…,scale=…,n_features=…,noise=…,mean=…,spread=…,tolerance=…,seed=…``:
  item features ~ N(0, 1), a latent quality z = a unit-norm linear model of the features + ``noise``
  × N(0, 1), standardised; the true score is ``low + range · Φ(Φ⁻¹(mean) + spread · z)`` (``mean``:
  the median item's position on the range; ``spread``: how far items spread on the probit scale).
- ``diabetes-ratings`` / ``linnerud-ratings`` (scikit-learn, offline): the regression target binned
  onto the scale by its quantiles (the true score is ``low + range · (rank − ½) / n``), features kept.
- ``ratings:items=ITEMS.csv,scale=…``: ``task``, ``score`` (the true score on the scale) and numeric
  feature columns.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri
from sklearn import datasets as sk_datasets

from annotators.archetypes.ratings import Scale
from foundation.errors import SandboxError
from sandbox.io.files.tables import numbers, read_table, require_columns
from sandbox.io.values import one_type
from sandbox.kinds.ratings.dataset import RatingsDataset, make_ratings
from sandbox.resources import check_memory

SYNTHETIC_NAME = "synthetic-ratings"
USER_PREFIX = "ratings:"
DEFAULT_SCALE = "1-5"
#: Memory of one generated feature value, and of one item besides its features (the campaign's own
#: memory is checked by the campaign).
BYTES_PER_FEATURE_VALUE = 16
BYTES_PER_ITEM = 200
SYNTHETIC_DEFAULTS: dict[str, Any] = {
    "n_items": 500,
    "scale": DEFAULT_SCALE,
    "n_features": 5,
    "noise": 0.5,
    "mean": 0.5,
    "spread": 1.0,
    "tolerance": None,
    "seed": 0,
}
SET_DEFAULTS: dict[str, Any] = {"scale": DEFAULT_SCALE, "tolerance": None}
SYNTHETIC_DESCRIPTION = (
    "ratings: items with a latent quality (linear in features + noise) on a scale: "
    "synthetic-ratings:n_items=N,scale=1-5,n_features=F,noise=S,mean=M,spread=D,seed=S"
)
SKLEARN_REGRESSION: dict[str, tuple[Callable[..., Any], str]] = {
    "diabetes-ratings": (
        sk_datasets.load_diabetes,
        "ratings: 442 diabetes patients (scikit-learn), disease progression binned onto the scale, "
        "10 features",
    ),
    "linnerud-ratings": (
        sk_datasets.load_linnerud,
        "ratings: 20 athletes (scikit-learn), weight binned onto the scale, 3 exercise features",
    ),
}
USER_DESCRIPTION = "ratings: your items.csv (task, score, numeric features) on a declared scale"
TEXT_KEYS = ("scale", "items")


def parse_options(spec: str, defaults: Mapping[str, Any]) -> dict[str, Any]:
    """``NAME:key=value,...`` → options (defaults filled in): text for ``scale`` and ``items``,
    finite numbers otherwise. The scale's own text may hold a colon (``continuous:0-100``)."""
    name, _, body = spec.partition(":")
    options: dict[str, Any] = dict(defaults)
    allowed = list(defaults) + [k for k in TEXT_KEYS if k not in defaults and name + ":" == USER_PREFIX]
    for item in filter(None, body.split(",")):
        key, sep, value = item.partition("=")
        key = key.strip()
        if key not in allowed or not sep:
            shown = ", ".join(f"{k}=<{'text' if k in TEXT_KEYS else 'number'}>" for k in allowed)
            raise SandboxError(f"{name} option {item.strip()!r} is not allowed; allowed: {shown}")
        if key in TEXT_KEYS:
            options[key] = value.strip()
            continue
        try:
            number = float(value)
        except ValueError:
            raise SandboxError(f"{name} option {key} must be a number, got {value.strip()!r}") from None
        if not np.isfinite(number):
            raise SandboxError(f"{name} option {key} must be finite, got {value.strip()!r}")
        options[key] = number
    options["scale"] = Scale.parse(str(options["scale"]))
    return options


def _whole(options: Mapping[str, Any], key: str, low: int, high: int, name: str) -> int:
    value = options[key]
    if value != int(value) or not low <= value <= high:
        raise SandboxError(f"{name}: {key} must be an integer in [{low}, {high}], got {value:g}")
    return int(value)


def _label(options: Mapping[str, Any]) -> str:
    shown = [
        f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in options.items() if v is not None
    ]
    return ",".join(shown)


def make_synthetic_ratings(spec: str) -> RatingsDataset:
    """The synthetic generator (see the module docstring)."""
    options = parse_options(spec, SYNTHETIC_DEFAULTS)
    n_items = _whole(options, "n_items", 1, 10**9, SYNTHETIC_NAME)
    n_features = _whole(options, "n_features", 0, 10**6, SYNTHETIC_NAME)
    seed = _whole(options, "seed", 0, 2**32 - 1, SYNTHETIC_NAME)
    if options["noise"] < 0 or not 0 < options["mean"] < 1 or not 0 < options["spread"] <= 10:
        raise SandboxError(
            f"{SYNTHETIC_NAME}: noise must be >= 0, mean in (0, 1) and spread in (0, 10]; "
            f"got noise={options['noise']:g}, mean={options['mean']:g}, spread={options['spread']:g}"
        )
    check_memory(
        float(n_items) * (n_features * BYTES_PER_FEATURE_VALUE + BYTES_PER_ITEM),
        f"{SYNTHETIC_NAME} with {n_items} items and {n_features} features",
        "give fewer items or features",
    )
    scale: Scale = options["scale"]
    rng = np.random.default_rng(seed)
    features = rng.standard_normal((n_items, n_features))
    latent = options["noise"] * rng.standard_normal(n_items)
    if n_features:
        weights = rng.standard_normal(n_features)
        latent = latent + features @ (weights / np.linalg.norm(weights))
    sd = latent.std()
    latent = (latent - latent.mean()) / sd if sd > 0 else np.zeros(n_items)
    position = ndtr(ndtri(options["mean"]) + options["spread"] * latent)
    scores = pd.Series(scale.low + scale.span * position, index=pd.RangeIndex(n_items, name="task"))
    label = _label({**options, "scale": str(scale)})
    return make_ratings(
        f"{SYNTHETIC_NAME}:{label}",
        f"synthetic ratings ({label})",
        scores,
        scale,
        item_features=features if n_features else None,
        feature_names=tuple(f"f{j}" for j in range(n_features)),
        tolerance=options["tolerance"],
    )


def quantile_scores(target: np.ndarray[Any, Any], scale: Scale) -> np.ndarray[Any, np.dtype[np.float64]]:
    """A target binned onto ``scale`` by its quantiles: ``low + range · (rank − ½) / n`` (average ranks
    for ties)."""
    from scipy.stats import rankdata

    ranks = rankdata(np.asarray(target, dtype=float))
    return np.asarray(scale.low + scale.span * (ranks - 0.5) / len(ranks), dtype=float)


def load_regression(spec: str) -> RatingsDataset:
    """A scikit-learn regression set, its target binned onto the scale (module docstring)."""
    name = spec.partition(":")[0]
    loader, description = SKLEARN_REGRESSION[name]
    options = parse_options(spec, SET_DEFAULTS)
    bunch = loader()
    target = np.asarray(bunch.target, dtype=float)
    target = target[:, 0] if target.ndim == 2 else target  # linnerud: weight, the first target
    scale: Scale = options["scale"]
    scores = pd.Series(quantile_scores(target, scale), index=pd.RangeIndex(len(target), name="task"))
    return make_ratings(
        name if spec == name else f"{name}:{_label({**options, 'scale': str(scale)})}",
        description,
        scores,
        scale,
        item_features=np.asarray(bunch.data, dtype=float),
        feature_names=tuple(str(c) for c in bunch.feature_names),
        tolerance=options["tolerance"],
    )


def load_user_ratings(spec: str) -> RatingsDataset:
    """``ratings:items=ITEMS,scale=...``: the user's items file (module docstring)."""
    options = parse_options(spec, {**SET_DEFAULTS, "items": None})
    if not options.get("items"):
        raise SandboxError(f"{spec!r}: give the items file, e.g. ratings:items=items.csv,scale=1-5")
    path = str(options["items"])
    items = read_items(path)
    if "score" not in items.columns or items["score"].isna().any():
        missing = len(items) if "score" not in items.columns else int(items["score"].isna().sum())
        raise SandboxError(
            f"{path}: {missing} items have no score; a simulation needs every item's true score (give "
            "it, or leave those rows out; scores of real items are gold: evaluate --gold)"
        )
    features = [c for c in items.columns if c != "score"]
    return make_ratings(
        Path(path).stem,
        f"user items {path} on the scale {options['scale']}",
        items["score"],
        options["scale"],
        item_features=items[features].to_numpy(dtype=float) if features else None,
        feature_names=tuple(features),
        tolerance=options["tolerance"],
    )


def read_items(path: str) -> pd.DataFrame:
    """``task``, optional ``score`` and numeric feature columns; one row per task (index ``task``)."""
    table = read_table(path, "items")
    require_columns(table, ("task",), path)
    tasks = one_type(table["task"], path)
    if table["task"].isna().any() or tasks.duplicated().any():
        bad = table["task"][table["task"].isna() | tasks.duplicated().to_numpy()].iloc[0]
        raise SandboxError(f"{path}: task {bad!r} is empty or appears twice; one row per item")
    columns: dict[str, pd.Series] = {}
    for column in table.columns.drop("task"):
        values = table[column].reset_index(drop=True)
        known = values.notna()
        if column == "score":  # a score may be unknown: an empty cell
            known &= values.astype(str).str.strip() != ""
        # unknown scores parsed as 0 and set back to NaN, so that an error names the file's row
        parsed = numbers(values.astype(object).where(known, "0"), path, "number (score and features)")
        columns[str(column)] = parsed.where(known)
    frame = pd.DataFrame(
        columns, index=pd.RangeIndex(len(table)), columns=[str(c) for c in table.columns.drop("task")]
    )
    return frame.set_axis(pd.Index(tasks, name="task")).astype(float)


def is_synthetic_ratings(spec: str) -> bool:
    """``synthetic-ratings`` or ``synthetic-ratings:...``."""
    return spec == SYNTHETIC_NAME or spec.startswith(SYNTHETIC_NAME + ":")


def is_regression(spec: str) -> bool:
    """A scikit-learn regression set binned onto a scale, with or without options."""
    return spec.partition(":")[0] in SKLEARN_REGRESSION


def is_user_ratings(spec: str) -> bool:
    """``ratings:items=...``."""
    return spec.startswith(USER_PREFIX)


def synthetic_listing() -> dict[str, str]:
    """The synthetic source's one entry: name → description."""
    return {SYNTHETIC_NAME: SYNTHETIC_DESCRIPTION}


def regression_listing() -> dict[str, str]:
    """scikit-learn's regression sets offered: name → description."""
    return {name: description for name, (_, description) in SKLEARN_REGRESSION.items()}


def user_listing() -> dict[str, str]:
    """How a user's files are named as a dataset, with its description."""
    return {"ratings:items=FILE,scale=1-5": USER_DESCRIPTION}
