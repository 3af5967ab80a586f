"""``verdict``: a real export's crowd fitted, compared with paid curation at a budget and at a target.

The export is snow_rte's real MTurk answers with the experts' gold, written as a Label Studio JSON
export. Figures checked come from formulas (what a side pays is its answers times its price; a budget
buys budget / price answers) and from running :func:`sandbox.experiment.compare.compare` itself on
the same dataset and populations: the verdict must be that path's answer, not a copy of it.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotators.population import Population, load_population
from sandbox.cli.main import main
from sandbox.experiment.compare import compare
from sandbox.kinds.base import task_kind
from tests.ls_export_builder import write_labelstudio_export

DATASETS = Path(__file__).resolve().parents[1] / "datasets"
N_TASKS = 800  # snow_rte: 800 tasks, all with expert gold
CURATION_PRICE = load_population("paid_curation").cost_per_label


@pytest.fixture(scope="module")
def rte_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    answers = pd.read_csv(DATASETS / "snow_rte" / "labels.csv")
    gold = pd.read_csv(DATASETS / "snow_rte" / "gold.csv").set_index("task")["label"]
    return write_labelstudio_export(tmp_path_factory.mktemp("rte") / "rte.json", answers, gold)


@pytest.fixture(scope="module")
def no_gold_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    answers = pd.read_csv(DATASETS / "snow_rte" / "labels.csv")
    return write_labelstudio_export(tmp_path_factory.mktemp("rte") / "rte_no_gold.json", answers)


def verdict(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict:
    capsys.readouterr()
    assert main(["verdict", *argv, "--format", "json"]) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def test_verdict_on_a_real_export(rte_export: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = verdict([str(rte_export), "--cost-per-label", "0.02"], capsys)
    assert document["tasks"] == N_TASKS
    # The default budget: what curation charges for one answer per task.
    assert document["budget"] == pytest.approx(N_TASKS * CURATION_PRICE)
    assert not document["budget_given"] and not document["target_given"]
    crowd, curation = document["at_budget"]["crowd"], document["at_budget"]["curation"]
    for side, price in ((crowd, 0.02), (curation, CURATION_PRICE)):
        assert side["cost"] == pytest.approx(side["n_labels"] * price)
        assert side["cost"] <= document["budget"] + 1e-9
    # The default target: the better side's accuracy at the budget.
    assert document["target_accuracy"] == pytest.approx(max(crowd["accuracy"], curation["accuracy"]))
    # Snow et al. (2008): ten MTurk answers per RTE item at 0.02 beat one expert answer at 0.50 per
    # item; the fitted crowd's simulation must say the same.
    assert crowd["accuracy"] > curation["accuracy"]
    assert document["winner"] == "crowd"
    assert document["verdict"].startswith("Your crowd wins")
    for word in ("Cost:", "Misleading items:", "Cheaters:", f"{crowd['accuracy']:.3f}"):
        assert word in document["verdict"]
    assert any("preset" in line for line in document["assumptions"])
    assert 0 < document["crowd"]["cheater_share"] < 1
    assert document["curation"]["cheater_share"] == 0


def test_verdict_is_the_compare_path(rte_export: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The same numbers as ``compare`` run on the export's gold tasks with the fitted crowd."""
    from sandbox.experiment.verdict import Prices, curation_population
    from sandbox.io.importers.base import ImportedAnswers  # noqa: F401 (the reader's type)
    from sandbox.kinds.classification.readers import load_answers

    document = verdict([str(rte_export), "--cost-per-label", "0.02", "--budget", "100"], capsys)
    imported = load_answers(rte_export)
    kind = task_kind("classification")
    dataset, fitted = kind.verdict_inputs(imported, imported.gold, rte_export.name, 0.02, "fast")
    crowd = Population.from_dict(fitted, "fitted")
    curation, _ = curation_population(kind, Prices(0.02), fitted["items"])
    direct = compare(dataset, crowd, curation, kind.default_aggregator, 0, budget=100.0)
    assert document["at_budget"]["crowd"]["accuracy"] == pytest.approx(direct.crowd.accuracy)
    assert document["at_budget"]["curation"]["accuracy"] == pytest.approx(direct.curation.accuracy)
    # 100 money units buy 200 curated answers: a quarter of the 800 tasks.
    assert document["at_budget"]["curation"]["coverage"] == pytest.approx(100 / CURATION_PRICE / N_TASKS)


