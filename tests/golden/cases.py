"""Golden outputs: fixed commands whose output a refactor must not change (timings aside).

Each case is a ``crowd-sandbox`` command line run in a scratch folder; what is kept is its standard
output and the files it writes, with wall-clock timings removed (:func:`without_timings`). The
outputs were recorded with ``python -m tests.golden.record`` before the task-kind packages moved
(issue 19), and are re-recorded only when an issue changes behaviour on purpose (say which in the
commit).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
OUTPUTS = Path(__file__).resolve().parent / "outputs"
SIGIR = REPO.parent / "shared" / "data" / "pairwise" / "sigir2010"
FIXTURES = REPO / "tests" / "importers" / "fixtures"
DATA = REPO / "datasets"

#: JSON keys that hold wall-clock timings (removed before comparing).
TIMING_KEYS = frozenset({"seconds", "elapsed", "wall_seconds"})


@dataclass(frozen=True)
class Case:
    """One command: ``argv`` (``{data}``, ``{fixtures}``, ``{sigir}`` filled in), the files it writes
    (``files``: names in the scratch folder), and whether it needs the shared data."""

    name: str
    argv: tuple[str, ...]
    files: tuple[str, ...] = ()
    needs_shared: bool = False
    json_output: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    def arguments(self) -> list[str]:
        paths = {"data": str(DATA), "fixtures": str(FIXTURES), "sigir": str(SIGIR)}
        return [part.format(**paths) for part in self.argv]


def _case(name: str, *argv: str, **options: Any) -> Case:
    return Case(name, tuple(argv), **options)


CASES: tuple[Case, ...] = (
    # --- classification -------------------------------------------------------------------------
    _case(
        "run_volunteers",
        "run",
        "--dataset",
        "snow_rte",
        "--population",
        "volunteers",
        "--seed",
        "3",
        "--format",
        "json",
    ),
    _case(
        "run_quality_control",
        "run",
        "--dataset",
        "snow_rte",
        "--population",
        "paid_crowd",
        "--gold-rate",
        "0.1",
        "--ban-threshold",
        "0.7",
        "--qualification",
        "3",
        "--qualification-threshold",
        "0.5",
        "--max-redundancy",
        "7",
        "--confidence",
        "0.8",
        "--seed",
        "1",
        "--aggregators",
        "mv,ds,glad,mace",
        "--format",
        "json",
    ),
    _case(
        "run_digits",
        "run",
        "--dataset",
        "digits",
        "--population",
        "paid_crowd",
        "--redundancy",
        "3",
        "--aggregators",
        "mv,ds,onecoin_ds",
        "--format",
        "json",
    ),
    _case(
        "run_synthetic_all",
        "run",
        "--dataset",
        "synthetic:n_tasks=300,n_classes=2,seed=2",
        "--population",
        "volunteers",
        "--aggregators",
        "mv,wawa,zbs,ds,onecoin_ds,glad,mace,kos",
        "--seed",
        "5",
        "--format",
        "json",
    ),
    _case(
        "run_crowdkit",
        "run",
        "--dataset",
        "zheng_dog",
        "--population",
        "sybil_attack",
        "--engine",
        "crowdkit",
        "--aggregators",
        "mv,ds",
        "--format",
        "json",
    ),
    _case(
        "compare_budget",
        "compare",
        "--dataset",
        "snow_rte",
        "--crowd",
        "paid_crowd",
        "--curation",
        "paid_curation",
        "--budget",
        "300",
        "--format",
        "json",
    ),
    _case(
        "compare_target",
        "compare",
        "--dataset",
        "snow_rte",
        "--crowd",
        "volunteers",
        "--curation",
        "paid_curation",
        "--target-accuracy",
        "0.9",
        "--format",
        "json",
    ),
    _case(
        "evaluate_bundled",
        "evaluate",
        "--dataset",
        "zheng_dog",
        "--aggregators",
        "mv,wawa,zbs,ds,onecoin_ds,glad,mace,mmsr",
        "--format",
        "json",
    ),
    _case("evaluate_export", "evaluate", "--answers", "{fixtures}/ls_full.json", "--format", "json"),
    _case(
        "report_long",
        "report",
        "{data}/snow_rte/labels.csv",
        "--gold",
        "{data}/snow_rte/gold.csv",
        "--format",
        "json",
    ),
    _case(
        "report_labelstudio",
        "report",
        "{fixtures}/ls_full.json",
        "--format",
        "json",
        "--tasks-out",
        "tasks.csv",
        files=("tasks.csv",),
    ),
    _case(
        "report_csv",
        "report",
        "{data}/zheng_face/labels.csv",
        "--aggregator",
        "glad",
        "--format",
        "csv",
        json_output=False,
    ),
    _case(
        "aggregate_csv",
        "aggregate",
        "{data}/zheng_face/labels.csv",
        "--out",
        "consensus.csv",
        files=("consensus.csv",),
        json_output=False,
    ),
    _case(
        "aggregate_labelstudio",
        "aggregate",
        "{fixtures}/ls_full.json",
        "--out",
        "predictions.json",
        files=("predictions.json",),
        json_output=False,
    ),
    _case(
        "fit",
        "fit",
        "{data}/snow_temp/labels.csv",
        "--gold",
        "{data}/snow_temp/gold.csv",
        "--out",
        "fitted.toml",
        "--cost-per-label",
        "0.05",
        "--workers-out",
        "workers.csv",
        files=("fitted.toml", "workers.csv"),
        json_output=False,
    ),
    _case(
        "validate",
        "validate",
        "--dataset",
        "snow_temp",
        "--seeds",
        "2",
        "--replays",
        "100",
        "--format",
        "json",
    ),
    # --- pairwise -------------------------------------------------------------------------------
    _case(
        "pairwise_run",
        "run",
        "--dataset",
        "synthetic-pairs",
        "--population",
        "pairwise_volunteers",
        "--format",
        "json",
    ),
    _case(
        "pairwise_run_quality_control",
        "run",
        "--dataset",
        "synthetic-pairs:n_items=80,n_pairs=600,ties=0.1,seed=4",
        "--population",
        "pairwise_paid_crowd",
        "--gold-rate",
        "0.1",
        "--ban-threshold",
        "0.6",
        "--seed",
        "2",
        "--aggregators",
        "bt,noisy_bt,bt_mle,win_rate,elo",
        "--format",
        "json",
    ),
    _case(
        "pairwise_run_features",
        "run",
        "--dataset",
        "diabetes",
        "--population",
        "pairwise_paid_crowd",
        "--redundancy",
        "3",
        "--format",
        "json",
    ),
    _case(
        "pairwise_compare",
        "compare",
        "--dataset",
        "synthetic-pairs",
        "--crowd",
        "pairwise_paid_crowd",
        "--curation",
        "pairwise_curation",
        "--budget",
        "200",
        "--format",
        "json",
    ),
    _case(
        "pairwise_evaluate",
        "evaluate",
        "--answers",
        "{sigir}/long.csv",
        "--gold",
        "{sigir}/items.csv",
        "--aggregators",
        "bt,noisy_bt,bt_mle,win_rate,elo",
        "--format",
        "json",
        needs_shared=True,
    ),
    _case(
        "pairwise_evaluate_gold_pairs",
        "evaluate",
        "--answers",
        "{sigir}/long.csv",
        "--gold",
        "{sigir}/gold_pairs.csv",
        "--format",
        "json",
        needs_shared=True,
    ),
    _case("pairwise_report", "report", "{sigir}/long.csv", "--format", "json", needs_shared=True),
    _case(
        "pairwise_aggregate",
        "aggregate",
        "{sigir}/long.csv",
        "--aggregator",
        "bt_mle",
        "--out",
        "ranking.csv",
        files=("ranking.csv",),
        json_output=False,
        needs_shared=True,
    ),
    _case(
        "pairwise_fit",
        "fit",
        "{sigir}/long.csv",
        "--out",
        "raters.toml",
        "--workers-out",
        "raters.csv",
        files=("raters.toml", "raters.csv"),
        json_output=False,
        needs_shared=True,
    ),
    # --- sweep ----------------------------------------------------------------------------------
    _case(
        "sweep",
        "sweep",
        "--set",
        "dataset=zheng_duck",
        "--set",
        "aggregators=mv,ds",
        "--grid",
        "redundancy=1,3",
        "--grid",
        "population=volunteers,paid_crowd",
        "--seeds",
        "2",
        "--workers",
        "1",
        "--out",
        "store",
        json_output=False,
        extra={"store": "store"},
    ),
    _case(
        "sweep_pairwise",
        "sweep",
        "--set",
        "kind=pairwise",
        "--grid",
        "redundancy=1,3",
        "--seeds",
        "2",
        "--workers",
        "1",
        "--out",
        "pstore",
        json_output=False,
        extra={"store": "pstore"},
    ),
)


def without_timings(value: Any) -> Any:
    """``value`` (parsed JSON) with every timing key removed, recursively."""
    if isinstance(value, dict):
        return {k: without_timings(v) for k, v in value.items() if k not in TIMING_KEYS}
    if isinstance(value, list):
        return [without_timings(v) for v in value]
    return value


def normalise(text: str, scratch: Path) -> str:
    """Output text with the scratch folder and the repository's path written as placeholders."""
    text = text.replace(str(scratch), "{scratch}").replace(str(REPO), "{repo}")
    return text.replace(str(SIGIR), "{sigir}")


