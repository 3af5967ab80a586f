"""Hypothesis strategies for hostile but fair input: exports of every format shaped like the real
thing with wrong values in every place, broken bytes, TOML documents and command lines.

Every strategy stays small (a few KB per example): the limits of large inputs are tested with
fixed worst cases in child processes (``test_memory_bound.py``)."""

from __future__ import annotations

import csv
import io
import json
import os
from typing import Any

from hypothesis import strategies as st

SCALE = float(os.environ.get("CROWD_SANDBOX_FUZZ_SCALE", "1"))


def examples(count: int) -> int:
    """``count`` examples per CI run, scaled by the environment variable ``CROWD_SANDBOX_FUZZ_SCALE``."""
    return max(1, round(count * SCALE))


# Text that breaks things: control characters, NUL, formula starts, quotes, separators, non-ASCII.
NASTY_TEXT = st.sampled_from(
    [
        "",
        " ",
        "a",
        "b",
        "0",
        "1",
        "1.0",
        "-1",
        "=1+1",
        "@x",
        "a\x00b",
        "line\nbreak",
        "\x1b[31m",
        "é",
        "𝕏",
        "\u202e",
        '"',
        ",",
        "None",
        "true",
        "null",
        "[]",
        "{}",
        "[[[[",
        '{"choices": ["a"]}',
    ]
)
TEXT = st.one_of(NASTY_TEXT, st.text(max_size=6))
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    TEXT,
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)
IDS = st.one_of(
    st.integers(min_value=0, max_value=12),
    st.integers(min_value=0, max_value=12),
    st.sampled_from(["1", "2", "t1", "", "a\x00b"]),
    SCALARS,
    st.lists(st.integers(0, 3), max_size=2),
    st.dictionaries(st.sampled_from(["id", "email"]), st.one_of(st.integers(0, 5), TEXT), max_size=2),
)
#: Working times (``lead_time``, ``WorkTimeInSeconds``, ``seconds``): plausible, impossible and not numbers.
TIMES = st.one_of(
    st.sampled_from([0, 0.0, 1.5, 30, 3600, -1, -0.5, 1e12, 1e308, "12.5", "nan", "inf", "-inf", "abc", ""]),
    st.floats(min_value=0, max_value=1e5),
    SCALARS,
)
CHOICES = st.one_of(
    st.sampled_from(["a", "b", "0", "1", 0, 1, 1.0]), st.sampled_from(["a", "b"]), SCALARS, JSON_VALUES
)
CONTROL_NAMES = st.one_of(st.sampled_from(["c", "d"]), SCALARS)


