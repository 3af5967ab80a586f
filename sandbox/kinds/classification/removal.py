"""What removing the suspected annotators buys: the consensus re-aggregated without them.

:func:`removal_effect` takes the answers, the report's per-task consensus and its suspects, and
re-runs the same aggregator on the other workers' answers. It gives the share of tasks (still
answered) whose consensus label changes, the tasks left with no answer, and with gold the consensus
accuracy before and after on the gold tasks still answered and its change.

Intervals come from a bootstrap over tasks (tasks drawn with replacement, the re-aggregation held
fixed): a resample of T tasks whose changed/unchanged (or right/wrong before × after) outcomes have
shares p is a multinomial draw of T with those shares, so the bootstrap is drawn exactly that way,
without copying any answer. The interval is the 95 % percentile interval.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sandbox.aggregation.ties import TieBreak
from sandbox.fitting.report import Removal
from sandbox.kinds.classification.aggregation import aggregate

#: Bootstrap resamples of the intervals.
RESAMPLES = 2000
LEVEL = 0.95


def _interval(values: NDArray[np.float64]) -> tuple[float, float]:
    tail = (1.0 - LEVEL) / 2.0
    low, high = np.quantile(values, [tail, 1.0 - tail])
    return float(low), float(high)


def removal_effect(
    answers: pd.DataFrame,
    consensus: pd.Series,
    suspects: list[Any],
    *,
    aggregator: str,
    engine: str,
    ties: TieBreak | None,
    gold: pd.Series | None,
    rng: np.random.Generator,
) -> Removal:
    """The :class:`~sandbox.fitting.report.Removal` of ``suspects`` (see the module docstring);
    ``consensus`` is the report's label per task."""
    effects: dict[str, Any] = {"removed_workers": len(suspects)}
    columns = ["before", "after", *(["gold"] if gold is not None else [])]
    if not suspects:
        effects["note"] = "no suspected annotator: nothing to remove"
        return Removal([], effects, pd.DataFrame(columns=columns))
    kept = answers[~answers["worker"].isin(suspects)]
    effects["removed_answers"] = len(answers) - len(kept)
    if kept.empty:
        effects["note"] = "every answer is a suspect's: no consensus is left"
        return Removal(list(suspects), effects, pd.DataFrame(columns=columns))
    after = aggregate(aggregator, kept, engine, ties=ties).labels
    still = consensus.index.intersection(after.index)
    before_labels, after_labels = consensus.reindex(still), after.reindex(still)
    changed = (before_labels.to_numpy() != after_labels.to_numpy()).astype(float)
    n = len(still)
    effects["tasks_compared"] = n
    effects["tasks_without_answers"] = int(len(consensus) - n)
    share = float(changed.mean()) if n else float("nan")
    effects["consensus_changed_share"] = share
    if n:
        draws = rng.binomial(n, share, size=RESAMPLES) / n
        effects["consensus_changed_low"], effects["consensus_changed_high"] = _interval(draws)
    table = pd.DataFrame({"before": before_labels, "after": after_labels})
    if gold is not None:
        table["gold"] = gold.reindex(still)
        effects.update(_gold_effect(table.dropna(subset=["gold"]), rng))
    table.index.name = "task"
    return Removal(list(suspects), effects, table[changed.astype(bool)])


def _gold_effect(scored: pd.DataFrame, rng: np.random.Generator) -> dict[str, Any]:
    """Accuracy on gold before and after, its change, and their bootstrap intervals."""
    n = len(scored)
    out: dict[str, Any] = {"gold_tasks_compared": n}
    if n == 0:
        return out
    right_before = (scored["before"] == scored["gold"]).to_numpy()
    right_after = (scored["after"] == scored["gold"]).to_numpy()
    # the four outcomes (wrong/right before × wrong/right after) and their shares
    cells = 2 * right_before.astype(int) + right_after.astype(int)
    shares = np.bincount(cells, minlength=4) / n
    draws = rng.multinomial(n, shares, size=RESAMPLES) / n
    before, after = draws[:, 2] + draws[:, 3], draws[:, 1] + draws[:, 3]
    out["gold_accuracy_before"] = float(right_before.mean())
    out["gold_accuracy_after"] = float(right_after.mean())
    out["gold_accuracy_change"] = float(right_after.mean() - right_before.mean())
    out["gold_accuracy_change_low"], out["gold_accuracy_change_high"] = _interval(after - before)
    return out
