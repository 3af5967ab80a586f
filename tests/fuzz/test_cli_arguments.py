"""Property: every command line — every command with hostile values in every option (negative,
zero, huge, nan, inf, text for numbers, files that are inputs, directories, read-only, missing) —
ends in success (0) or in exit status 2 with exactly one error line; never a traceback.

Commands run in this process (``sandbox.cli.main.main``), on small inputs; values big enough to
matter (a pool of 10**9, 10**12 synthetic tasks, 10**8 seeds) must be refused before any work,
which is what keeps this suite fast. The dashboard is left out (a valid port starts a server; its
checks are in tests/dashboards)."""

from __future__ import annotations

import itertools
import socket
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox.cli.main import main
from sandbox.io.export_formats import DUPLICATE_POLICIES, FORMATS, MULTI_CHOICE_POLICIES
from tests.fuzz.strategies import examples


def mostly(valid: list[str], hostile: list[str]) -> st.SearchStrategy[str]:
    """A valid value 7 times in 8, else a hostile one: enough valid command lines get past parsing
    to reach the engine's own checks."""
    return st.integers(0, 7).flatmap(lambda n: st.sampled_from(hostile if n == 0 else valid))


INTS = mostly(["1", "2", "3", "5"], ["0", "-1", "1000000000", "1e9", "nan", "", "x", "9" * 25])
FLOATS = mostly(["0", "0.1", "0.5", "0.9", "1"], ["-1", "nan", "inf", "-inf", "1e308", "x", ""])
AGGREGATORS = mostly(["mv", "ds", "mv,wawa", "glad", "zbs"], ["kos", "nope", "", "mv,,ds", ",", "MV", "mmsr"])
ENGINES = mostly(["fast", "crowdkit"], ["nope", ""])
#: ``--aggregator-param``: hyperparameters in and out of range, of methods asked for and not.
PARAMS = mostly(
    ["ds.n_iter=5", "ds.tol=0.001", "glad.n_iter=3", "zbs.lr_init=0.5", "mv.x=1"],
    [
        "ds.n_iter=0",
        "ds.n_iter=1e9",
        "ds.tol=nan",
        "ds.tol=inf",
        "ds",
        "=",
        ".n_iter=1",
        "ds.n_iter=x",
        "glad.m_step_tol=-1",
        "mace.method=zz",
        "ds.n_iter=true",
        "nope.n_iter=1",
        "ds.n_iter=99999999999999999999",
    ],
)
_counter = itertools.count()


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Small inputs of every kind, and the awkward places to write."""
    folder = tmp_path_factory.mktemp("cli-fuzz")
    rows = [(t, f"w{w}", "ab"[(t + (w == 3)) % 2]) for t in range(20) for w in range(4)]
    long = folder / "answers.csv"
    pd.DataFrame(rows, columns=["task", "worker", "label"]).to_csv(long, index=False)
    (folder / "gold.csv").write_text("task,label\n" + "".join(f"{t},{'ab'[t % 2]}\n" for t in range(10)))
    (folder / "bad_gold.csv").write_text("task,label\n1,zzz\n")
    votes = [
        (f"w{w}", i, (i + 1) % 8, ("tie", i, (i + 1) % 8)[(i + w) % 3], 5.0 + 7 * w + i)
        for i in range(8)
        for w in range(5)
    ]
    pd.DataFrame(votes, columns=["worker", "left", "right", "label", "seconds"]).to_csv(
        folder / "votes.csv", index=False
    )
    (folder / "items.csv").write_text(
        "item,length,score\n" + "".join(f"{i},{10 + i},{i}\n" for i in range(8))
    )
    (folder / "bad_items.csv").write_text("item,length\n0,inf\n1,x\n")
    (folder / "crowd.toml").write_text(
        "pool_size = 30\ncost_per_label = 0.1\n[archetypes.honest]\nshare = 1.0\nskill = 0.8\n"
    )
    (folder / "huge.toml").write_text(
        "pool_size = 1000000000\n[archetypes.honest]\nshare = 1.0\nskill = 0.8\n"
    )
    (folder / "spec.toml").write_text(
        'cell = "tests.sweep.cells:ONE_COIN"\nseeds = 2\n[set]\nn_tasks = 50\n[grid]\nredundancy = [1, 3]\n'
    )
    readonly = folder / "readonly.csv"
    readonly.write_text("x")
    readonly.chmod(0o444)
    (folder / "out").mkdir()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    yield {
        "long": str(long),
        "votes": str(folder / "votes.csv"),
        "items": str(folder / "items.csv"),
        "bad_items": str(folder / "bad_items.csv"),
        "gold": str(folder / "gold.csv"),
        "bad_gold": str(folder / "bad_gold.csv"),
        "crowd": str(folder / "crowd.toml"),
        "huge": str(folder / "huge.toml"),
        "spec": str(folder / "spec.toml"),
        "readonly": str(readonly),
        "folder": str(folder),
        "out": str(folder / "out"),
        "missing": str(folder / "missing" / "x.csv"),
        "ls": str(Path(__file__).resolve().parents[1] / "importers" / "fixtures" / "ls_full.json"),
        "closed": f"127.0.0.1:{closed}",
    }


def outputs(files: dict[str, str]) -> st.SearchStrategy[str]:
    """Where a command may be asked to write: mostly a fresh file, else an input, a directory, a
    read-only file, a missing folder, nothing."""
    return mostly(["fresh"], ["", files["long"], files["folder"], files["readonly"], files["missing"]])


def place(value: str, files: dict[str, str], suffix: str) -> str:
    return f"{files['out']}/o{next(_counter)}{suffix}" if value == "fresh" else value


def options(**choices: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    """Some of the ``--name VALUE`` options (names with ``_`` for ``-``), in any order."""
    drawn = st.fixed_dictionaries({}, optional=dict(choices.items()))
    return drawn.map(lambda picked: [x for k, v in picked.items() for x in (f"--{k.replace('_', '-')}", v)])


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    status = main(argv)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert status in (0, 2), (argv, status, captured.err)
    if status == 2:
        errors = [line for line in captured.err.splitlines() if "error:" in line]
        assert len(errors) == 1, (argv, captured.err)
        assert captured.err.rstrip("\n").splitlines()[-1] == errors[0]


POLICY = options(
    redundancy=INTS,
    gold_rate=FLOATS,
    ban_threshold=FLOATS,
    min_gold=INTS,
    qualification=INTS,
    qualification_threshold=FLOATS,
    max_redundancy=INTS,
    confidence=FLOATS,
    difficulty=st.sampled_from(["auto", "none", "beta", "model", "nope"]),
    min_seconds=FLOATS,
    max_fast_share=FLOATS,
    min_timed_answers=INTS,
)


@settings(max_examples=examples(40))
@given(data=st.data())
def test_run(files: dict[str, str], capsys: pytest.CaptureFixture[str], data: st.DataObject) -> None:
    dataset = data.draw(
        mostly(
            ["iris", "synthetic:n_tasks=40"],
            [
                "synthetic:n_tasks=1e12",
                "synthetic:n_features=1e9",
                "synthetic:n_classes=1",
                "synthetic:seed=-1",
                "nope",
                "",
                files["long"],
                files["folder"],
            ],
        )
    )
    population = data.draw(
        mostly(["volunteers", "paid_curation", files["crowd"]], [files["huge"], "nope", ""])
    )
    extra = data.draw(POLICY) + data.draw(
        options(aggregators=AGGREGATORS, aggregator_param=PARAMS, seed=INTS, engine=ENGINES)
    )
    run(["run", "--dataset", dataset, "--population", population, *extra], capsys)


@settings(max_examples=examples(15))
@given(data=st.data())
def test_compare(files: dict[str, str], capsys: pytest.CaptureFixture[str], data: st.DataObject) -> None:
    question = data.draw(st.sampled_from(["--budget", "--target-accuracy"]))
    value = data.draw(mostly(["1", "5", "50", "0.8", "0.95"], ["0", "-3", "nan", "inf", "1.5", "x"]))
    crowd = data.draw(mostly(["volunteers", files["crowd"]], [files["huge"], "nope"]))
    dataset = data.draw(mostly(["synthetic:n_tasks=30"], ["synthetic:n_tasks=1e12", "nope"]))
    argv = ["compare", "--dataset", dataset, "--crowd", crowd, "--curation", "paid_curation", question, value]
    run([*argv, "--aggregator", "mv"], capsys)


@settings(max_examples=examples(15))
@given(data=st.data())
def test_verdict(files: dict[str, str], capsys: pytest.CaptureFixture[str], data: st.DataObject) -> None:
    export = data.draw(
        mostly([files["long"], files["ls"]], [files["votes"], files["missing"], files["folder"]])
    )
    gold = data.draw(mostly([files["gold"]], [files["bad_gold"], files["missing"]]))
    extra = data.draw(
        options(
            curation_cost=FLOATS,
            curation_accuracy=FLOATS,
            budget=mostly(["5", "50"], ["0", "-3", "nan", "inf", "x"]),
            target_accuracy=FLOATS,
            curation=mostly(["paid_curation", files["crowd"]], ["pairwise_curation", files["huge"], "nope"]),
            seed=INTS,
        )
    )
    run(["verdict", export, "--gold", gold, "--cost-per-label", data.draw(FLOATS), *extra], capsys)


@settings(max_examples=examples(30), deadline=None)
@given(data=st.data())
def test_pairwise_export_commands(
    files: dict[str, str], capsys: pytest.CaptureFixture[str], data: st.DataObject
) -> None:
    """``--items``, ``--min-seconds`` and answers with times and ties, for every command that reads a
    pairwise export."""
    command = data.draw(st.sampled_from(["report", "fit", "validate", "evaluate"]))
    export = data.draw(mostly([files["votes"]], [files["long"], files["missing"]]))
    extra = data.draw(
        options(
            items=mostly(
                [files["items"]], [files["bad_items"], files["missing"], files["long"], files["folder"]]
            ),
            kind=mostly(["pairwise"], ["classification", "nope"]),
            gold=st.sampled_from([files["items"], files["bad_gold"]]),
        )
    )
    if command in ("report", "fit"):
        extra += data.draw(options(min_seconds=FLOATS))
    if command == "fit":
        extra += ["--out", place(data.draw(outputs(files)), files, ".toml")]
    if command == "validate":
        extra += data.draw(options(seeds=INTS, format=st.sampled_from(["table", "json"])))
    argv = [command, "--answers", export, *extra] if command == "evaluate" else [command, export, *extra]
    run(argv, capsys)


@settings(max_examples=examples(30))
@given(data=st.data())
def test_evaluate(files: dict[str, str], capsys: pytest.CaptureFixture[str], data: st.DataObject) -> None:
    source = data.draw(
        st.sampled_from(
            [
                ["--dataset", "snow_rte"],
                ["--dataset", "iris"],
                ["--answers", files["long"]],
                ["--answers", files["ls"]],
                ["--answers", files["folder"]],
                ["--answers", files["missing"]],
                [],
            ]
        )
    )
    extra = data.draw(
        options(
            gold=st.sampled_from([files["gold"], files["bad_gold"], files["long"], files["missing"]]),
            aggregators=AGGREGATORS,
            engine=ENGINES,
            cost_per_label=FLOATS,
            input_format=st.sampled_from([*FORMATS, "nope"]),
        )
    )
    run(["evaluate", *source, *extra], capsys)


@settings(max_examples=examples(60))
@given(data=st.data())
def test_export_commands(
    files: dict[str, str], capsys: pytest.CaptureFixture[str], data: st.DataObject
) -> None:
    command = data.draw(st.sampled_from(["report", "aggregate", "fit"]))
    export = data.draw(mostly([files["long"], files["ls"]], [files["folder"], files["missing"]]))
    reading = options(
        input_format=st.sampled_from([*FORMATS, "nope"]),
        from_name=st.sampled_from(["sentiment", "nope", ""]),
        task_field=st.sampled_from(["item", "nope"]),
        duplicates=st.sampled_from([*DUPLICATE_POLICIES, "nope"]),
        multi_choice=st.sampled_from([*MULTI_CHOICE_POLICIES, "nope"]),
        label_config=st.sampled_from([files["long"], files["missing"]]),
    )
    extra = data.draw(reading) if data.draw(st.booleans()) else []
    where = data.draw(outputs(files))
    if command == "report":
        extra += data.draw(
            options(
                gold=st.sampled_from([files["gold"], files["bad_gold"]]),
                aggregator=AGGREGATORS,
                engine=ENGINES,
                format=st.sampled_from(["table", "json", "csv", "x"]),
            )
        )
        if where:
            extra += ["--tasks-out", place(where, files, ".csv")]
    elif command == "aggregate":
        suffix = data.draw(st.sampled_from([".csv", ".json"]))
        extra += ["--out", place(where, files, suffix)] if where else []
        extra += data.draw(
            options(aggregator=AGGREGATORS, out_format=st.sampled_from(["csv", "labelstudio", "x"]))
        )
    else:
        extra += ["--out", place(where, files, ".toml")] if where else []
        extra += data.draw(
            options(
                gold=st.sampled_from([files["gold"], files["bad_gold"]]),
                cost_per_label=FLOATS,
                workers_out=outputs(files).map(lambda w: place(w, files, ".csv")),
                name=st.sampled_from(["crowd", "", "a\nb"]),
            )
        )
    run([command, export, *extra], capsys)


@settings(max_examples=examples(30))
@given(data=st.data())
def test_sweep(files: dict[str, str], capsys: pytest.CaptureFixture[str], data: st.DataObject) -> None:
    spec = data.draw(st.sampled_from([[files["spec"]]] * 6 + [[], [files["long"]], [files["missing"]]]))
    out = data.draw(mostly(["fresh"], [files["long"], files["readonly"], ""]))
    out = f"{files['out']}/sweep{next(_counter)}" if out == "fresh" else out
    sets = data.draw(
        st.lists(
            st.sampled_from(
                [
                    "n_tasks=30",
                    "redundancy=3",
                    "redundancy=0",
                    "delay=nan",
                    "policy.redundancy=x",
                    "nope=1",
                    "population.pool_size=1000000000",
                    "dataset=iris",
                    "n_tasks",
                    "=",
                    "crowd.skill=inf",
                ]
            ),
            max_size=2,
        )
    )
    grids = data.draw(
        st.lists(
            st.sampled_from(["spammer_share=0,0.2", "redundancy=1,1", "redundancy=", "x=1,2"]), max_size=1
        )
    )
    extra = data.draw(
        options(
            seeds=mostly(["1", "2"], ["0", "100000000", "x"]),
            seed=INTS,
            workers=mostly(["1"], ["0", "-2", "x"]),
        )
    )
    if data.draw(st.integers(0, 7)) == 0:
        scheduler = data.draw(
            st.sampled_from([f"tcp://{files['closed']}", "nope://x", "tcp://", "http://x:1"])
        )
        extra += ["--scheduler", scheduler]
    if data.draw(st.booleans()):
        extra.append("--resume")
    argv = ["sweep", *spec, "--out", out, *[x for s in sets for x in ("--set", s)]]
    run([*argv, *[x for g in grids for x in ("--grid", g)], *extra], capsys)


@settings(max_examples=examples(20))
@given(data=st.data())
def test_labelstudio_and_listings(
    files: dict[str, str], capsys: pytest.CaptureFixture[str], data: st.DataObject
) -> None:
    url = data.draw(
        st.sampled_from([f"http://{files['closed']}", "ftp://x", "", "http://user:pw@" + files["closed"]])
    )
    argv = data.draw(
        st.sampled_from(
            [
                [
                    "labelstudio",
                    "pull",
                    "--url",
                    url,
                    "--project",
                    "1",
                    "--out",
                    f"{files['out']}/pulled.json",
                ],
                ["labelstudio", "pull", "--url", url, "--project", "-1", "--out", files["folder"]],
                ["labelstudio", "push", files["long"], "--url", url],
                ["labelstudio", "push", files["ls"], "--url", url],
                ["labelstudio", "push", "--dataset", "iris", "--population", "volunteers", "--url", url],
                ["labelstudio", "push", "--url", url],
                ["labelstudio"],
                ["datasets"],
                ["populations"],
                ["aggregators"],
                ["nope"],
                [],
            ]
        )
    )
    run(argv, capsys)
