"""Every dashboard page in a real browser: ``crowd-sandbox dashboard`` serves the app, headless
Chromium (Playwright's Python client) opens each page, drives a widget, and no error may appear.

Screenshots (1366×768 window, full page) go to ``test-artifacts/screenshots/<page>.png``.
Skips when no Chromium is installed, except under ``CI=true`` where that is a failure
(``.ci/install-browser.sh`` installs it).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
#: The screenshots the documentation shows (issue 24: the "Your export" page on a real export).
DOCS = REPO / "docs" / "screenshots"
BROWSER_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ERRORS = '[data-testid="stException"], [data-testid="stAlertContentError"]'
TIMEOUT_MS = 180_000


def find_browser() -> str | None:
    """Path of a Chromium executable, or None."""
    for candidate in (*BROWSER_CANDIDATES, shutil.which("chromium") or ""):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def browser_path() -> str:
    path = find_browser()
    if path is None:
        reason = f"no Chromium found (looked for {', '.join(BROWSER_CANDIDATES)}); run .ci/install-browser.sh"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    return path


@pytest.fixture(scope="module")
def server(browser_path: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``crowd-sandbox dashboard --port P`` as a real process; yields its base URL."""
    port = free_port()
    log = (tmp_path_factory.mktemp("dashboard") / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox.cli", "dashboard", "--port", str(port)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.read() == b"ok":
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail(f"the dashboard did not start: {Path(log.name).read_text()[-2000:]}")
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="module")
def page(server: str, browser_path: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=browser_path, args=LAUNCH_ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1366, "height": 768})
        tab = context.new_page()
        tab.set_default_timeout(TIMEOUT_MS)
        yield tab
        context.close()
        browser.close()


def settle(page: Any) -> None:
    """Wait until the script has run to the end (and give a rerun the chance to start first)."""
    page.wait_for_timeout(500)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=TIMEOUT_MS)
    page.wait_for_timeout(500)


def check_page(page: Any, name: str) -> None:
    """No exception box and no error alert; then the screenshot."""
    errors = page.locator(ERRORS)
    assert errors.count() == 0, f"{name}: {errors.first.inner_text()}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def drag_slider(page: Any, label: str, key: str) -> None:
    """Move a slider one step with the keyboard (as a user would)."""
    page.get_by_role("slider", name=label).first.focus()
    page.keyboard.press(key)
    settle(page)


def test_a_deep_link_as_first_visit_gets_the_router(page: Any, server: str) -> None:
    # Runs first, on a fresh server: the page must come with the router's navigation and titles.
    page.goto(f"{server}/sweeps")
    settle(page)
    navigation = page.locator('[data-testid="stSidebarNav"]')
    assert "Your export" in navigation.inner_text()
    assert "app" not in navigation.inner_text().split()


def test_overview(page: Any, server: str) -> None:
    page.goto(server)
    page.get_by_text("Can a crowd replace paid curation?").wait_for()
    settle(page)
    assert page.locator('[data-testid="stVegaLiteChart"]').count() >= 2
    drag_slider(page, "target accuracy", "ArrowLeft")
    page.get_by_text("Cost to reach 79% accuracy").wait_for()
    check_page(page, "overview")


def test_playground(page: Any, server: str) -> None:
    page.goto(f"{server}/playground")
    page.get_by_text("paid curation accuracy").wait_for()
    settle(page)
    drag_slider(page, "answers per item", "ArrowLeft")
    page.get_by_text("800 items × 4 answers").wait_for()
    assert page.locator('[data-testid="stVegaLiteChart"]').count() >= 4
    check_page(page, "playground")


def test_sweeps(page: Any, server: str) -> None:
    page.goto(f"{server}/sweeps")
    page.get_by_text("Cost–quality frontier").wait_for()
    settle(page)
    check_page(page, "sweeps")
    field = page.get_by_label("results directory")
    field.fill(str(REPO / "no-such-results"))
    field.press("Enter")
    settle(page)
    alert = page.locator('[data-testid="stAlertContentError"]')
    assert "not a sweep results directory" in alert.inner_text()
    assert page.locator('[data-testid="stException"]').count() == 0


def test_your_export(page: Any, server: str) -> None:
    page.goto(f"{server}/your_export")
    page.get_by_text("Upload an export to start").wait_for()
    uploads = page.locator('input[type="file"]')
    uploads.nth(0).set_input_files(str(REPO / "datasets" / "snow_rte" / "labels.csv"))
    page.get_by_text("suspected spammers").wait_for()
    uploads.nth(1).set_input_files(str(REPO / "datasets" / "snow_rte" / "gold.csv"))
    page.get_by_text("consensus accuracy on 800 gold tasks").wait_for()
    settle(page)
    check_page(page, "your_export")
    # A bad upload: a clear message, never a traceback.
    uploads.nth(0).set_input_files(
        files=[{"name": "broken.csv", "mimeType": "text/csv", "buffer": b"task,worker\n1,2\n"}]
    )
    settle(page)
    alert = page.locator('[data-testid="stAlertContentError"]')
    alert.wait_for()
    assert "missing column 'label'" in alert.inner_text()
    assert page.locator('[data-testid="stException"]').count() == 0


