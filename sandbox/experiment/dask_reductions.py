"""Passes of the streamed MV/DS on a Dask cluster: each partition is reduced on a worker (read,
coded and summed there), and the per-partition arrays are added on the client, in partition order
(so a result does not depend on which worker finished first). The pass that finds the first rows
of tied tasks (the tie rule's draws) folds partitions in the same order, each counted from its own
first row.

The dictionaries are sent to every worker once; each pass's parameter (posteriors or log
confusions) once per pass. Only arrays the size of the task/worker state travel; answers never do.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from foundation.errors import SandboxError
from sandbox.aggregation.fast.coding import FloatArray, IntArray
from sandbox.aggregation.out_of_core import Reduction, Sizes, first_rows_batch, fold_first_rows, reduce_batch
from sandbox.aggregation.ties import FirstRows
from sandbox.io.partitioned.reader import BATCH_ROWS, Dictionaries, partition_batches


def reduce_partition(
    path: Path,
    kind: Reduction,
    parameter: FloatArray | None,
    dictionaries: Dictionaries,
    sizes: Sizes,
    batch_rows: int = BATCH_ROWS,
) -> FloatArray:
    """One partition's share of a reduction (runs on a worker)."""
    total: FloatArray | None = None
    for batch in partition_batches(path, dictionaries, batch_rows):
        part = reduce_batch(kind, batch, sizes, parameter)
        if total is None:
            total = part
        else:
            total += part
    if total is None:  # an empty partition adds nothing
        total = reduce_batch(kind, _no_answers(), sizes, parameter)
    return total


def first_rows_partition(
    path: Path, tied: IntArray, dictionaries: Dictionaries, sizes: Sizes, batch_rows: int = BATCH_ROWS
) -> tuple[FirstRows | None, int]:
    """One partition's first rows of the tied tasks (counted from its own first row) and its
    number of rows (runs on a worker); None for an empty partition."""
    total, offset = None, 0
    for batch in partition_batches(path, dictionaries, batch_rows):
        part, n_rows = first_rows_batch(batch, sizes, tied)
        total = fold_first_rows(total, part, offset)
        offset += n_rows
    return total, offset


def _no_answers() -> tuple[Any, Any, Any]:
    import numpy as np

    empty = np.zeros(0, dtype=np.intp)
    return empty, empty, empty


class DaskReductions:
    """:class:`~sandbox.aggregation.out_of_core.Reductions` over partition files on a Dask cluster
    (``client``: a connected ``distributed.Client``; the workers must be able to import ``sandbox``
    and read ``paths``)."""

    def __init__(
        self,
        client: Any,
        paths: Sequence[Path],
        dictionaries: Dictionaries,
        sizes: Sizes,
        batch_rows: int = BATCH_ROWS,
    ) -> None:
        self.client = client
        self.paths = list(paths)
        self.sizes = sizes
        self.batch_rows = batch_rows
        self.passes = 0
        self.dictionaries = client.scatter(dictionaries, broadcast=True, hash=False)

    def reduce(self, kind: Reduction, parameter: FloatArray | None = None) -> FloatArray:
        shared = None if parameter is None else self.client.scatter(parameter, broadcast=True, hash=False)
        futures = self.client.map(
            reduce_partition,
            self.paths,
            kind=kind,
            parameter=shared,
            dictionaries=self.dictionaries,
            sizes=self.sizes,
            batch_rows=self.batch_rows,
            pure=False,
        )
        total: FloatArray | None = None
        try:
            for future in futures:
                part = future.result()
                future.release()
                if total is None:
                    total = part
                else:
                    total += part
        finally:
            self.client.cancel(futures)
            if shared is not None:
                shared.release()
        self.passes += 1
        assert total is not None, "a partitioned set has at least one partition"
        return total

    def first_rows(self, tied: IntArray) -> FirstRows:
        shared = self.client.scatter(tied, broadcast=True, hash=False)
        futures = self.client.map(
            first_rows_partition,
            self.paths,
            tied=shared,
            dictionaries=self.dictionaries,
            sizes=self.sizes,
            batch_rows=self.batch_rows,
            pure=False,
        )
        total: FirstRows | None = None
        offset = 0
        try:
            for future in futures:  # in partition order: earlier rows win
                part, n_rows = future.result()
                future.release()
                if part is not None:
                    total = fold_first_rows(total, part, offset)
                offset += n_rows
        finally:
            self.client.cancel(futures)
            shared.release()
        self.passes += 1
        if total is None:
            raise SandboxError("the answers are empty; aggregation needs at least one answer")
        return total
