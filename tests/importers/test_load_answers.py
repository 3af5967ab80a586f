"""Importers: every supported format and every odd case, on hand-made fixtures."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from foundation.errors import SandboxError
from sandbox.io.importers.detect import detect_format
from sandbox.kinds.classification.answers import align_gold
from sandbox.kinds.classification.readers import load_answers

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def rows(frame: pd.DataFrame) -> list[tuple[object, object, object]]:
    return [tuple(r) for r in frame[["task", "worker", "label"]].itertuples(index=False)]


def test_full_json_reads_answers_gold_and_skips() -> None:
    result = load_answers(FIXTURES / "ls_full.json")
    assert result.source_format == "labelstudio_json"
    # ids stay ids; an object completed_by gives its id, or its email when it has no id
    assert rows(result.answers) == [
        (1, "7", "pos"),
        (1, "8", "neg"),
        (2, "7", "neg"),
        (2, "c@example.com", "pos"),
        (3, "7", "neutral"),
    ]
    assert result.gold is not None and result.gold.to_dict() == {2: "neg"}
    assert result.skipped == {"cancelled": 1, "empty_result": 1, "task_without_annotations": 1}
    assert result.labels == ("neg", "neutral", "pos")


def test_label_config_gives_label_order_and_rejects_outside_labels() -> None:
    result = load_answers(FIXTURES / "ls_full.json", label_config=FIXTURES / "ls_config.xml")
    assert result.labels == ("pos", "neg", "neutral")
    with pytest.raises(SandboxError, match=r"outside the label config: neutral; allowed: pos, neg"):
        load_answers(FIXTURES / "ls_full.json", label_config=FIXTURES / "ls_config_two_labels.xml")


def test_task_field_identifies_tasks_by_data() -> None:
    result = load_answers(FIXTURES / "ls_full.json", task_field="item")
    assert list(result.answers["task"].unique()) == ["a", "b", "c"]
    assert result.gold is not None and result.gold.to_dict() == {"b": "neg"}


def test_several_controls_need_from_name() -> None:
    with pytest.raises(SandboxError, match=r"several labeling controls \(sentiment, topic\)"):
        load_answers(FIXTURES / "ls_several_controls.json")
    topic = load_answers(FIXTURES / "ls_several_controls.json", from_name="topic")
    assert rows(topic.answers) == [(1, 3, "sport"), (1, 4, "news")]
    with pytest.raises(SandboxError, match=r"no labeling control named 'colour'.*sentiment, topic"):
        load_answers(FIXTURES / "ls_several_controls.json", from_name="colour")


def test_multi_choice_is_an_error_or_skipped_and_counted() -> None:
    with pytest.raises(SandboxError, match=r"2 choices \['a', 'b'\] in control 'tags'"):
        load_answers(FIXTURES / "ls_multi_choice.json")
    result = load_answers(FIXTURES / "ls_multi_choice.json", multi_choice="skip")
    assert rows(result.answers) == [(1, 4, "a")]
    assert result.skipped == {"multi_choice": 1}


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("ls_missing_completed_by.json", r"task 5, annotation 50: missing or invalid completed_by"),
        ("empty.json", r"the file is empty"),
        ("blank.csv", r"the file is empty"),
        ("truncated.json", r"broken or truncated JSON"),
        ("not_utf8.json", r"not UTF-8"),
        ("not_a_list.json", r"not a list of tasks"),
        ("ls_only_cancelled.json", r"no usable answers \(skipped — cancelled: 1, task_without"),
        ("long_missing_column.csv", r"missing column 'worker'"),
        ("no_such_file.json", r"no such file"),
    ],
)
def test_bad_input_gives_a_clear_error(name: str, message: str) -> None:
    with pytest.raises(SandboxError, match=message):
        load_answers(FIXTURES / name)


def test_not_utf8_is_caught_when_the_format_is_given() -> None:
    with pytest.raises(SandboxError, match=r"not UTF-8 text \(invalid byte at offset \d+\)"):
        load_answers(FIXTURES / "not_utf8.json", format="labelstudio_json")


def test_unknown_options_name_the_allowed_values() -> None:
    with pytest.raises(SandboxError, match=r"unknown export format 'xml'; allowed: labelstudio_json"):
        load_answers(FIXTURES / "long.csv", format="xml")
    with pytest.raises(SandboxError, match=r"unknown duplicate policy 'first'; allowed: keep_all"):
        load_answers(FIXTURES / "long.csv", duplicates="first")  # type: ignore[arg-type]


def test_json_min_export() -> None:
    result = load_answers(FIXTURES / "ls_min.json")
    assert result.source_format == "labelstudio_json_min"
    assert rows(result.answers) == [
        (1, "7", "pos"),
        (1, "8", "neg"),
        (2, "7", "neg"),
        (2, "c@example.com", "neg"),
    ]
    assert result.skipped == {"task_without_annotations": 1}
    assert result.gold is None


def test_csv_export_and_its_multi_choice_cells() -> None:
    with pytest.raises(SandboxError, match=r"2 choices \['pos', 'neg'\] in control 'sentiment'"):
        load_answers(FIXTURES / "ls_export.csv")
    result = load_answers(FIXTURES / "ls_export.csv", multi_choice="skip")
    assert result.source_format == "labelstudio_csv"
    assert rows(result.answers) == [
        (1, "7", "pos"),
        (1, "8", "neg"),
        (2, "7", "neg"),
        (2, "c@example.com", "neg"),
    ]
    assert result.skipped == {"multi_choice": 1}


def test_flat_export_with_a_label_config_checks_labels() -> None:
    result = load_answers(FIXTURES / "ls_min.json", label_config=FIXTURES / "ls_config.xml")
    assert result.labels == ("pos", "neg", "neutral")


def test_long_csv_and_parquet(tmp_path: Path) -> None:
    result = load_answers(FIXTURES / "long.csv")
    assert result.source_format == "long"
    assert rows(result.answers) == [
        ("t1", "w1", 1),
        ("t1", "w2", 0),
        ("t2", "w1", 0),
        ("t2", "w2", 0),
    ]
    parquet = tmp_path / "answers.parquet"
    result.answers.to_parquet(parquet)
    again = load_answers(parquet)
    assert rows(again.answers) == rows(result.answers)


def test_mturk_batch_results() -> None:
    result = load_answers(FIXTURES / "mturk_batch.csv")
    assert result.source_format == "mturk"
    assert rows(result.answers) == [
        ("3H1", "AWORKER1", "animal"),
        ("3H1", "AWORKER2", "object"),
        ("3H2", "AWORKER1", "object"),
    ]
    assert result.skipped == {"empty_result": 1, "rejected": 1}


def test_mturk_one_hot_answers() -> None:
    with pytest.raises(SandboxError, match=r"questions: sentiment, comment"):
        load_answers(FIXTURES / "mturk_onehot.csv")
    result = load_answers(FIXTURES / "mturk_onehot.csv", from_name="sentiment", task_field="item")
    assert rows(result.answers) == [
        ("i1", "W1", "positive"),
        ("i1", "W2", "negative"),
        ("i2", "W1", "negative"),
    ]


@pytest.mark.parametrize(
    ("policy", "expected", "dropped"),
    [
        ("keep_all", 8, 0),
        # keep_last: the later (t1, w1) answer 'b' wins; repeated identical rows collapse
        ("keep_last", 5, 3),
        # drop_conflicting: (t1, w1) disagrees with itself and goes; agreeing repeats collapse
        ("drop_conflicting", 4, 4),
    ],
)
def test_duplicate_policies(policy: str, expected: int, dropped: int) -> None:
    result = load_answers(FIXTURES / "duplicates.csv", duplicates=policy)  # type: ignore[arg-type]
    assert len(result.answers) == expected
    assert result.skipped.get(f"duplicate_{policy}", 0) == dropped
    if policy == "keep_last":
        assert ("t1", "w1", "b") in rows(result.answers)
        assert ("t1", "w1", "a") not in rows(result.answers)
    if policy == "drop_conflicting":
        assert not (result.answers[["task", "worker"]] == ["t1", "w1"]).all(axis=1).any()


def test_detect_format() -> None:
    assert detect_format(FIXTURES / "ls_full.json") == "labelstudio_json"
    assert detect_format(FIXTURES / "ls_min.json") == "labelstudio_json_min"
    assert detect_format(FIXTURES / "ls_export.csv") == "labelstudio_csv"
    assert detect_format(FIXTURES / "mturk_batch.csv") == "mturk"
    assert detect_format(FIXTURES / "long.csv") == "long"
    with pytest.raises(SandboxError, match="unknown export format"):
        detect_format(FIXTURES / "ls_config.xml")


def test_align_gold_matches_text_and_number_ids() -> None:
    text_answers = pd.DataFrame({"task": ["1", "2"], "worker": ["a", "b"], "label": ["x", "y"]})
    number_gold = pd.Series({1: "x", 2: "y"})
    assert list(align_gold(number_gold, text_answers).index) == ["1", "2"]
    number_answers = text_answers.assign(task=[1, 2])
    assert list(align_gold(pd.Series({"1": "x"}), number_answers).index) == [1]


def test_a_policy_that_drops_every_answer_is_one_clear_error(tmp_path: Path) -> None:
    """Every (task, worker) pair disagrees with itself: drop_conflicting leaves nothing, which is
    refused rather than returned as an empty table (found by the ratings fuzz test), in every kind."""
    from sandbox.kinds.pairwise.readers import load_pairwise_answers
    from sandbox.kinds.ratings.readers import load_ratings

    path = tmp_path / "answers.csv"
    path.write_text("task,worker,label\nt1,w1,a\nt1,w1,b\n", encoding="utf-8")
    with pytest.raises(SandboxError, match="no answers left"):
        load_answers(path, duplicates="drop_conflicting")
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("task,worker,left,right,label\n1,w,a,b,a\n1,w,a,b,b\n", encoding="utf-8")
    with pytest.raises(SandboxError, match="no answers left"):
        load_pairwise_answers(pairs, duplicates="drop_conflicting")
    ratings = tmp_path / "ratings.json"
    ratings.write_text(
        '[{"id": 0, "data": {"text": "t"}, "annotations": [{"completed_by": 0, "result": ['
        '{"from_name": "score", "type": "rating", "value": {"rating": 0}}, '
        '{"from_name": "score", "type": "rating", "value": {"rating": 1}}]}]}]',
        encoding="utf-8",
    )
    with pytest.raises(SandboxError, match="no answers left"):
        load_ratings(ratings, duplicates="drop_conflicting")