def test_an_expensive_crowd_loses(rte_export: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """At 1.0 an answer (twice curation's price) the crowd's 400 units label half the tasks once."""
    document = verdict([str(rte_export), "--cost-per-label", "1.0"], capsys)
    crowd = document["at_budget"]["crowd"]
    assert crowd["coverage"] == pytest.approx(document["budget"] / 1.0 / N_TASKS)
    assert document["winner"] == "curation"
    assert document["verdict"].startswith("Paid curation wins")


def test_curation_inputs_are_assumptions(rte_export: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = [str(rte_export), "--cost-per-label", "0.02", "--curation-cost", "0.1"]
    document = verdict([*argv, "--curation-accuracy", "0.99", "--target-accuracy", "0.9"], capsys)
    assert document["budget"] == pytest.approx(N_TASKS * 0.1)
    assert document["target_accuracy"] == 0.9 and document["target_given"]
    assumed = "\n".join(document["assumptions"])
    assert "0.1 per answer (given)" in assumed
    assert "0.990 of the time on average (given)" in assumed
    side = document["at_target"]["curation"]
    assert side["cost"] == pytest.approx(side["n_labels"] * 0.1)


def test_the_table_says_what_is_assumed(rte_export: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verdict", str(rte_export), "--cost-per-label", "0.02"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("Your crowd wins")
    assert "Assumed, not measured on your data:" in out
    assert "Same budget (400.00)" in out and "What does each side pay to reach accuracy" in out


def test_no_gold_is_one_clear_error(no_gold_export: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["verdict", str(no_gold_export), "--cost-per-label", "0.02"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and "no gold" in captured.err and "--gold" in captured.err


def test_a_kind_that_cannot_be_judged_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    votes = DATASETS / "pairwise" / "sigir2010" / "answers.csv"
    if not votes.exists():
        pytest.skip("no bundled preference answers")
    assert main(["verdict", str(votes), "--kind", "pairwise", "--cost-per-label", "0.02"]) == 2
    assert "verdict does not judge pairwise crowds yet" in capsys.readouterr().err


BAD_NUMBERS = st.sampled_from(["nan", "inf", "-inf", "NaN", "x", "", "1e999"]) | st.floats(
    max_value=-1e-9, allow_nan=False, allow_infinity=False
).map(repr)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    option=st.sampled_from(
        ["--cost-per-label", "--curation-cost", "--budget", "--curation-accuracy", "--llm-accuracy"]
    ),
    value=BAD_NUMBERS,
)
def test_bad_numbers_are_one_clear_error(
    rte_export: Path, capsys: pytest.CaptureFixture[str], option: str, value: str
) -> None:
    """NaN, inf, negative, not a number: exit 2, one line naming the option, nothing printed."""
    argv = ["verdict", str(rte_export), "--cost-per-label", "0.02"]
    capsys.readouterr()
    assert main([*argv, f"{option}={value}"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert option in captured.err


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    target=st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: not 0 < x <= 1)
    | st.just(math.nan),
    accuracy=st.sampled_from([None, "0", "1", "1.5", "-0.2"]),
)
def test_impossible_targets_and_accuracies(
    rte_export: Path, capsys: pytest.CaptureFixture[str], target: float, accuracy: str | None
) -> None:
    argv = ["verdict", str(rte_export), "--cost-per-label", "0.02", f"--target-accuracy={target!r}"]
    if accuracy is not None:
        argv.append(f"--curation-accuracy={accuracy}")
    capsys.readouterr()
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert "--target-accuracy" in captured.err or "--curation-accuracy" in captured.err


@pytest.mark.parametrize("accuracy", [0.7, 0.95])
def test_a_language_model_as_a_third_side(
    rte_export: Path, capsys: pytest.CaptureFixture[str], accuracy: float
) -> None:
    """``--llm llm_annotator``: the model's side at the budget and at the target, at the preset's
    price (what it pays is its answers times that price), with its accuracy the stand-in's: one
    confusion profile right ``accuracy`` of the time, so majority vote over its variants lands near
    it (within 4 binomial standard errors on 800 tasks, widened by the profile's per-class spread)."""
    price = load_population("llm_annotator").cost_per_label
    argv = [str(rte_export), "--cost-per-label", "0.02", "--llm", "llm_annotator"]
    document = verdict([*argv, "--llm-accuracy", str(accuracy)], capsys)
    assert document["llm"]["population"] == "llm_annotator"
    assert document["llm"]["cost_per_label"] == pytest.approx(price)
    model = document["at_budget"]["llm"]
    assert model["cost"] == pytest.approx(model["n_labels"] * price)
    assert model["cost"] <= document["budget"] + 1e-9
    spread = 4 * math.sqrt(accuracy * (1 - accuracy) / N_TASKS) + 0.05
    assert abs(model["accuracy"] - accuracy) <= spread
    assert document["at_target"]["llm"] is not None
    assert "A language model (assumed" in document["verdict"]
    assert any("stand-in" in line and "(given)" in line for line in document["assumptions"])
    assert document["winner"] in ("crowd", "curation", "neither")  # the verdict stays crowd vs curation


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        (["--llm-accuracy", "0.9"], "--llm-accuracy goes with --llm"),
        (["--llm", "paid_crowd"], "no member answering from the reference model"),
        (["--llm", "llm_judge"], "answers pairwise tasks, not classification"),
        (["--llm", "no_such_model"], "no_such_model"),
    ],
)
def test_a_model_side_that_cannot_be_is_one_clear_error(
    rte_export: Path, capsys: pytest.CaptureFixture[str], extra: list[str], fragment: str
) -> None:
    capsys.readouterr()
    assert main(["verdict", str(rte_export), "--cost-per-label", "0.02", *extra]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert fragment in captured.err
