"""``report`` on real exports: the agreement statistics, the removal list with the export's own
identities and what removing the suspects changes, per labeling control, and the HTML report."""

from __future__ import annotations

import io
import json
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox.cli.main import main
from tests.ls_export_builder import write_labelstudio_export

DATASETS = Path(__file__).resolve().parents[1] / "datasets"
FIXTURES = Path(__file__).resolve().parent / "importers" / "fixtures"


@pytest.fixture(scope="module")
def rte_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """snow_rte's real MTurk answers and expert gold as a Label Studio JSON export; its workers
    (text ids) are objects with an email."""
    answers = pd.read_csv(DATASETS / "snow_rte" / "labels.csv")
    answers["worker"] = "w" + answers["worker"].astype(str)
    gold = pd.read_csv(DATASETS / "snow_rte" / "gold.csv").set_index("task")["label"]
    path = tmp_path_factory.mktemp("rte") / "rte.json"
    return write_labelstudio_export(path, answers, gold)


@pytest.fixture(scope="module")
def rte_json(rte_export: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str, str]:
    """The JSON report, the removal list CSV and the HTML report of ``rte_export``."""
    folder = tmp_path_factory.mktemp("out")
    removal, html = folder / "removal.csv", folder / "report.html"
    out = io.StringIO()
    import contextlib

    with contextlib.redirect_stdout(out):
        status = main(
            [
                "report",
                str(rte_export),
                "--format",
                "json",
                "--removal-out",
                str(removal),
                "--html",
                str(html),
            ]
        )
    assert status == 0
    return json.loads(out.getvalue()), removal.read_text(), html.read_text()


def test_the_overall_agreement_is_krippendorffs_with_an_interval_around_it(rte_json: tuple) -> None:
    document = rte_json[0]
    overall = document["overall"]
    answers = pd.read_csv(DATASETS / "snow_rte" / "labels.csv")
    counts = pd.crosstab(answers["task"], answers["label"]).to_numpy()
    expected = krippendorff.alpha(value_counts=counts, level_of_measurement="nominal")
    assert overall["krippendorff_alpha"] == pytest.approx(expected, abs=1e-12)
    assert overall["krippendorff_alpha_low"] < expected < overall["krippendorff_alpha_high"]
    assert overall["krippendorff_alpha_high"] - overall["krippendorff_alpha_low"] < 0.1
    assert {row["class"] for row in document["agreement"]["alpha"]} == {"(all classes)", 0, 1}
    assert overall["cohen_kappa_pairs"] > 0


def test_the_removal_list_names_the_suspects_by_email_with_their_evidence(rte_json: tuple) -> None:
    document, removal_csv, _ = rte_json
    removal = pd.read_csv(io.StringIO(removal_csv))
    suspects = [a for a in document["annotators"] if a["suspect"]]
    assert len(removal) == len(suspects) > 0
    assert list(removal.columns[:4]) == ["worker", "identity", "archetype", "reason"]
    assert (removal["identity"] == removal["worker"] + "@example.org").all()
    assert {"agreement", "gold_accuracy", "p_gold_above_chance", "ds_kappa"} <= set(removal.columns)
    assert removal["reason"].str.len().min() > 0


def test_removing_the_suspects_is_measured_against_gold(rte_json: tuple) -> None:
    """snow_rte's 16 suspects hold about 40 % of the answers; the honest rest reach the same or a
    better consensus (Snow et al. 2008 report 0.93 for 10 answers a task)."""
    removal = rte_json[0]["removal"]
    assert removal["removed_workers"] == len(removal["removed"]) > 0
    assert removal["tasks_compared"] == 800
    changed = removal["consensus_changed_share"]
    assert removal["consensus_changed_low"] <= changed <= removal["consensus_changed_high"]
    assert changed * 800 == pytest.approx(len(removal["changed_tasks"]))
    change = removal["gold_accuracy_change"]
    assert change == pytest.approx(removal["gold_accuracy_after"] - removal["gold_accuracy_before"])
    assert removal["gold_accuracy_change_low"] <= change <= removal["gold_accuracy_change_high"]


def test_the_html_report_is_self_contained_with_five_charts(rte_json: tuple) -> None:
    html = rte_json[2]
    assert html.count("<svg") == 4  # no times in this export: accuracy, kappa, per task, confusion
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html
    assert "<script src" not in html
    assert "data:text/csv;base64," in html
    assert "@example.org" in html


def test_every_control_is_reported_on_its_own(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = FIXTURES / "ls_several_controls.json"
    assert main(["report", str(export), "--from-name", "all", "--format", "json", "--aggregator", "mv"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert set(document["controls"]) == {"sentiment", "topic"}
    assert (
        main(
            ["report", str(export), "--from-name", "topic,sentiment", "--format", "csv", "--aggregator", "mv"]
        )
        == 0
    )
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert table.columns[0] == "control" and set(table["control"]) == {"sentiment", "topic"}
    html = tmp_path / "controls.html"
    assert main(["report", str(export), "--from-name", "all", "--aggregator", "mv", "--html", str(html)]) == 0
    assert "labeling control sentiment" in html.read_text() and "labeling control topic" in html.read_text()


@pytest.mark.parametrize(
    ("value", "message"),
    [("sentiment,", "an empty control name"), ("sentiment,nope", "no labeling control named 'nope'")],
)
def test_a_wrong_control_list_is_one_clear_error(
    value: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    export = FIXTURES / "ls_several_controls.json"
    assert main(["report", str(export), "--from-name", value]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_several_controls_of_a_table_without_controls_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(FIXTURES / "long.csv"), "--from-name", "all"]) == 2
    assert "Label Studio exports only" in capsys.readouterr().err


@settings(max_examples=25, deadline=None)
@given(text=st.text(min_size=1, max_size=40))
def test_any_from_name_is_a_report_or_one_clear_error(text: str) -> None:
    """Hostile ``--from-name`` values (commas, control characters, ``all`` in any spacing)."""
    export = FIXTURES / "ls_several_controls.json"
    err = io.StringIO()
    import contextlib

    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = main(["report", str(export), "--aggregator", "mv", "--from-name", text])
    assert status in (0, 2)
    assert "Traceback" not in err.getvalue()
    if status == 2:
        assert len([line for line in err.getvalue().splitlines() if "error:" in line]) == 1


def test_fit_workers_out_starts_with_the_worker_column(tmp_path: Path) -> None:
    workers = tmp_path / "workers.csv"
    argv = ["fit", str(DATASETS / "snow_rte" / "labels.csv"), "--out", str(tmp_path / "p.toml")]
    assert (
        main([*argv, "--gold", str(DATASETS / "snow_rte" / "gold.csv"), "--workers-out", str(workers)]) == 0
    )
    table = pd.read_csv(workers)
    assert table.columns[0] == "worker"
    assert sorted(table["worker"]) == sorted(
        pd.read_csv(DATASETS / "snow_rte" / "labels.csv")["worker"].unique()
    )
    assert np.isfinite(table["skill"]).all()
