"""Where pairwise datasets come from: a synthetic generator, scikit-learn's regression sets (the
target is the quality), and a user's items and pairs files. Specs are ``NAME[:key=value,...]``.

- ``synthetic-pairs:n_items=…,n_pairs=…,n_features=…,noise=…,length_corr=…,ties=…,levels=…,heldout=…,seed=…``:
  item features ~ N(0, 1), quality = a unit-norm linear model of the features + ``noise`` × N(0, 1);
  a ``length`` (tokens, log-normal) whose log correlates ``length_corr`` with quality. ``levels = L``
  (L >= 2) grades the quality in L equally filled levels, as expert judges grade items: items of one
  level are of equal quality, so their pairs are true ties (the interface offers a tie button).
- ``diabetes`` / ``linnerud`` (scikit-learn, offline) with ``n_pairs``, ``ties``, ``heldout``, ``seed``.
- ``pairs:items=ITEMS.csv[,pairs=PAIRS.csv]`` (+ the same options): ``item, score`` and optional
  ``length`` and numeric feature columns; pairs ``left, right`` (default: random pairs).

Pairs are distinct unordered pairs shown in a random order; ``heldout`` more pairs, disjoint from
them, are never shown and score the aggregated preferences. ``ties = δ`` offers a tie button: pairs
closer than δ standard deviations of quality are ties.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from sklearn import datasets as sk_datasets

from foundation.errors import SandboxError
from sandbox.io.files.tables import numbers, read_table, require_columns
from sandbox.io.values import in_type_of, one_type
from sandbox.kinds.pairwise.dataset import NUISANCE, PairwiseDataset, make_pairwise, pair_keys, random_pairs

SYNTHETIC_NAME = "synthetic-pairs"
USER_PREFIX = "pairs:"
SYNTHETIC_DEFAULTS: dict[str, float] = {
    "n_items": 200,
    "n_pairs": 2000,
    "n_features": 5,
    "noise": 0.5,
    "length_corr": 0.0,
    "ties": 0.0,
    "levels": 0,
    "heldout": 1000,
    "seed": 0,
}
PAIR_DEFAULTS: dict[str, float] = {"n_pairs": -1, "ties": 0.0, "heldout": 1000, "seed": 0}
SYNTHETIC_DESCRIPTION = (
    "pairwise: items with latent quality (linear in features + noise) and a length nuisance: "
    "synthetic-pairs:n_items=N,n_pairs=P,n_features=F,noise=S,length_corr=R,ties=D,levels=L,heldout=H,seed=S"
)
SKLEARN_REGRESSION: dict[str, tuple[Callable[..., Any], str]] = {
    "diabetes": (
        sk_datasets.load_diabetes,
        "pairwise: diabetes patients (scikit-learn), 442 items ranked by disease progression, 10 features",
    ),
    "linnerud": (
        sk_datasets.load_linnerud,
        "pairwise: 20 athletes (scikit-learn) ranked by weight, 3 exercise features",
    ),
}
USER_DESCRIPTION = "pairwise: your items.csv (item, score, [length], features) and pairs.csv (left, right)"


def parse_options(
    spec: str, defaults: Mapping[str, float], text_keys: tuple[str, ...] = ()
) -> dict[str, Any]:
    """``NAME:key=value,...`` → options (defaults filled in); numbers except ``text_keys``."""
    options: dict[str, Any] = dict(defaults)
    _, _, body = spec.partition(":")
    allowed = [*text_keys, *defaults]
    for item in filter(None, body.split(",")):
        key, sep, value = item.partition("=")
        key = key.strip()
        if key not in allowed or not sep:
            shown = ", ".join(f"{k}=<{'path' if k in text_keys else 'number'}>" for k in allowed)
            raise SandboxError(f"{spec.partition(':')[0]} option {item!r} is not allowed; allowed: {shown}")
        if key in text_keys:
            options[key] = value.strip()
            continue
        try:
            options[key] = float(value)
        except ValueError:
            raise SandboxError(
                f"{spec.partition(':')[0]} option {key} must be a number, got {value!r}"
            ) from None
        if not np.isfinite(options[key]):
            raise SandboxError(f"{spec.partition(':')[0]} option {key} must be finite, got {value!r}")
    return options


def _label(options: Mapping[str, Any]) -> str:
    return ",".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in options.items())


def _whole(options: Mapping[str, Any], key: str, low: int, name: str) -> int:
    value = options[key]
    if value != int(value) or value < low:
        raise SandboxError(f"{name}: {key} must be an integer >= {low}, got {value:g}")
    return int(value)


def with_pairs(
    name: str,
    description: str,
    items: pd.DataFrame,
    options: Mapping[str, Any],
    feature_columns: tuple[str, ...],
    pairs: pd.DataFrame | None = None,
    offers_ties: bool | None = None,
) -> PairwiseDataset:
    """Draw the pairs (unless given) and the held-out pairs, then build the dataset."""
    rng = np.random.default_rng(_whole(options, "seed", 0, name))
    n_items = len(items)
    if n_items < 2:
        raise SandboxError(f"{name}: needs at least 2 items, got {n_items}")
    if pairs is None:
        requested = 5 * n_items if options["n_pairs"] == -1 else _whole(options, "n_pairs", 1, name)
        left, right = random_pairs(n_items, requested, rng)
        pairs = pd.DataFrame({"left": items.index[left], "right": items.index[right]})
    else:
        left = items.index.get_indexer(pd.Index(pairs["left"]))
        right = items.index.get_indexer(pd.Index(pairs["right"]))
    taken = pair_keys(np.asarray(left), np.asarray(right), n_items)
    held_left, held_right = random_pairs(n_items, _whole(options, "heldout", 0, name), rng, exclude=taken)
    heldout = pd.DataFrame({"left": items.index[held_left], "right": items.index[held_right]})
    return make_pairwise(
        name, description, items, pairs, heldout, float(options["ties"]), feature_columns, offers_ties
    )


def make_synthetic_pairs(spec: str) -> PairwiseDataset:
    """The synthetic generator (see the module docstring)."""
    options = parse_options(spec, SYNTHETIC_DEFAULTS)
    n_items = _whole(options, "n_items", 2, SYNTHETIC_NAME)
    n_features = _whole(options, "n_features", 1, SYNTHETIC_NAME)
    if options["noise"] < 0 or not -1 <= options["length_corr"] <= 1:
        raise SandboxError(f"{SYNTHETIC_NAME}: noise must be >= 0 and length_corr in [-1, 1]; got {options}")
    rng = np.random.default_rng(_whole(options, "seed", 0, SYNTHETIC_NAME) + 1)
    features = rng.standard_normal((n_items, n_features))
    weights = rng.standard_normal(n_features)
    quality = features @ (weights / np.linalg.norm(weights)) + options["noise"] * rng.standard_normal(n_items)
    quality = (quality - quality.mean()) / quality.std()
    rho = float(options["length_corr"])
    log_length = rho * quality + np.sqrt(1 - rho**2) * rng.standard_normal(n_items)
    levels = _whole(options, "levels", 0, SYNTHETIC_NAME)
    if levels == 1 or levels > n_items:
        raise SandboxError(f"{SYNTHETIC_NAME}: levels must be 0 (none) or 2..n_items, got {levels}")
    if levels:
        quality = graded(quality, levels)
    columns = [f"f{j}" for j in range(n_features)]
    items = pd.DataFrame(features, columns=columns, index=pd.RangeIndex(n_items, name="item"))
    items.insert(0, "score", quality)
    items.insert(
        1, NUISANCE, pd.Series(np.round(np.exp(5.5 + 0.5 * log_length)), index=items.index).astype(int)
    )
    label = _label(options)
    return with_pairs(
        f"{SYNTHETIC_NAME}:{label}",
        f"synthetic pairwise preferences ({label})",
        items,
        options,
        (*columns, NUISANCE),
        offers_ties=bool(levels) or None,
    )


def graded(quality: NDArray[np.float64], levels: int) -> NDArray[np.float64]:
    """Quality in ``levels`` equally filled grades (0 .. levels - 1, by rank), as experts grade items."""
    ranks = np.argsort(np.argsort(quality, kind="stable"), kind="stable")
    return np.floor(ranks * levels / len(quality)).astype(float)


def load_regression(spec: str) -> PairwiseDataset:
    """A scikit-learn regression set as items (target = quality), with random pairs."""
    name = spec.partition(":")[0]
    loader, description = SKLEARN_REGRESSION[name]
    options = parse_options(spec, PAIR_DEFAULTS)
    bunch = loader()
    target = np.asarray(bunch.target, dtype=float)
    target = target[:, 0] if target.ndim == 2 else target  # linnerud: weight, the first target
    columns = [str(c) for c in bunch.feature_names]
    items = pd.DataFrame(np.asarray(bunch.data, dtype=float), columns=columns)
    items.index = pd.RangeIndex(len(items), name="item")
    items.insert(0, "score", pd.Series(target, index=items.index))
    return with_pairs(spec, description, items, options, tuple(columns))


def load_user_pairs(spec: str) -> PairwiseDataset:
    """``pairs:items=ITEMS[,pairs=PAIRS,...]``: the user's items (and pairs) files."""
    options = parse_options(spec, PAIR_DEFAULTS, text_keys=("items", "pairs"))
    if "items" not in options:
        raise SandboxError(f"{spec!r}: give the items file, e.g. pairs:items=items.csv,pairs=pairs.csv")
    items = read_items(options["items"])
    pairs = read_pairs(options["pairs"], items) if "pairs" in options else None
    features = tuple(c for c in items.columns if c != "score")
    return with_pairs(
        Path(options["items"]).stem, f"user items {options['items']}", items, options, features, pairs
    )


