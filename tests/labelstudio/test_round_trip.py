"""Round trip through a real Label Studio server: push a simulated crowd, pull every export format,
and check the consensus equals the local run's."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from crowdkit.aggregation import DawidSkene, MajorityVote

from annotators.population import Population
from foundation.errors import SandboxError
from sandbox.datasets import load_dataset
from sandbox.io.labelstudio.client import (
    TASK_FIELD,
    PushResult,
    connect,
    pull,
    push,
    push_predictions,
)
from sandbox.kinds.classification.consensus import consensus_table, labelstudio_predictions
from sandbox.kinds.classification.readers import load_answers
from sandbox.simulation.readable_answers import simulated_answers
from tests.labelstudio.conftest import LabelStudioServer
from tests.test_cli_exports import main as cli_main

# A small crowd (12 workers: honest, uniform and fixed-answer spammers) labels iris with the
# project's simulator; few workers keep the number of Label Studio users (one POST each) small.
POPULATION = {
    "pool_size": 12,
    "cost_per_label": 0.0,
    "archetypes": {
        "honest": {"share": 0.75, "skill": {"alpha": 6.0, "beta": 2.0}},
        "uniform_spammer": {"share": 0.125},
        "fixed_spammer": {"share": 0.125},
    },
}
DATASET = load_dataset("iris")
LABELS = [str(c) for c in DATASET.classes]


def simulated_crowd(seed: int) -> tuple[pd.DataFrame, pd.Series]:
    """150 iris tasks × 5 answers from the crowd above; returns (answers, truth)."""
    population = Population.from_dict(POPULATION, source="round-trip crowd")
    return simulated_answers(DATASET, population, redundancy=5, seed=seed)


def consensus(answers: pd.DataFrame) -> dict[str, pd.Series]:
    """MV and DS consensus, tasks as text (Label Studio data fields are text)."""
    frame = answers.assign(task=answers["task"].astype(str), label=answers["label"].astype(str))
    return {
        "mv": MajorityVote().fit_predict(frame).sort_index(),
        "ds": DawidSkene(n_iter=100).fit_predict(frame).sort_index(),
    }


@pytest.fixture(scope="module")
def pushed(label_studio: LabelStudioServer) -> tuple[PushResult, pd.DataFrame, pd.Series]:
    answers, truth = simulated_crowd(seed=2024)
    gold = truth.iloc[:10]
    result = push(
        label_studio.url,
        answers,
        title="crowd-sandbox round trip",
        labels=LABELS,
        gold=gold,
        api_key=label_studio.api_key,
    )
    return result, answers, gold


def test_push_creates_distinct_users(
    pushed: tuple[PushResult, pd.DataFrame, pd.Series],
) -> None:
    result, answers, _ = pushed
    assert result.n_tasks == 150
    assert result.n_annotations == len(answers) == 750
    assert len(set(result.users.values())) == answers["worker"].nunique() == 12


@pytest.mark.parametrize("export_type", ["JSON", "JSON_MIN", "CSV"])
def test_pulled_export_gives_the_local_consensus(
    label_studio: LabelStudioServer,
    pushed: tuple[PushResult, pd.DataFrame, pd.Series],
    export_type: str,
    tmp_path: Path,
) -> None:
    result, answers, gold = pushed
    path = pull(
        label_studio.url,
        result.project_id,
        tmp_path / f"export.{export_type.lower()}",
        export_type=export_type,
        api_key=label_studio.api_key,
    )
    imported = load_answers(path, task_field=TASK_FIELD)
    pulled = imported.answers
    if export_type != "JSON":
        # flat exports cannot mark ground truth: the gold annotations come back as answers of
        # the user who pushed them (documented in sandbox.kinds.classification.readers.labelstudio_flat)
        is_gold = pulled["worker"] == result.gold_user
        assert is_gold.sum() == len(gold)
        pulled = pulled[~is_gold]
    assert len(pulled) == len(answers)
    # workers come back as their Label Studio user ids
    user_of = {w: str(uid) for w, uid in result.users.items()}
    local = answers.assign(task=answers["task"].astype(str), worker=answers["worker"].map(user_of))
    key = ["task", "worker", "label"]
    assert sorted(map(tuple, pulled[key].astype(str).to_numpy())) == sorted(
        map(tuple, local[key].astype(str).to_numpy())
    )
    for name, expected in consensus(answers).items():
        got = consensus(pulled)[name]
        pd.testing.assert_series_equal(got, expected, check_names=False, obj=name)
    if export_type == "JSON":
        # ground truth rides along in the full export only
        assert imported.gold is not None
        assert imported.gold.sort_index().to_dict() == dict(gold.items())  # "0" is task 0 (the rule of ids)
        assert set(imported.labels) == set(LABELS)


def test_wrong_api_key_is_a_clear_error(label_studio: LabelStudioServer, tmp_path: Path) -> None:
    with pytest.raises(SandboxError, match=r"HTTP 401.*check LABEL_STUDIO_API_KEY") as info:
        pull(label_studio.url, 1, tmp_path / "x.json", api_key="not-the-key")
    assert "not-the-key" not in str(info.value)


def test_simulated_crowd_is_seeded() -> None:
    a, _ = simulated_crowd(seed=1)
    b, _ = simulated_crowd(seed=1)
    pd.testing.assert_frame_equal(a, b)
    assert np.isin(a["label"], LABELS).all()


def test_consensus_goes_back_as_predictions(
    label_studio: LabelStudioServer,
    pushed: tuple[PushResult, pd.DataFrame, pd.Series],
    tmp_path: Path,
) -> None:
    result, answers, _ = pushed
    export = pull(label_studio.url, result.project_id, tmp_path / "e.json", api_key=label_studio.api_key)
    imported = load_answers(export)  # Label Studio task ids, for predictions
    labels = DawidSkene(n_iter=100).fit(imported.answers)
    table = consensus_table(labels.labels_, labels.probas_)
    assert imported.control == "label" and imported.to_name == "text"
    predictions = labelstudio_predictions(
        table, from_name=imported.control, to_name=imported.to_name, model_version="crowd-ds"
    )
    sent = push_predictions(label_studio.url, result.project_id, predictions, api_key=label_studio.api_key)
    assert sent == 150
    # the JSON export lists prediction ids only: read the predictions through the SDK client
    client = connect(label_studio.url, label_studio.api_key)
    stored = client.predictions.list(project=result.project_id)
    got = {p.task: p.result[0]["value"]["choices"][0] for p in stored}
    assert {p.model_version for p in stored} == {"crowd-ds"}
    assert got == {int(t): str(v) for t, v in labels.labels_.items()}
    tasks = json.loads(export.read_text())
    expected = consensus(answers)["ds"]
    by_crowd_task = {task["data"][TASK_FIELD]: got[task["id"]] for task in tasks}
    assert by_crowd_task == expected.to_dict()


def test_cli_push_and_pull(
    label_studio: LabelStudioServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", label_studio.api_key)
    population = tmp_path / "crowd.toml"
    population.write_text("pool_size = 6\n[archetypes.honest]\nshare = 1.0\nskill = 0.8\n", encoding="utf-8")
    url = label_studio.url
    argv = ["labelstudio", "push", "--url", url, "--title", "cli push", "--dataset", "iris"]
    assert cli_main([*argv, "--population", str(population), "--redundancy", "2"]) == 0
    out = capsys.readouterr().out
    assert label_studio.api_key not in out
    project = int(out.split("created project ")[1].split(":")[0])
    export = tmp_path / "pulled.csv"
    argv = ["labelstudio", "pull", "--url", url, "--project", str(project)]
    assert cli_main([*argv, "--export-type", "CSV", "--out", str(export)]) == 0
    pulled = load_answers(export, task_field=TASK_FIELD)
    assert len(pulled.answers) == 300
    assert pulled.answers["worker"].nunique() == 6