def test_your_export_verdict_on_a_label_studio_export(
    page: Any, server: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """snow_rte's real answers and expert gold as a Label Studio JSON export: the verdict renders,
    with its price inputs, the assumptions and both questions' lines (screenshot in docs/)."""
    import pandas as pd

    from tests.ls_export_builder import write_labelstudio_export

    answers = pd.read_csv(REPO / "datasets" / "snow_rte" / "labels.csv")
    gold = pd.read_csv(REPO / "datasets" / "snow_rte" / "gold.csv").set_index("task")["label"]
    export = write_labelstudio_export(tmp_path_factory.mktemp("ls") / "project-1-export.json", answers, gold)
    page.goto(f"{server}/your_export")
    page.get_by_text("Upload an export to start").wait_for()
    page.locator('input[type="file"]').nth(0).set_input_files(str(export))
    page.get_by_text("Your crowd or paid curation?").wait_for()
    page.get_by_text("Your crowd wins on these 800 tasks.").wait_for()
    settle(page)
    for text in ("price per answer (assumption)", "Assumed, not measured on your data", "Cheaters:"):
        assert page.get_by_text(text).count() >= 1, text
    assert page.get_by_text("Same budget (400 money units): which side labels better?").count() == 1
    check_page(page, "your_export_verdict")
    DOCS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1366, "height": 2000})
    settle(page)
    page.locator(".st-key-verdict").screenshot(path=str(DOCS / "your_export_verdict.png"))
    page.set_viewport_size({"width": 1366, "height": 768})


def test_your_export_of_a_label_studio_project(page: Any, server: str, tmp_path: Path) -> None:
    """snow_rte's real answers and expert gold as a Label Studio JSON export (workers named by
    email): the charts, the removal list and the agreement tables render; the screenshot goes to
    docs/screenshots/ as well."""
    import pandas as pd

    from tests.ls_export_builder import write_labelstudio_export

    answers = pd.read_csv(REPO / "datasets" / "snow_rte" / "labels.csv")
    answers["worker"] = "annotator" + answers["worker"].astype(str)
    gold = pd.read_csv(REPO / "datasets" / "snow_rte" / "gold.csv").set_index("task")["label"]
    export = write_labelstudio_export(tmp_path / "project-snow-rte.json", answers, gold)
    page.goto(f"{server}/your_export")
    page.get_by_text("Upload an export to start").wait_for()
    page.locator('input[type="file"]').nth(0).set_input_files(str(export))
    page.get_by_text("Who to remove").wait_for()
    page.get_by_text("consensus accuracy on 800 gold tasks").wait_for()
    settle(page)
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    assert charts.count() == 4  # accuracy × volume, per-task agreement, kappa heatmap, consensus × gold
    for index in range(charts.count()):
        charts.nth(index).scroll_into_view_if_needed()
        charts.nth(index).locator("canvas, svg").first.wait_for()
    page.get_by_text("suspected annotators, with the evidence").wait_for()
    assert page.get_by_text("Download the removal list (CSV)").count() == 1
    assert page.locator('[data-testid="stDataFrame"]').count() >= 6
    check_page(page, "your_export_labelstudio")
    DOCS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1366, "height": 3400})  # the app scrolls inside: show it all
    page.mouse.wheel(0, -100_000)
    settle(page)
    page.screenshot(path=str(DOCS / "your_export_labelstudio.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 768})


def test_preferences(page: Any, server: str) -> None:
    page.goto(f"{server}/preferences")
    page.get_by_text("Ranking quality as cheaters join").wait_for()
    page.get_by_text("A real crowd: ties and speed").wait_for()
    settle(page)
    assert page.locator('[data-testid="stVegaLiteChart"]').count() >= 4
    check_page(page, "preferences")


def test_your_export_preferences(page: Any, server: str) -> None:
    folder = REPO / "datasets" / "pairwise" / "sigir2010"
    page.goto(f"{server}/your_export")
    page.get_by_text("Upload an export to start").wait_for()
    page.get_by_text("preferences (pairs compared)").click()
    page.get_by_text("Upload a preference export to start").wait_for()
    uploads = page.locator('input[type="file"]')
    uploads.nth(1).set_input_files(str(folder / "items.csv"))
    settle(page)
    uploads.nth(0).set_input_files(str(folder / "answers.csv"))
    page.get_by_text("flagged raters").wait_for()
    page.get_by_text("The fitted crowd's replica").wait_for()
    settle(page)
    check_page(page, "your_export_preferences")
