"""The HTML report in a real browser: headless Chromium, driven by Playwright.

The data is the replayed shipped archive plus a small list whose entries are
named like an attack (``<script>alert(1)</script>``, an ``<img onerror>``
remark, a spreadsheet formula): the page must show them as text, run no
script, make no request, and draw its chart and tables with a real size.
The screenshots are kept under test-artifacts/ (ignored by git).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Dialog, FloatRect, Page, sync_playwright

from tests.conftest import FIXTURES, ROOT, write_config
from tests.reports.conftest import LISTS, Replayed, frozen_cli

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = ROOT / "test-artifacts"
HOSTILE = "<script>alert(1)</script>"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="/usr/bin/chromium is absent: install Debian's chromium (apt-get install chromium)",
)


@pytest.fixture(scope="module")
def pages(replayed: Replayed, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The report and a history as HTML files, from a copy of the database plus hostile names."""
    folder = tmp_path_factory.mktemp("browser")
    database = folder / "monitor.db"
    with (
        closing(sqlite3.connect(replayed.database)) as source,
        closing(sqlite3.connect(database)) as target,
    ):
        source.backup(target)  # includes what is still in the write-ahead log
    run = frozen_cli(database, write_config(folder, folder / "archive", LISTS))
    hostile = FIXTURES / "reports" / "hostile"
    run("replay", str(hostile), "--list", "test-hostile", "--input-format", "ofac-csv")
    report, history = folder / "report.html", folder / "history.html"
    run("report", "--since", "2021-11-01", "--until", "2021-12-31", "--format", "html",
        "--output", str(report))  # fmt: skip
    run("history", HOSTILE, "--format", "html", "--output", str(history))
    return {"report": report, "history": history}


def _open(page: Page, path: Path) -> dict[str, list[Any]]:
    """Load a file, recording every request and any dialog a script would open."""
    seen: dict[str, list[Any]] = {"requests": [], "dialogs": []}

    def on_dialog(dialog: Dialog) -> None:
        seen["dialogs"].append(dialog.message)
        dialog.dismiss()

    page.on("request", lambda request: seen["requests"].append(request.url))
    page.on("dialog", on_dialog)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return seen


def _box(page: Page, selector: str, nth: int = 0) -> FloatRect:
    box = page.locator(selector).nth(nth).bounding_box()
    assert box is not None, f"{selector} is not rendered"
    return box


def test_report_renders_in_chromium(pages: dict[str, Path]) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 1400})
            seen = _open(page, pages["report"])
            chart = _box(page, "svg#chart")
            assert chart["width"] > 300 and chart["height"] > 100
            bars = page.locator("svg#chart rect")
            assert bars.count() > 10
            assert max(_box(page, "svg#chart rect", i)["height"] for i in range(bars.count())) > 50
            for table in ("table#summary", "table#chart-data", "table.events"):
                box = _box(page, table)
                assert box["width"] > 0 and box["height"] > 0, table
            assert HOSTILE in page.inner_text("body")
            assert page.locator("script").count() == 0
            assert page.locator("img").count() == 0
            assert seen["dialogs"] == []
            assert seen["requests"] == [pages["report"].as_uri()]
            page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=False)
        finally:
            browser.close()


def test_history_shows_hostile_values_as_text(pages: dict[str, Path]) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 900})
            seen = _open(page, pages["history"])
            text = page.inner_text("body")
            assert HOSTILE in text
            assert "<img src=x onerror=alert(2)>" in text
            assert page.locator("script, img").count() == 0
            assert seen["dialogs"] == []
            assert seen["requests"] == [pages["history"].as_uri()]
            page.screenshot(path=str(ARTIFACTS / "history.png"), full_page=True)
        finally:
            browser.close()
