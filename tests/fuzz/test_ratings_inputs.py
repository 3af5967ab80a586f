"""Property: every file read as ratings, with any options, gives answers in the ratings contract or one
SandboxError (one line) — never another exception — within the readers' memory bound; and every
ratings input on the command line (dataset specs, scales, gold files, hyperparameters) ends in success
or exit 2 with one line."""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from annotators.archetypes.ratings import Scale
from foundation.errors import SandboxError
from sandbox.datasets import load_dataset
from sandbox.io.export_formats import DUPLICATE_POLICIES, FORMATS
from sandbox.kinds.ratings.answers import read_ratings_gold, scale_of, with_scale
from sandbox.kinds.ratings.readers import load_ratings
from tests.fuzz.strategies import (
    CELLS,
    JSON_VALUES,
    SCALARS,
    broken_bytes,
    csv_text,
    examples,
    export_file,
    maybe,
    table_csv,
)
from tests.fuzz.test_importers import one_line, read_measured

NUMBERS = st.one_of(
    st.integers(-3, 110),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["4", "", "na", "1e999", "-0"]),
)
RATING = st.one_of(
    NUMBERS,
    SCALARS,
    JSON_VALUES,
    st.fixed_dictionaries({"rating": NUMBERS}),
    st.fixed_dictionaries({"number": NUMBERS}),
)


def _full_export(wrap: Any) -> st.SearchStrategy[Any]:
    region = wrap(
        st.fixed_dictionaries(
            {
                "from_name": wrap(st.sampled_from(["score", "score", "other"])),
                "type": wrap(st.sampled_from(["rating", "number", "Rating", "choices"])),
                "value": wrap(
                    st.fixed_dictionaries({"rating": RATING}) | st.fixed_dictionaries({"number": RATING})
                ),
            },
            optional={"to_name": wrap(st.just("text"))},
        )
    )
    annotation = wrap(
        st.fixed_dictionaries(
            {
                "completed_by": wrap(st.one_of(st.integers(0, 4), SCALARS)),
                "result": wrap(st.lists(region, max_size=2)),
            },
            optional={
                "lead_time": wrap(NUMBERS),
                "was_cancelled": wrap(st.booleans()),
                "ground_truth": wrap(st.booleans()),
            },
        )
    )
    task = wrap(
        st.fixed_dictionaries(
            {
                "id": wrap(st.one_of(st.integers(0, 6), SCALARS)),
                "data": wrap(st.just({"text": "t"})),
                "annotations": wrap(st.lists(annotation, max_size=3)),
            }
        )
    )
    return st.lists(task, max_size=6)


FULL = _full_export(maybe)
CLEAN = _full_export(lambda strategy: strategy)


@st.composite
def ratings_file(draw: st.DrawFn) -> tuple[str, bytes]:
    """(suffix, bytes) of a ratings export of any format, hostile values in every place, or another file."""
    kind = draw(
        st.sampled_from(
            ["full", "clean", "min", "ls_csv", "mturk", "mturk_clean", "long", "long_clean", "other"]
        )
    )
    if kind in ("full", "clean"):
        return ".json", draw(broken_bytes(json.dumps(draw(FULL if kind == "full" else CLEAN)).encode()))
    if kind == "min":
        record = st.fixed_dictionaries(
            {
                "id": st.one_of(st.integers(0, 5), SCALARS),
                "annotator": st.one_of(st.integers(0, 3), SCALARS),
                "score": RATING,
            },
            optional={"lead_time": NUMBERS},
        )
        return ".json", draw(broken_bytes(json.dumps(draw(st.lists(record, max_size=8))).encode()))
    if kind == "other":
        return draw(export_file())
    if kind == "mturk_clean":
        slots = draw(st.integers(1, 4))
        header = [
            "HITId",
            "WorkerId",
            "WorkTimeInSeconds",
            *[f"Input.pair_id_{n}" for n in range(slots)],
            *[f"Answer.rating{n}" for n in range(slots)],
            *[f"Answer.na{n}" for n in range(slots)],
        ]
        rows = [
            [
                draw(st.sampled_from(["H1", "H2"])),
                draw(st.sampled_from(["W1", "W2", "W3"])),
                draw(st.sampled_from(["10", "", "-1", "x"])),
            ]
            + [draw(st.sampled_from(["p1", "p2", "p3", ""])) for _ in range(slots)]
            + [draw(st.sampled_from(["0", "50", "100", "", "7.5", "abc"])) for _ in range(slots)]
            + [draw(st.sampled_from(["", "", "na", "on"])) for _ in range(slots)]
            for _ in range(draw(st.integers(0, 5)))
        ]
        return ".csv", csv_text(header, rows).encode()
    if kind == "long_clean":
        rows = [
            [
                draw(st.integers(0, 4)),
                draw(st.integers(0, 3)),
                draw(st.integers(1, 5)),
                draw(st.sampled_from(["", "3", "0.5"])),
            ]
            for _ in range(draw(st.integers(1, 10)))
        ]
        return ".csv", csv_text(["task", "worker", "label", "seconds"], rows).encode()
    if kind == "ls_csv":
        text = draw(table_csv(["id", "annotator", "score"], ["lead_time", "text"]))
    elif kind == "mturk":
        text = draw(
            table_csv(
                ["HITId", "WorkerId", "Input.pair_id_0", "Answer.rating0", "Answer.rating1"],
                ["Answer.na0", "Input.pair_id_1", "WorkTimeInSeconds", "AssignmentStatus"],
            )
        )
    else:
        text = draw(table_csv(["task", "worker", "label"], ["seconds"]))
    return ".csv", draw(broken_bytes(text.encode("utf-8", "surrogatepass")))