@st.composite
def _maybe(draw: st.DrawFn, strategy: st.SearchStrategy[Any]) -> Any:
    return draw(JSON_VALUES) if draw(st.integers(0, 15)) == 0 else draw(strategy)


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly ``strategy`` (15 times in 16), else any JSON value in its place."""
    return _maybe(strategy)


def full_export(
    wrap: Any, ids: st.SearchStrategy[Any], choices: st.SearchStrategy[Any]
) -> st.SearchStrategy[Any]:
    """Label Studio full exports; ``wrap`` puts junk in place of any part (or leaves it as is)."""
    region = wrap(
        st.fixed_dictionaries(
            {
                "from_name": wrap(st.sampled_from(["c", "c", "d"])),
                "value": wrap(
                    st.fixed_dictionaries({"choices": wrap(st.lists(choices, min_size=1, max_size=2))})
                ),
            },
            optional={
                "to_name": wrap(st.just("text")),
                "type": wrap(st.sampled_from(["choices", "Choices", "labels"])),
            },
        )
    )
    annotation = wrap(
        st.fixed_dictionaries(
            {"completed_by": wrap(ids), "result": wrap(st.lists(region, max_size=2))},
            optional={
                "id": ids,
                "was_cancelled": wrap(st.booleans()),
                "ground_truth": wrap(st.booleans()),
                "skipped": st.booleans(),
                "lead_time": TIMES,
            },
        )
    )
    task = wrap(
        st.fixed_dictionaries(
            {"id": wrap(ids), "annotations": wrap(st.lists(annotation, max_size=5))},
            optional={
                "data": wrap(st.dictionaries(st.sampled_from(["text", "x", "item"]), JSON_VALUES, max_size=2))
            },
        )
    )
    return st.lists(task, max_size=8)


FULL_EXPORT = full_export(maybe, IDS, CHOICES)
CLEAN_FULL_EXPORT = full_export(
    lambda strategy: strategy, st.integers(0, 6), st.sampled_from(["a", "b", "c", 0, 1])
)
RECORD = maybe(
    st.fixed_dictionaries(
        {"id": maybe(IDS), "annotator": maybe(IDS)},
        optional={
            "c": CHOICES,
            "d": CHOICES,
            "annotation_id": IDS,
            "text": TEXT,
            "lead_time": TIMES,
        },
    )
)
MIN_EXPORT = st.lists(RECORD, max_size=8)


@st.composite
def broken_bytes(draw: st.DrawFn, payload: bytes) -> bytes:
    """``payload`` as it is, or cut short, or with a byte that is not UTF-8, or behind a BOM."""
    how = draw(st.sampled_from(["as is", "as is", "as is", "cut", "bad byte", "bom", "trailing"]))
    if how == "cut" and payload:
        return payload[: draw(st.integers(0, len(payload) - 1))]
    if how == "bad byte" and payload:
        at = draw(st.integers(0, len(payload) - 1))
        return payload[:at] + b"\xff" + payload[at + 1 :]
    if how == "bom":
        return b"\xef\xbb\xbf" + payload
    if how == "trailing":
        return payload + b" [1]"
    return payload


def csv_text(header: list[str], rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


CELLS = st.one_of(
    st.sampled_from(["a", "b", "0", "1", "", "true", "false", '{"choices": ["a", "b"]}', "[[["]),
    TEXT,
    st.sampled_from(["-1", "12.5", "1e400", "nan", "inf"]),
)


@st.composite
def table_csv(draw: st.DrawFn, required: list[str], optional: list[str]) -> str:
    """A CSV with some of ``required`` (usually all) and ``optional`` columns, hostile cells."""
    columns = [c for c in required if draw(st.integers(0, 9)) > 0]
    columns += draw(st.lists(st.sampled_from(optional), max_size=3, unique=True)) if optional else []
    width = len(columns)
    rows = draw(st.lists(st.lists(CELLS, min_size=width, max_size=width), max_size=8))
    return csv_text(columns, rows)


@st.composite
def export_file(draw: st.DrawFn) -> tuple[str, bytes]:
    """(suffix, bytes) of an export of any supported format, or of something that is not one."""
    kind = draw(
        st.sampled_from(["full", "full", "clean", "clean", "min", "ls_csv", "mturk", "long", "json_value"])
    )
    if kind == "full":
        return ".json", draw(broken_bytes(json.dumps(draw(FULL_EXPORT)).encode()))
    if kind == "clean":
        return ".json", json.dumps(draw(CLEAN_FULL_EXPORT)).encode()
    if kind == "min":
        return ".json", draw(broken_bytes(json.dumps(draw(MIN_EXPORT)).encode()))
    if kind == "json_value":
        return ".json", json.dumps(draw(JSON_VALUES)).encode()
    if kind == "ls_csv":
        text = draw(table_csv(["id", "annotator", "c"], ["annotation_id", "d", "text", "lead_time"]))
    elif kind == "mturk":
        text = draw(
            table_csv(
                ["HITId", "WorkerId", "Answer.q"],
                [
                    "AssignmentStatus",
                    "Answer.r",
                    "Answer.s.a",
                    "Answer.s.b",
                    "Input.item",
                    "WorkTimeInSeconds",
                    "AssignmentId",
                ],
            )
        )
    else:
        text = draw(table_csv(["task", "worker", "label"], ["extra", "seconds"]))
    return ".csv", draw(broken_bytes(text.encode("utf-8", "surrogatepass")))


# TOML documents: any value TOML can hold, in the places a population or a sweep spec has keys.
TOML_SCALARS = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(),  # nan and inf included: TOML has them
    TEXT.filter(lambda s: "\x00" not in s and not any(0xD800 <= ord(c) <= 0xDFFF for c in s)),
)
TOML_VALUES = st.recursive(
    TOML_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["a", "b", "share", "alpha"]), inner, max_size=3)
    ),
    max_leaves=6,
)
ARCHETYPE_NAMES = st.sampled_from(
    ["honest", "uniform_spammer", "fixed_spammer", "adversary", "copier", "nope"]
)
ARCHETYPE = st.fixed_dictionaries(
    {"share": st.one_of(st.sampled_from([0.0, 0.5, 1.0]), TOML_SCALARS)},
    optional={
        "skill": st.one_of(
            st.floats(),
            st.fixed_dictionaries({"alpha": TOML_SCALARS, "beta": TOML_SCALARS}),
            st.fixed_dictionaries({"values": st.lists(TOML_SCALARS, max_size=3)}),
            TOML_VALUES,
        ),
        "malice": TOML_VALUES,
        "label": TOML_VALUES,
        "mistakes": st.one_of(st.sampled_from(["uniform", "confusion"]), TOML_VALUES),
    },
)
POPULATION = st.fixed_dictionaries(
    {
        "pool_size": st.one_of(st.sampled_from([1, 5, 50, 10**9, 10**18, 0, -1]), TOML_SCALARS),
        "archetypes": st.one_of(
            st.dictionaries(ARCHETYPE_NAMES, ARCHETYPE, min_size=1, max_size=3), TOML_VALUES
        ),
    },
    optional={
        "cost_per_label": TOML_SCALARS,
        "fixed_cost": TOML_SCALARS,
        "activity": st.one_of(st.just("uniform"), st.fixed_dictionaries({"zipf": TOML_SCALARS}), TOML_VALUES),
        "kind": st.one_of(st.just("classification"), TOML_SCALARS),
        "description": TOML_SCALARS,
        "nope": TOML_VALUES,
    },
)
SPEC = st.fixed_dictionaries(
    {},
    optional={
        "seeds": st.one_of(st.sampled_from([1, 2, 10**8]), TOML_SCALARS),
        "seed": TOML_SCALARS,
        "cell": st.one_of(
            st.sampled_from(["scenario", "tests.sweep.cells:ONE_COIN", "os:system", "x"]), TOML_SCALARS
        ),
        "set": st.dictionaries(
            st.sampled_from(
                ["n_tasks", "redundancy", "policy.redundancy", "crowd.skill", "aggregators", "nope"]
            ),
            TOML_VALUES,
            max_size=3,
        ),
        "grid": st.dictionaries(
            st.sampled_from(["redundancy", "spammer_share", "n_tasks", "delay"]),
            st.one_of(st.lists(TOML_SCALARS, max_size=3), TOML_VALUES),
            max_size=2,
        ),
        "reference": st.one_of(
            st.dictionaries(st.sampled_from(["skill", "n_tasks"]), TOML_VALUES, max_size=2), TOML_VALUES
        ),
        "scenario": st.one_of(
            st.dictionaries(st.sampled_from(["n_tasks", "fail", "crowd"]), TOML_VALUES, max_size=2),
            TOML_VALUES,
        ),
        "nope": TOML_VALUES,
    },
)


# Pairwise exports: the same hostile values in the places the pairwise template and tables have them.
SIDES = st.one_of(st.sampled_from(["left", "right", "LEFT", "tie", "a", "b", "same", ""]), SCALARS)


def _pairwise_full_export(
    wrap: Any, ids: st.SearchStrategy[Any] = IDS, sides: st.SearchStrategy[Any] = SIDES
) -> st.SearchStrategy[Any]:
    """Label Studio full exports of the pairwise template (``<Pairwise>``: ``value.selected``)."""
    region = wrap(
        st.fixed_dictionaries(
            {
                "from_name": wrap(st.sampled_from(["pw", "pw", "other"])),
                "type": wrap(st.sampled_from(["pairwise", "pairwise", "choices"])),
                "value": wrap(st.fixed_dictionaries({"selected": wrap(sides)})),
            },
            optional={"to_name": wrap(st.sampled_from([["text1", "text2"], "text1"]))},
        )
    )
    annotation = wrap(
        st.fixed_dictionaries(
            {"completed_by": wrap(ids), "result": wrap(st.lists(region, max_size=2))},
            optional={
                "was_cancelled": wrap(st.booleans()),
                "ground_truth": wrap(st.booleans()),
                "lead_time": TIMES,
            },
        )
    )
    data = wrap(st.fixed_dictionaries({"text1": wrap(ids), "text2": wrap(ids)}))
    task = wrap(
        st.fixed_dictionaries(
            {"id": wrap(ids), "data": data, "annotations": wrap(st.lists(annotation, max_size=4))}
        )
    )
    return st.lists(task, max_size=8)


PAIRWISE_FULL_EXPORT = _pairwise_full_export(maybe)
CLEAN_PAIRWISE_FULL_EXPORT = st.lists(
    st.builds(
        lambda task, left, right, votes: {
            "id": task,
            "data": {"text1": left, "text2": left + 1 + right},
            "annotations": [
                {
                    "completed_by": worker,
                    "result": [
                        {
                            "from_name": "pw",
                            "to_name": "text1,text2",
                            "type": "pairwise",
                            "value": {"selected": side},
                        }
                    ],
                }
                for worker, side in votes
            ],
        },
        st.integers(0, 9),
        st.integers(0, 5),
        st.integers(0, 5),
        st.lists(st.tuples(st.integers(1, 4), st.sampled_from(["left", "right"])), min_size=1, max_size=4),
    ),
    min_size=1,
    max_size=8,
)
CLEAN_PAIRS = st.lists(
    st.tuples(
        st.sampled_from(["w1", "w2", "w3"]),
        st.integers(0, 5),
        st.integers(0, 5),
        st.sampled_from(["first", "second", "tie"]),
        st.one_of(st.floats(min_value=0, max_value=600), st.just("")),
    ),
    min_size=1,
    max_size=10,
)
PAIRWISE_RECORD = maybe(
    st.fixed_dictionaries(
        {"id": maybe(IDS), "annotator": maybe(IDS), "text1": maybe(IDS), "text2": maybe(IDS)},
        optional={"pw": st.one_of(SIDES, st.lists(st.fixed_dictionaries({"selected": SIDES}), max_size=2))},
    )
)


@st.composite
def pairwise_export_file(draw: st.DrawFn) -> tuple[str, bytes]:
    """(suffix, bytes) of a pairwise export of any supported format, or of something that is not one."""
    kind = draw(
        st.sampled_from(["full", "clean", "clean", "min", "ls_csv", "mturk", "long", "clean_long", "other"])
    )
    if kind == "clean":
        return ".json", json.dumps(draw(CLEAN_PAIRWISE_FULL_EXPORT)).encode()
    if kind == "clean_long":
        picked = {"first": lambda a, b: a, "second": lambda a, b: a + 1 + b, "tie": lambda a, b: "tie"}
        rows = [[w, a, a + 1 + b, picked[pick](a, b), t] for w, a, b, pick, t in draw(CLEAN_PAIRS)]
        return ".csv", csv_text(["worker", "left", "right", "label", "seconds"], rows).encode()
    if kind == "full":
        return ".json", draw(broken_bytes(json.dumps(draw(PAIRWISE_FULL_EXPORT)).encode()))
    if kind == "min":
        return ".json", draw(broken_bytes(json.dumps(draw(st.lists(PAIRWISE_RECORD, max_size=8))).encode()))
    if kind == "other":
        return draw(export_file())
    if kind == "ls_csv":
        text = draw(table_csv(["id", "annotator", "text1", "text2", "pw"], ["annotation_id", "lead_time"]))
    elif kind == "mturk":
        text = draw(
            table_csv(
                ["HITId", "WorkerId", "Input.a", "Input.b", "Answer.q"],
                ["AssignmentStatus", "Input.query", "Answer.r", "WorkTimeInSeconds", "AssignmentId"],
            )
        )
    else:
        text = draw(table_csv(["worker", "left", "right", "label"], ["task", "extra", "seconds"]))
    return ".csv", draw(broken_bytes(text.encode("utf-8", "surrogatepass")))


@st.composite
def items_file(draw: st.DrawFn) -> str:
    """An items file (``--items``): ``item`` and numeric columns, with hostile cells and ids."""
    columns = ["item"] if draw(st.integers(0, 9)) else []
    columns += draw(st.lists(st.sampled_from(["length", "score", "tokens", "flag"]), max_size=3, unique=True))
    cells = st.one_of(st.integers(0, 6), st.floats(allow_nan=True, allow_infinity=True), CELLS)
    rows = draw(st.lists(st.lists(cells, min_size=len(columns), max_size=len(columns)), max_size=8))
    return csv_text(columns, rows)
