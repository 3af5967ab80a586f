"""How items pull a crowd: misleading items, where they pull, and how strongly a population follows.

Real crowds do not err independently: on *misleading* items most workers who try are pulled to the
same wrong label (a *lure*), whatever they are paid, so more answers per item cannot fix them. This
is a property of the items (shared by every population that labels a dataset); a population says how
strongly its workers are pulled (experts less than a paid crowd).

``misleading_share[c]``: share of the items of true class ``c`` that are misleading. ``lure[c]``:
where those items pull (a distribution over the classes, 0 on ``c``; uniform over the other classes
when not given). ``pull``: the probability that a worker who tries (an honest archetype) answers the
lure on a misleading item; otherwise they answer as on any item; ``worker_pull``, when given, is the
distribution each such worker's own pull is drawn from (some resist lures, some follow them: errors
on misleading items then cluster on the same workers), ``pull`` its mean. ``difficulty``: how hard items are,
shared by all workers (an honest worker's P(right) on an item of difficulty d is
chance + (skill − chance)(1 − d)); used for datasets without features, whose difficulty is otherwise
the campaign policy's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from annotators.parameters import Distribution
from annotators.sampling import off_diagonal_draw
from foundation.errors import SandboxError

NO_LURE = -1


@dataclass(frozen=True)
class ItemStructure:
    """Misleading items per true class, their lures, and the population's pull (module docstring).

    An empty ``misleading_share`` (the default) means no misleading items: errors are independent.
    """

    misleading_share: tuple[float, ...] = ()
    lure: tuple[tuple[float, ...], ...] | None = None
    pull: float = 0.0
    difficulty: Distribution | None = None
    worker_pull: Distribution | None = None

    def draw_pulls(self, n_workers: int, rng: np.random.Generator) -> NDArray[Any]:
        """Each worker's pull: ``pull`` for all, or drawn from ``worker_pull`` (nothing drawn then)."""
        if self.worker_pull is None:
            return np.full(n_workers, self.pull)
        return self.worker_pull.draw(n_workers, rng)

    def draw_difficulty(self, n_items: int, rng: np.random.Generator) -> NDArray[Any]:
        """Each item's difficulty (0 easy .. 1 hopeless); 0 for all without a distribution."""
        return np.zeros(n_items) if self.difficulty is None else self.difficulty.draw(n_items, rng)

    def to_toml(self) -> dict[str, Any]:
        """The ``[items]`` table this structure is read from."""
        pull = self.pull if self.worker_pull is None else self.worker_pull.to_toml()
        table: dict[str, Any] = {"misleading_share": list(self.misleading_share), "pull": pull}
        if self.lure is not None:
            table["lure"] = [list(row) for row in self.lure]
        if self.difficulty is not None:
            table["difficulty"] = self.difficulty.to_toml()
        return table

    @property
    def misleading(self) -> bool:
        """Whether any item can be misleading and pull anyone."""
        return any(share > 0 for share in self.misleading_share) and self.pull > 0

    def shares(self, n_classes: int) -> NDArray[np.float64]:
        """Misleading share per class (length K); one value given applies to every class."""
        shares = np.asarray(self.misleading_share, dtype=float)
        if shares.size == 1:
            return np.full(n_classes, float(shares[0]))
        if shares.size != n_classes:
            raise SandboxError(
                f"items.misleading_share has {shares.size} values but the dataset has {n_classes} classes; "
                "give one per class, or one for all"
            )
        return shares

    def lure_rows(self, n_classes: int) -> NDArray[np.float64]:
        """The K × K lure distribution (rows: true class), uniform off the diagonal by default."""
        rows: NDArray[np.float64] = (
            np.ones((n_classes, n_classes)) if self.lure is None else np.array(self.lure, dtype=float)
        )
        if rows.shape != (n_classes, n_classes):
            raise SandboxError(
                f"items.lure is {rows.shape[0]}×{rows.shape[1]} but the dataset has {n_classes} classes"
            )
        np.fill_diagonal(rows, 0.0)
        return rows

    def draw(
        self,
        truth: NDArray[Any],
        n_classes: int,
        rng: np.random.Generator,
        confusion: NDArray[Any] | None = None,
    ) -> NDArray[np.int64]:
        """Each item's lure (a class code), or :data:`NO_LURE` for an ordinary item.

        Without ``confusion``, items are misleading at random with their class's share and lures
        follow :meth:`lure_rows`. With ``confusion`` (n_items × K, e.g. a classifier's out-of-fold
        probabilities), the share of each class's items that the classifier confuses most are the
        misleading ones, and each pulls to the class it is most confused with.
        """
        truth = np.asarray(truth, dtype=np.int64)
        shares = self.shares(n_classes)
        lures = np.full(len(truth), NO_LURE, dtype=np.int64)
        if confusion is None:
            misleading = rng.random(len(truth)) < shares[truth]
            lures[misleading] = off_diagonal_draw(
                self.lure_rows(n_classes)[truth[misleading]], truth[misleading], rng
            )
            return lures
        wrong = np.asarray(confusion, dtype=float).copy()
        wrong[np.arange(len(truth)), truth] = -np.inf
        for c in range(n_classes):
            members = np.flatnonzero(truth == c)
            count = round(float(shares[c]) * len(members))
            if count == 0:
                continue
            confused = members[np.argsort(-wrong[members].max(axis=1), kind="stable")[:count]]
            lures[confused] = wrong[confused].argmax(axis=1)
        return lures
