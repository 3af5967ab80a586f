"""``report --reference`` and ``evaluate --reference``: the null model's arithmetic on a crowd small
enough to compute by hand, the columns in every output, the reference scored beside the aggregators,
the reference as an annotator, and every refusal as one clear message."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sandbox.cli.main import main
from sandbox.datasets import load_dataset
from sandbox.fitting.reference import reliance_test
from sandbox.kinds.classification.consensus import labelstudio_predictions
from sandbox.kinds.classification.planted import plant_pasters, reference_model
from sandbox.randomness import make_rng

DATASETS = Path(__file__).resolve().parents[2] / "datasets"
GOLD = DATASETS / "snow_rte" / "gold.csv"


def test_the_null_rate_is_the_others_rate_scaled_by_the_departure_ratio() -> None:
    """Tasks 1 and 2: the model gives the standard's answer; task 3: it does not. Worker A departs
    from the standard on neither of 1, 2, where the others' departures predict 0.5 + 0.5 = 1, so
    r_A = (0 + 1) / (1 + 1) = 0.5; on task 3 one of A's two others (B) gives the model's answer,
    s = 0.5, and A's expected rate is 0.5 × 0.5 = 0.25 against the truth, 1 × 0.5 against the
    consensus (r at least 1). A gives the model's answer on 1 of 1: p = 0.25 and 0.5."""
    rows = [
        ("t1", "A", False, True), ("t1", "B", False, True), ("t1", "C", False, False),
        ("t2", "A", False, True), ("t2", "B", False, False), ("t2", "C", False, True),
        ("t3", "A", True, False), ("t3", "B", True, False), ("t3", "C", False, True),
    ]  # fmt: skip
    matches = pd.DataFrame(rows, columns=["task", "worker", "on_model", "on_standard"])
    right = pd.Series({"t1": True, "t2": True, "t3": False})
    truth = reliance_test(matches, right, "gold", "", standard_is_truth=True).table
    crowd = reliance_test(matches, right, "crowd", "", standard_is_truth=False).table
    assert truth.loc["A", "ratio"] == pytest.approx(0.5)
    assert (truth.loc["A", "n"], truth.loc["A", "count"]) == (1, 1)
    assert truth.loc["A", "expected"] == pytest.approx(0.25)
    assert truth.loc["A", "p"] == pytest.approx(0.25)
    assert crowd.loc["A", "expected"] == pytest.approx(0.5)
    assert crowd.loc["A", "p"] == pytest.approx(0.5)
    # C departs on task 1 where the others predict 0 departures: r_C = (1 + 1) / (0.5 + 1)
    assert truth.loc["C", "ratio"] == pytest.approx(2 / 1.5)
    assert truth.loc["C", "expected"] == pytest.approx(min(1.0, 2 / 1.5 * 1.0))