OPTIONS = st.fixed_dictionaries(
    {
        "format": st.sampled_from([None] * 6 + list(FORMATS)),
        "from_name": st.sampled_from([None, None, None, "score", "rating", "nope"]),
        "scale": st.sampled_from([None, None, "1-5", "0-100", "continuous:0-100", "5-1", "x"]),
        "item_field": st.sampled_from([None, None, "pair_id", "nope"]),
        "na_field": st.sampled_from([None, None, "na", "nope"]),
        "duplicates": st.sampled_from(DUPLICATE_POLICIES),
    }
)


def check_ratings_contract(answers: Any) -> None:
    assert list(answers.columns[:3]) == ["task", "worker", "label"] and len(answers) > 0
    assert not answers[["task", "worker", "label"]].isna().any().any()
    assert answers["label"].dtype == np.float64 and np.isfinite(answers["label"]).all()
    scale = scale_of(answers)
    assert scale.contains(answers["label"].to_numpy()).all()
    if "seconds" in answers.columns:
        seconds = answers["seconds"].dropna().to_numpy()
        assert np.isfinite(seconds).all() and (seconds >= 0).all()
    for column in ("task", "worker"):
        values = answers[column]
        assert values.dtype == np.int64 or all(type(v) is str and v and "\x00" not in v for v in values)


@settings(max_examples=examples(400))
@given(file=ratings_file(), options=st.one_of(st.just({}), OPTIONS))
def test_any_file_read_as_ratings_keeps_the_contract_or_is_refused(
    file: tuple[str, bytes], options: dict[str, Any]
) -> None:
    result = read_measured(file, lambda path: load_ratings(path, **options))
    if result is not None:
        check_ratings_contract(result.answers)
        if result.gold is not None:
            assert np.isfinite(result.gold.to_numpy(dtype=float)).all()


@settings(max_examples=examples(150))
@given(
    header=st.sampled_from(["task,score", "task,label", "task", "score,task", "id,score"]),
    rows=st.lists(st.tuples(CELLS, st.one_of(CELLS, NUMBERS.map(str))), max_size=6),
)
def test_any_ratings_gold_file_is_read_or_refused(header: str, rows: list[tuple[str, str]]) -> None:
    import pandas as pd

    answers = with_scale(
        pd.DataFrame({"task": [0, 1, 2], "worker": ["a", "a", "b"], "label": [1.0, 2.0, 3.0]}),
        Scale.parse("1-5"),
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "gold.csv"
        text = header + "\n" + "".join(f'"{a}","{b}"\n'.replace("\x00", "") for a, b in rows)
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            gold = read_ratings_gold(path, answers, Scale.parse("1-5"))
        except SandboxError as error:
            one_line(error)
        else:
            values = gold.to_numpy(dtype=float)
            assert np.isfinite(values).all() and ((values >= 1) & (values <= 5)).all()
            assert not gold.index.duplicated().any()


SPEC_VALUES = st.one_of(
    st.integers(-5, 10**13).map(str),
    st.floats().map(repr),
    st.sampled_from(["", "nan", "1-5", "continuous:0-1", "5-1", "a"]),
)


@settings(max_examples=examples(200))
@given(
    name=st.sampled_from(["synthetic-ratings", "diabetes-ratings", "linnerud-ratings", "ratings"]),
    options=st.dictionaries(
        st.sampled_from(
            ["n_items", "scale", "n_features", "noise", "mean", "spread", "tolerance", "seed", "items", "x"]
        ),
        SPEC_VALUES,
        max_size=3,
    ),
)
def test_any_ratings_dataset_spec_loads_or_is_refused(name: str, options: dict[str, str]) -> None:
    spec = name + (":" + ",".join(f"{k}={v}" for k, v in options.items()) if options else "")
    try:
        dataset = load_dataset(spec)
    except SandboxError as error:
        one_line(error)
        return
    scores = dataset.scores.to_numpy()  # type: ignore[attr-defined]
    assert len(scores) and np.isfinite(scores).all() and not math.isnan(dataset.tolerance)  # type: ignore[attr-defined]


@settings(max_examples=examples(150))
@given(
    text=st.one_of(
        st.text(max_size=20),
        st.sampled_from(["1-5", "-3--1", "continuous:-1e12-1e12", "0..1000", "continuous:1-1"]),
    )
)
def test_any_scale_text_parses_or_is_refused(text: str) -> None:
    try:
        scale = Scale.parse(text)
    except SandboxError as error:
        one_line(error)
    else:
        assert scale.low < scale.high and Scale.parse(str(scale)) == scale
