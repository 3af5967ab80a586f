"""argparse types for numbers a user types: each refuses what cannot be right (NaN, inf, negative
counts) with a message naming the value."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable


def _parsed(text: str, convert: Callable[[str], float], what: str) -> float:
    try:
        return convert(text)
    except (ValueError, OverflowError):
        raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None


def finite_float(text: str) -> float:
    """argparse type: a finite number (not nan, not inf)."""
    value = _parsed(text, float, "a number")
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def non_negative_float(text: str) -> float:
    """argparse type: a finite number >= 0."""
    value = finite_float(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is negative; give a number >= 0")
    return value


def non_negative_int(text: str) -> int:
    """argparse type: an integer >= 0 (seeds)."""
    value = int(_parsed(text, int, "an integer"))
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is negative; give an integer >= 0")
    return value


def positive_int(text: str) -> int:
    """argparse type: an integer >= 1 (counts)."""
    value = non_negative_int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def positive_float(text: str) -> float:
    """argparse type: a finite number > 0 (seconds, ratios)."""
    value = finite_float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be greater than 0")
    return value


def byte_size(text: str) -> int:
    """argparse type: a size in bytes, with an optional K/M/G/T suffix (``4G``, ``512M``, ``1000``)."""
    from foundation.errors import SandboxError
    from sandbox.resources import parse_size

    try:
        size = parse_size(text)
    except SandboxError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size; write e.g. 4G, 512M or 1000000") from None
    if size < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1 byte")
    return size