def planted_files(folder: Path, seed: int = 0, reliance: float = 1.0) -> tuple[Path, Path, pd.Index]:
    """snow_rte with a tenth of its annotators pasting a model wrong on a fifth of the tasks:
    the answers and the reference as CSV files, and the pasters."""
    dataset = load_dataset("snow_rte")
    assert dataset.answers is not None
    rng = make_rng(seed)
    reference = reference_model(dataset.truth, rng)
    answers, pasters = plant_pasters(dataset.answers, reference, rng, reliance)
    answers_path, reference_path = folder / "answers.csv", folder / "reference.csv"
    answers.to_csv(answers_path, index=False)
    reference.rename("label").rename_axis("task").reset_index().to_csv(reference_path, index=False)
    return answers_path, reference_path, pasters


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_report_json_and_csv_carry_the_reference_columns_and_flag_pasters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers, reference, pasters = planted_files(tmp_path)
    tasks_out = tmp_path / "tasks.csv"
    status, out, err = run(
        capsys, "report", str(answers), "--gold", str(GOLD), "--reference", str(reference),
        "--format", "json", "--tasks-out", str(tasks_out),
    )  # fmt: skip
    assert status == 0, err
    document = json.loads(out)
    overall = document["overall"]
    gold = pd.read_csv(GOLD).set_index("task")["label"]
    model = pd.read_csv(reference).set_index("task")["label"]
    assert overall["reference_tasks"] == 800
    assert overall["reference_accuracy_on_gold"] == pytest.approx(float((model == gold).mean()))
    annotators = pd.DataFrame(document["annotators"]).set_index("worker")
    for column in (
        "model_answers", "model_agreement", "model_agreement_expected", "model_excess",
        "contested_answers", "contested_on_model", "contested_expected", "p_model",
        "model_wrong_answers", "model_wrong_on_model", "model_wrong_expected", "p_model_wrong", "pasting",
    ):  # fmt: skip
        assert column in annotators.columns
    flagged = set(annotators.index[annotators["pasting"]])
    active = set(annotators.index[annotators["answers"] >= 60])
    assert set(pasters) & active <= flagged  # every active paster is found
    assert len(flagged - set(pasters)) <= 2
    for worker in flagged:
        assert annotators.loc[worker, "suspect"]
        assert "pasting: gives the model's answer" in annotators.loc[worker, "reason"]
        assert any(e["flag"] == "pasting" for e in document["evidence"][str(worker)])
    excess = annotators["model_agreement"] - annotators["model_agreement_expected"]
    assert excess.to_numpy() == pytest.approx(annotators["model_excess"].to_numpy(), nan_ok=True)
    assert "reference" in pd.read_csv(tasks_out).columns
    status, out, _ = run(capsys, "report", str(answers), "--reference", str(reference), "--format", "csv")
    table = pd.read_csv(io.StringIO(out))
    assert status == 0 and {"model_agreement", "p_model", "pasting"} <= set(table.columns)
    assert "p_model_wrong" not in table.columns  # no gold: the consensus test alone


def test_agreement_with_the_model_is_counted_on_the_answers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers, reference, _ = planted_files(tmp_path, reliance=0.5)
    status, out, _ = run(capsys, "report", str(answers), "--reference", str(reference), "--format", "json")
    assert status == 0
    table = pd.read_csv(answers)
    model = pd.read_csv(reference).set_index("task")["label"]
    direct = (table["label"] == table["task"].map(model)).groupby(table["worker"]).mean()
    annotators = pd.DataFrame(json.loads(out)["annotators"]).set_index("worker")
    expected = direct.reindex(annotators.index).to_numpy()
    assert annotators["model_agreement"].to_numpy() == pytest.approx(expected)


def test_label_studio_predictions_read_like_a_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers, reference, _ = planted_files(tmp_path)
    model = pd.read_csv(reference)
    predictions = labelstudio_predictions(
        model.assign(confidence=float("nan")), from_name="sentiment", to_name="text", model_version="m"
    )
    json_path = tmp_path / "predictions.json"
    json_path.write_text(json.dumps(predictions))
    outputs = []
    for path in (reference, json_path):
        status, out, err = run(capsys, "report", str(answers), "--reference", str(path), "--format", "csv")
        assert status == 0, err
        outputs.append(out)
    assert outputs[0] == outputs[1]


