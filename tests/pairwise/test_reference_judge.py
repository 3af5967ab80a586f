"""``--reference`` on pairwise answers: a judge's preferences read like pairwise gold, the report's
reference columns, the judge scored by ``evaluate``, the judge as a rater, refusals; and on sigir2010
with planted pasters, false flags within what Benjamini–Hochberg promises."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binom

from sandbox.cli.main import main
from sandbox.datasets import load_dataset
from sandbox.fitting.evidence import FALSE_DISCOVERY_RATE
from sandbox.kinds.pairwise.dataset import PairwiseDataset
from sandbox.kinds.pairwise.planted_pasters import plant_pasters, planted_check, real_crowd, reference_judge
from sandbox.randomness import make_rng

SIGIR = Path(__file__).resolve().parents[2] / "datasets" / "pairwise" / "sigir2010"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def as_items(frame: pd.DataFrame, sides: np.ndarray) -> np.ndarray:
    """Sides written as the long format writes them: the preferred item's id, or tie."""
    return np.where(sides == "left", frame["left"], np.where(sides == "right", frame["right"], "tie"))


def planted_files(folder: Path, reliance: float = 1.0) -> tuple[Path, Path, pd.Index, pd.Series]:
    """sigir2010 with a tenth of its raters pasting a judge wrong on a fifth of the tasks: answers
    and the judge's preferences (``left, right, label``) as files, the pasters and the judge."""
    answers, gold = real_crowd()
    rng = make_rng(0)
    judge = reference_judge(gold, rng)
    planted, pasters = plant_pasters(answers, judge, rng, reliance)
    answers_path = folder / "answers.csv"
    planted.assign(label=as_items(planted, planted["label"].to_numpy())).to_csv(answers_path, index=False)
    pairs = answers.drop_duplicates("task").set_index("task").loc[judge.index, ["left", "right"]]
    reference = pairs.assign(label=as_items(pairs, judge.to_numpy()))
    reference_path = folder / "judge.csv"
    reference.to_csv(reference_path, index=False)
    return answers_path, reference_path, pasters, judge


def test_the_report_flags_the_raters_who_paste_the_judge(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers, reference, pasters, judge = planted_files(tmp_path)
    status, out, err = run(
        capsys, "report", str(answers), "--gold", str(SIGIR / "items.csv"), "--reference", str(reference),
        "--format", "json",
    )  # fmt: skip
    assert status == 0, err
    document = json.loads(out)
    annotators = pd.DataFrame(document["annotators"]).set_index("worker")
    for column in ("model_agreement", "model_agreement_expected", "p_model", "p_model_wrong", "pasting"):
        assert column in annotators.columns
    flagged = set(annotators.index[annotators["pasting"]])
    active = set(annotators.index[annotators["answers"] >= 50])
    assert set(pasters) & active <= flagged
    assert flagged <= set(pasters)
    assert all("pasting" in annotators.loc[w, "flags"] for w in flagged)
    _, gold = real_crowd()
    overall = document["overall"]
    assert overall["reference_tasks"] == len(judge)
    assert overall["reference_accuracy_on_gold"] == pytest.approx(
        float((judge == gold.reindex(judge.index)).mean())
    )


def test_evaluate_scores_the_judge_and_takes_it_as_a_rater(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers, reference, _, _ = planted_files(tmp_path)
    common = (
        "evaluate",
        "--answers",
        str(answers),
        "--gold",
        str(SIGIR / "items.csv"),
        "--reference",
        str(reference),
    )
    status, out, err = run(capsys, *common, "--aggregators", "bt", "--format", "json")
    assert status == 0, err
    rows = {row["aggregator"]: row for row in json.loads(out)["results"]}
    assert list(rows) == ["bt", "reference"]
    assert 0.5 < rows["reference"]["accuracy"] <= 1.0
    status, out, err = run(
        capsys, *common, "--reference-as-worker", "judge", "--aggregators", "bt", "--format", "json"
    )
    assert status == 0, err
    dataset = load_dataset("sigir2010")
    assert isinstance(dataset, PairwiseDataset) and dataset.answers is not None
    assert json.loads(out)["n_workers"] == dataset.answers["worker"].nunique() + 1


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (["left,right,label", "x,y,x", "y,z,y"], "no reference pair compares two items of the answers"),
        (["left,right,label", "{a},{b},{a}", "{b},{a},{b}"], "has more than one row"),
        (["left,right,label", "{a},{b},zebra"], "it must be the left or the right item"),
        (["left,right,label", "{a},{b},"], "the cell is empty"),
    ],
)
def test_pairwise_refusals_are_one_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], rows: list[str], message: str
) -> None:
    answers = pd.read_csv(SIGIR / "answers.csv")
    a, b = answers["left"].iloc[0], answers["right"].iloc[0]
    reference = tmp_path / "judge.csv"
    reference.write_text("\n".join(r.format(a=a, b=b) for r in rows) + "\n")
    status, out, err = run(capsys, "report", str(SIGIR / "answers.csv"), "--reference", str(reference))
    assert status == 2 and out == ""
    assert message in err and "Traceback" not in err


@pytest.mark.parametrize("with_gold", [True, False])
def test_without_pasters_a_crowd_is_flagged_no_more_often_than_the_false_discovery_rate(
    with_gold: bool,
) -> None:
    """All raters honest: BH at q keeps the chance of any flag in a crowd at most q; over 20 crowds
    the flagged ones are within Binomial(20, q)'s 99.9 % quantile."""
    flagged = sum(planted_check(seed, 0.0, with_gold)["flagged"] > 0 for seed in range(20))
    assert flagged <= binom.ppf(0.999, 20, FALSE_DISCOVERY_RATE)