def read_items(path: str) -> pd.DataFrame:
    """``item, score`` and optional numeric columns (``length`` is the nuisance); one row per item."""
    table = read_table(path, "items").reset_index(drop=True)
    require_columns(table, ("item", "score"), path)
    table["item"] = one_type(table["item"], path)  # ids: the rule of sandbox.io.values
    if table["item"].duplicated().any():
        bad = table["item"][table["item"].duplicated()].iloc[0]
        raise SandboxError(f"{path}: item {bad!r} appears twice; one row per item")
    for column in table.columns.drop("item"):
        table[column] = numbers(table[column], path, "number (score, length, features)")
    return table.set_index("item")


def read_pairs(path: str, items: pd.DataFrame) -> pd.DataFrame:
    """``left, right`` item ids (both in the items file, never the same item)."""
    table = read_table(path, "pairs").reset_index(drop=True)
    require_columns(table, ("left", "right"), path)
    pairs = pd.DataFrame(
        {column: in_type_of(table[column], items.index.to_series(), path) for column in ("left", "right")}
    )
    for column in ("left", "right"):
        unknown = ~pairs[column].isin(items.index)
        if unknown.any():
            raise SandboxError(
                f"{path}: {column} item {pairs[column][unknown].iloc[0]!r} is not in the items file"
            )
    same = pairs["left"] == pairs["right"]
    if same.any():
        raise SandboxError(
            f"{path}: row {int(np.flatnonzero(same)[0]) + 2} compares item "
            f"{pairs['left'][same].iloc[0]!r} with itself"
        )
    return pairs.reset_index(drop=True)


def is_synthetic_pairs(spec: str) -> bool:
    """``synthetic-pairs`` or ``synthetic-pairs:...``."""
    return spec == SYNTHETIC_NAME or spec.startswith(SYNTHETIC_NAME + ":")


def is_regression(spec: str) -> bool:
    """A scikit-learn regression set, with or without options."""
    return spec.partition(":")[0] in SKLEARN_REGRESSION


def is_user_pairs(spec: str) -> bool:
    """``pairs:items=...``."""
    return spec.startswith(USER_PREFIX)


def synthetic_listing() -> dict[str, str]:
    """The synthetic source's one entry: name → description."""
    return {SYNTHETIC_NAME: SYNTHETIC_DESCRIPTION}


def regression_listing() -> dict[str, str]:
    """scikit-learn's regression sets offered: name → description."""
    return {name: description for name, (_, description) in SKLEARN_REGRESSION.items()}


def user_listing() -> dict[str, str]:
    """How a user's files are named as a dataset, with its description."""
    return {"pairs:items=FILE": USER_DESCRIPTION}
