"""``validate``'s table: real values against the replicas' 90 % intervals on the held-out tasks."""

from __future__ import annotations

from sandbox.kinds.classification.validation import Validation
from sandbox.reporting.tables import table


def validation_table(result: Validation) -> str:
    """Real values against the replicas' 90 % intervals on the held-out tasks, one row per compared
    quantity (histogram bins empty on both sides left out), with sharpness and each group's verdict."""
    check = result.check
    verdict = result.within_tolerance
    rows = []
    shown_groups: set[str] = set()
    for metric in check.metrics:
        name = metric.name
        lo, hi = check.interval[name]
        if name.startswith("majority_share[") and hi == 0.0 and check.real[name] == 0.0:
            continue
        first = metric.group not in shown_groups
        shown_groups.add(metric.group)
        rows.append(
            {
                "measure": _measure_name(name),
                "real": check.real[name],
                "replica": check.replica[name],
                "90% interval": f"[{lo:.3f}, {hi:.3f}]",
                "inside": "yes" if check.calibrated[name] else "no",
                "sharpness": check.sharpness[name],
                "verdict": ("ok" if verdict[metric.group] else "off") if first else "",
            }
        )
    passed = sum(verdict[g] for g in verdict if g != "all")
    title = (
        f"{result.dataset}: fitted on {result.n_tasks_fit} tasks, replayed {result.replays} times on "
        f"{result.n_tasks_test} held-out tasks ({result.seeds} split{'s' if result.seeds > 1 else ''}, "
        f"{result.refits} bootstrap fits each) — "
        f"{'a faithful twin' if verdict['all'] else 'not a faithful twin'}"
        f" ({passed} of {len(verdict) - 1} checks pass: real value inside the {check.level:.0%} interval, "
        f"interval at most {check.max_sharpness:g}× the binomial half-width)"
    )
    columns = ["measure", "real", "replica", "90% interval", "inside", "sharpness", "verdict"]
    return title + "\n\n" + table(rows, columns, digits=3)


def _measure_name(metric: str) -> str:
    """A metric's row label: aggregators by their accuracy, bins and percentiles spelled out."""
    if metric == "wrong_majority_share":
        return "share of wrong majorities"
    if metric.startswith("majority_share["):
        return "tasks with majority share in " + metric.removeprefix("majority_share")
    if metric.startswith("worker_accuracy_p"):
        return f"worker accuracy, {metric.removeprefix('worker_accuracy_p')}th percentile"
    names = {"mv": "majority-vote accuracy", "ds": "Dawid–Skene accuracy"}
    return names.get(metric, f"{metric} accuracy")
