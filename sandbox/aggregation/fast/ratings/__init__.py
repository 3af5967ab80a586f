"""The fast engine's ratings aggregators (``scores_`` by task, on the scale): the mean, median and
trimmed mean of each task's ratings, and rater models fitted jointly with the item scores (an offset
per rater, or an offset and a scale use). Validated in ``tests/fast``."""

from __future__ import annotations

from sandbox.aggregation.fast.ratings.base import FastRatings
from sandbox.aggregation.fast.ratings.coding import CodedRatings, encode_ratings, ratings_from_codes
from sandbox.aggregation.fast.ratings.location import Mean, Median, TrimmedMean
from sandbox.aggregation.fast.ratings.raters import RaterModel, RaterOffset, RaterOffsetScale

__all__ = [
    "CodedRatings",
    "FastRatings",
    "Mean",
    "Median",
    "RaterModel",
    "RaterOffset",
    "RaterOffsetScale",
    "TrimmedMean",
    "encode_ratings",
    "ratings_from_codes",
]
