"""Property: every ratings command line — run, compare, evaluate, report, aggregate, fit and validate
with hostile datasets, scales, aggregators, hyperparameters, policies and outputs — ends in success
(0) or in exit status 2 with exactly one error line; never a traceback."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz.strategies import examples
from tests.fuzz.test_cli_arguments import FLOATS, INTS, POLICY, mostly, options, place, run

DATASETS = mostly(
    [
        "synthetic-ratings:n_items=40",
        "synthetic-ratings:n_items=30,scale=continuous:0-100",
        "linnerud-ratings:scale=0-4",
    ],
    [
        "synthetic-ratings:n_items=1e12",
        "synthetic-ratings:scale=5-1",
        "synthetic-ratings:mean=2",
        "synthetic-ratings:n_features=1e9",
        "ratings:items=nope.csv",
    ],
)
POPULATIONS = mostly(
    ["ratings_paid_crowd", "ratings_volunteers", "ratings_curation"],
    ["paid_crowd", "pairwise_volunteers", "nope"],
)
METHODS = mostly(
    ["mean", "median,offset", "ds", "offset_scale", "trimmed_mean"], ["mv", "bt", "", "nope", "mean,,ds"]
)
PARAMS = mostly(
    ["offset_scale.n_iter=20", "trimmed_mean.proportiontocut=0.2", "offset.censored=false", "ds.n_iter=5"],
    ["offset_scale.n_iter=0", "trimmed_mean.proportiontocut=0.9", "offset.nope=1", "mean.n_iter=3", "x"],
)
SCALES = mostly(["1-5", "0-10"], ["5-1", "1-3", "continuous:0-1", "x", "", "0-100000"])


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    folder = tmp_path_factory.mktemp("ratings-cli-fuzz")
    rows = [(t, f"w{w}", float(1 + (t + w) % 5), 3.0) for t in range(20) for w in range(4)]
    long = folder / "ratings.csv"
    pd.DataFrame(rows, columns=["task", "worker", "label", "seconds"]).to_csv(long, index=False)
    (folder / "gold.csv").write_text("task,score\n" + "".join(f"{t},{1 + t % 5}\n" for t in range(10)))
    (folder / "bad_gold.csv").write_text("task,score\n1,9\n")
    (folder / "out").mkdir()
    readonly = folder / "readonly.csv"
    readonly.write_text("x")
    readonly.chmod(0o444)
    yield {
        "long": str(long),
        "gold": str(folder / "gold.csv"),
        "bad_gold": str(folder / "bad_gold.csv"),
        "folder": str(folder),
        "out": str(folder / "out"),
        "readonly": str(readonly),
        "missing": str(folder / "missing" / "x.csv"),
    }


@settings(max_examples=examples(30))
@given(data=st.data())
def test_run_and_compare(
    files: dict[str, str], capsys: pytest.CaptureFixture[str], data: st.DataObject
) -> None:
    dataset, population = data.draw(DATASETS), data.draw(POPULATIONS)
    extra = data.draw(
        options(
            aggregators=METHODS, aggregator_param=PARAMS, seed=INTS, format=st.sampled_from(["json", "table"])
        )
    )
    run(["run", "--dataset", dataset, "--population", population, *data.draw(POLICY), *extra], capsys)
    budget = data.draw(
        options(budget=FLOATS.map(lambda v: str(float(v) * 100) if v.replace(".", "").isdigit() else v))
    )
    if budget:
        run(
            [
                "compare",
                "--dataset",
                dataset,
                "--crowd",
                population,
                "--curation",
                "ratings_curation",
                "--aggregator",
                "mean",
                *budget,
            ],
            capsys,
        )


@settings(max_examples=examples(40))
@given(data=st.data())
def test_export_commands(
    files: dict[str, str], capsys: pytest.CaptureFixture[str], data: st.DataObject
) -> None:
    gold = data.draw(st.sampled_from(["", files["gold"], files["bad_gold"], files["missing"]]))
    reading = [
        "--kind",
        "ratings",
        *data.draw(
            options(scale=SCALES, input_format=st.sampled_from(["long", "mturk", "labelstudio_json"]))
        ),
    ]
    with_gold = ["--gold", gold] if gold else []
    command = data.draw(st.sampled_from(["report", "aggregate", "fit", "validate", "evaluate"]))
    out = place(
        data.draw(
            mostly(["fresh"], ["", files["long"], files["folder"], files["readonly"], files["missing"]])
        ),
        files,
        ".csv",
    )
    if command == "report":
        run(
            [
                "report",
                files["long"],
                *reading,
                *with_gold,
                *data.draw(options(aggregator=METHODS.map(lambda m: m.split(",")[0]))),
            ],
            capsys,
        )
    elif command == "aggregate":
        run(
            [
                "aggregate",
                files["long"],
                *reading,
                "--out",
                out,
                *data.draw(options(aggregator=METHODS.map(lambda m: m.split(",")[0]))),
            ],
            capsys,
        )
    elif command == "fit":
        run(["fit", files["long"], *reading, *with_gold, "--out", out.replace(".csv", ".toml")], capsys)
    elif command == "validate":
        run(["validate", files["long"], *reading, *with_gold, *data.draw(options(seeds=INTS))], capsys)
    else:
        run(
            [
                "evaluate",
                "--answers",
                files["long"],
                *reading,
                *with_gold,
                *data.draw(options(aggregators=METHODS, aggregator_param=PARAMS)),
            ],
            capsys,
        )
