"""Row-wise operations on ``n × K`` arrays (K small): max, first argmax, sums, per-row and
per-column arithmetic in place, log-space softmax."""

from __future__ import annotations

import numpy as np

from sandbox.aggregation.fast.coding import FloatArray, IntArray

# numpy reduces an (n, K) array along a short axis slowly (~25x slower than below for K = 2), and
# broadcasts a length-n vector across K columns 3-6x slower than K column passes: these helpers work
# column by column or through BLAS instead.


def row_max(values: FloatArray) -> FloatArray:
    """Maximum of each row of an ``n × K`` array."""
    top = values[:, 0].copy()
    for column in range(1, values.shape[1]):
        np.maximum(top, values[:, column], out=top)
    return top


def row_argmax(values: FloatArray) -> IntArray:
    """Column of each row's first maximum (so ties go to the smallest label code)."""
    top = values[:, 0].copy()
    best = np.zeros(values.shape[0], dtype=np.intp)
    for column in range(1, values.shape[1]):
        higher = values[:, column] > top
        np.copyto(best, column, where=higher)
        np.maximum(top, values[:, column], out=top)
    return best


def row_sums(values: FloatArray) -> FloatArray:
    """Sum of each row of an ``n × K`` array."""
    sums: FloatArray = values @ np.ones(values.shape[1])
    return sums


def column_sums(values: FloatArray) -> FloatArray:
    """Sum of each column of an ``n × K`` array."""
    sums: FloatArray = np.ones(values.shape[0]) @ values
    return sums


def subtract_per_row(values: FloatArray, per_row: FloatArray) -> None:
    """``values[i, :] -= per_row[i]``, in place."""
    for column in range(values.shape[1]):
        values[:, column] -= per_row


def add_per_row(values: FloatArray, per_row: FloatArray) -> None:
    """``values[i, :] += per_row[i]``, in place."""
    for column in range(values.shape[1]):
        values[:, column] += per_row


def divide_per_row(values: FloatArray, per_row: FloatArray) -> None:
    """``values[i, :] /= per_row[i]``, in place."""
    for column in range(values.shape[1]):
        values[:, column] /= per_row


def add_per_column(values: FloatArray, per_column: FloatArray) -> None:
    """``values[:, j] += per_column[j]``, in place."""
    for column in range(values.shape[1]):
        values[:, column] += per_column[column]


def softmax_rows(logits: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Row-wise softmax in log space, computed in place: ``logits`` becomes the probabilities.

    Returns ``(probabilities, log_sum_exp per row)``.
    """
    top = row_max(logits)
    subtract_per_row(logits, top)
    np.exp(logits, out=logits)
    total = row_sums(logits)
    divide_per_row(logits, total)
    np.log(total, out=total)
    total += top
    return logits, total