def store_table(folder: Path) -> str:
    """A sweep store's rows as sorted CSV text (timing columns dropped), independent of part order."""
    import pandas as pd

    frame = pd.read_parquet(folder / "parts")
    frame = frame.drop(columns=[c for c in frame.columns if c in TIMING_KEYS or c.endswith("_seconds")])
    frame = frame.reindex(sorted(frame.columns), axis=1)
    frame = frame.sort_values([c for c in ("cell", "seed", "aggregator") if c in frame.columns])
    return frame.to_csv(index=False, float_format="%.12g")


def capture(case: Case, stdout: str, scratch: Path) -> dict[str, Any]:
    """What is kept of one run: stdout (JSON parsed, timings removed) and each written file."""
    kept: dict[str, Any] = {}
    if case.json_output:
        kept["stdout"] = without_timings(json.loads(stdout))
    elif "store" not in case.extra:
        kept["stdout"] = _strip_timings_text(normalise(stdout, scratch))
    for name in case.files:
        text = (scratch / name).read_text(encoding="utf-8")
        kept[name] = without_timings(json.loads(text)) if name.endswith(".json") else normalise(text, scratch)
    if "store" in case.extra:
        kept["store"] = store_table(scratch / case.extra["store"])
    return kept


_SECONDS = re.compile(r"\d+(\.\d+)? ?s\b")


def _strip_timings_text(text: str) -> str:
    return _SECONDS.sub("<s>", text)


def expected_path(case: Case) -> Path:
    return OUTPUTS / f"{case.name}.json"