def test_evaluate_scores_the_reference_beside_the_aggregators(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers, reference, _ = planted_files(tmp_path)
    status, out, err = run(
        capsys, "evaluate", "--answers", str(answers), "--gold", str(GOLD), "--reference", str(reference),
        "--aggregators", "mv,ds", "--format", "json",
    )  # fmt: skip
    assert status == 0, err
    rows = {row["aggregator"]: row for row in json.loads(out)["results"]}
    assert list(rows) == ["mv", "ds", "reference"]
    gold = pd.read_csv(GOLD).set_index("task")["label"]
    model = pd.read_csv(reference).set_index("task")["label"]
    assert rows["reference"]["accuracy"] == pytest.approx(float((model == gold).mean()))
    status, out, err = run(
        capsys, "evaluate", "--answers", str(answers), "--gold", str(GOLD), "--reference", str(reference),
        "--reference-as-worker", "model", "--aggregators", "mv", "--format", "json",
    )  # fmt: skip
    assert status == 0, err
    document = json.loads(out)
    assert document["n_workers"] == 165 and document["n_labels"] == 8800


def test_the_reference_as_an_annotator(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers, reference, _ = planted_files(tmp_path)
    status, out, err = run(
        capsys, "report", str(answers), "--reference", str(reference), "--reference-as-worker", "gpt",
        "--format", "json",
    )  # fmt: skip
    assert status == 0, err
    annotators = pd.DataFrame(json.loads(out)["annotators"]).set_index("worker")
    assert annotators.loc["gpt", "answers"] == 800
    assert annotators.loc["gpt", "model_agreement"] == 1.0
    assert annotators.loc["gpt", "pasting"]


def test_a_partial_reference_is_said_and_compared_where_it_answers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers, reference, _ = planted_files(tmp_path)
    partial = tmp_path / "partial.csv"
    pd.read_csv(reference).head(500).to_csv(partial, index=False)
    status, out, err = run(capsys, "report", str(answers), "--reference", str(partial), "--format", "json")
    assert status == 0
    assert "the reference answers 500 of the 800 tasks" in err
    assert json.loads(out)["overall"]["reference_tasks"] == 500


@pytest.mark.parametrize(
    ("content", "options", "message"),
    [
        ("task,label\n9001,1\n9002,0\n", (), "shares no task with the answers"),
        ("task,label\n1,1\n1,0\n", (), "task 1 has more than one label"),
        ("task,label\n1,\n", (), "the cell is empty"),
        ("task,label\n1,\x001\n", (), "NUL character"),
        ("task,choice\n1,1\n", (), "missing column 'label'"),
        ("task,label\n1,1\n", ("--reference-as-worker", "0"), "an annotator of that name already"),
        (None, ("--reference-as-worker", "gpt"), "needs --reference"),
    ],
)
def test_refusals_are_one_clear_message(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str | None,
    options: tuple[str, ...],
    message: str,
) -> None:
    answers = DATASETS / "snow_rte" / "labels.csv"
    given: tuple[str, ...] = ()
    if content is not None:
        path = tmp_path / "reference.csv"
        path.write_text(content)
        given = ("--reference", str(path))
    for command in (("report", str(answers)), ("evaluate", "--answers", str(answers), "--gold", str(GOLD))):
        status, out, err = run(capsys, *command, *given, *options)
        assert status == 2 and out == ""
        assert message in err and "Traceback" not in err


def test_ratings_answers_say_that_they_take_no_reference_yet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reference = tmp_path / "reference.csv"
    reference.write_text("task,label\n1,3\n")
    answers = tmp_path / "ratings.csv"
    answers.write_text("task,worker,label\n1,a,3\n1,b,4\n2,a,2\n2,b,2\n")
    status, _, err = run(capsys, "report", str(answers), "--kind", "ratings", "--reference", str(reference))
    assert status == 2 and "does not take ratings answers yet" in err


def test_speed_corroborates_a_pasting_flag() -> None:
    """Answers timed around 30 s (log-normal, the crowd's own spread), the pasted ones in 2 s: every
    active paster is flagged ``fast`` as well as ``pasting``, and the reason says both."""
    from sandbox.kinds.classification.report import annotator_report

    dataset = load_dataset("snow_rte")
    assert dataset.answers is not None
    rng = make_rng(3)
    reference = reference_model(dataset.truth, rng)
    answers, pasters = plant_pasters(dataset.answers, reference, rng, 1.0)
    seconds = np.exp(rng.normal(np.log(30.0), 0.4, len(answers)))
    seconds[answers["worker"].isin(pasters).to_numpy()] = 2.0
    report = annotator_report(answers.assign(seconds=seconds), gold=dataset.truth, reference=reference)
    table = report.annotators
    active = [w for w in pasters if table.loc[w, "answers"] >= 60]
    assert active
    for worker in active:
        assert table.loc[worker, "pasting"] and table.loc[worker, "fast"]
        assert "and answers implausibly fast" in table.loc[worker, "reason"]
        assert {e["flag"] for e in report.evidence[worker]} == {"fast", "pasting"}
