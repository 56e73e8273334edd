"""The web app in a real browser: headless Chromium, driven by Playwright, against a real
uvicorn server on the shipped demo replayed.

One database for the module: the shipped archive replayed, the hostile list of the
report tests (names like ``<script>alert(1)</script>``, an ``<img onerror>`` remark),
and a truncated copy of the last SDN version, held for review. ``web.token`` is set,
so the browser logs in (HTTP Basic, the user name being who decides); a browser
without it is refused everything. The quarantine test approves, so it runs last.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Dialog, Page, sync_playwright

from monitor.config import load_config
from monitor.store import Store, open_engine
from monitor.web.app import create_app
from monitor.web.serving import WebServer
from tests.conftest import FIXTURES, Cli, copy_shipped, shipped_versions, write_config
from tests.reports.test_report_browser import ARGS, ARTIFACTS, CHROMIUM, HOSTILE
from tests.web.conftest import LISTS

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="/usr/bin/chromium is absent: install Debian's chromium (apt-get install chromium)",
)

TOKEN = "browser-test-token-0123456789"
WHO = "Ana Analyst"
SDN = "us-ofac-sdn"


class Site:
    """The server's address, and the CLI on its database and configuration."""

    def __init__(self, base: str, cli: Cli, config: Path, held: int) -> None:
        self.base = base
        self.cli = cli
        self.config = config
        self.held = held

    def json(self, *args: str) -> Any:
        result = self.cli(*args, "--format", "json")
        assert result.exit_code == 0, result.output
        return json.loads(result.output)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("web-browser")
    archive = copy_shipped(folder / "archive")
    lists = LISTS + "  - {id: test-hostile, format: ofac-csv}\n"
    config = write_config(folder, archive, lists)
    config.write_text(config.read_text() + f"web: {{token: {TOKEN}}}\n", encoding="utf-8")
    cli = Cli(f"sqlite:///{folder / 'monitor.db'}", config)
    for args in (
        ("replay",),
        ("replay", str(FIXTURES / "reports" / "hostile"), "--list", "test-hostile"),
    ):
        result = cli(*args)
        assert result.exit_code == 0, result.output
    last = gzip.decompress((shipped_versions(SDN)[-1] / "sdn.csv.gz").read_bytes())
    truncated = folder / "incoming" / "sdn.csv"
    truncated.parent.mkdir()
    truncated.write_bytes(b"\r\n".join(last.split(b"\r\n")[:5000]) + b"\r\n\x1a")
    cli("ingest", str(truncated), "--list", SDN, "--observed-at", "2022-01-04T18:00:00Z")
    held = json.loads(cli("quarantine", "list", "--format", "json").output)
    assert [h["list"] for h in held] == [SDN], held
    settings = load_config(config, database=cli.db)
    app = create_app(Store(open_engine(settings.database)), settings)
    server = WebServer.bind(app, "127.0.0.1", 0, log_level="warning")
    failed: list[str] = []
    server.start(on_exit=lambda: failed.append("the server stopped"))
    try:
        yield Site(server.address, cli, config, int(held[0]["snapshot"]))
    finally:
        server.stop()
    assert not failed


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield launched
        finally:
            launched.close()


class Watched:
    """A logged-in page that records every dialog a script would open."""

    def __init__(self, context: BrowserContext) -> None:
        self.context = context
        self.page: Page = context.new_page()
        self.dialogs: list[str] = []

        def on_dialog(dialog: Dialog) -> None:
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        self.page.on("dialog", on_dialog)


@pytest.fixture
def logged_in(browser: Browser, site: Site) -> Iterator[Watched]:
    context = browser.new_context(
        base_url=site.base,
        http_credentials={"username": WHO, "password": TOKEN, "send": "always"},
        viewport={"width": 1100, "height": 1000},
        accept_downloads=True,
    )
    try:
        yield Watched(context)
    finally:
        context.close()


def test_dashboard_to_december_to_sensetime_to_its_evidence_file(
    logged_in: Watched, site: Site
) -> None:
    page = logged_in.page
    page.goto("/")
    chart = page.locator("svg#chart").bounding_box()
    assert chart is not None and chart["width"] > 300 and chart["height"] > 100
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-dashboard.png"), full_page=True)
    page.get_by_role("link", name="Dec 2021", exact=True).click()
    page.wait_for_url(re.compile(r"/changes\?since=2021-12-01&until=2021-12-31$"))
    assert "December 2021" in page.locator("h1").inner_text()
    page.get_by_role("link", name="SENSETIME GROUP LIMITED", exact=True).first.click()
    page.wait_for_url(re.compile(r"/entities/"))
    assert "SENSETIME GROUP LIMITED" in page.locator("h1").first.inner_text()
    evidence = page.locator("a.evidence").first
    shown = evidence.locator("xpath=following-sibling::code[1]").inner_text()
    with page.expect_download() as started:
        evidence.click()
    download = started.value
    body = Path(download.path()).read_bytes()
    assert shown == f"sha256 {hashlib.sha256(body).hexdigest()}"
    assert download.suggested_filename == evidence.inner_text()
    assert logged_in.dialogs == []
    page.screenshot(path=str(ARTIFACTS / "web-entity.png"), full_page=False)


def test_search_finds_dji_on_every_list_it_is_on(logged_in: Watched, site: Site) -> None:
    on_lists = {
        (entry["list"], entry["key"])
        for entry in site.json("history", "DJI")["entries"]
        if re.search(r"\bDJI\b", entry["name"]) and entry["status"].startswith("on the list")
    }
    assert {list_id for list_id, _ in on_lists} == {"us-csl", "us-ofac-cons"}
    page = logged_in.page
    page.goto("/search")
    page.locator("input[name=q]").fill("DJI")
    page.locator("input[name=q]").press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=DJI$"))
    found = set()
    for row in page.locator("table#results tr").all()[1:]:
        cells = row.locator("td")
        key = cells.nth(0).locator("code").inner_text()
        list_id = cells.nth(1).inner_text().splitlines()[0]
        if (list_id, key) in on_lists:
            assert cells.nth(2).inner_text() == "listed", (list_id, key)
            found.add((list_id, key))
    assert found == on_lists


def test_a_hostile_name_is_shown_as_text_and_runs_nothing(logged_in: Watched, site: Site) -> None:
    page = logged_in.page
    page.goto("/search?q=script")
    assert HOSTILE in page.locator("table#results").inner_text()
    page.get_by_role("link", name=HOSTILE, exact=True).click()
    page.wait_for_url(re.compile(r"/entities/test-hostile/900002$"))
    text = page.inner_text("body")
    assert HOSTILE in text and "<img src=x onerror=alert(2)>" in text
    assert page.locator("script, img").count() == 0
    page.goto("/changes?list=test-hostile&since=2021-12-15&until=2021-12-15&date=observed")
    assert HOSTILE in page.locator("table#events").inner_text()
    for path in ("/changes/export/html?list=test-hostile&since=2021-12-15&date=observed", "/"):
        page.goto(path)
        assert page.locator("script, img").count() == 0, path
    assert logged_in.dialogs == []


def test_approving_needs_the_token_and_the_form_and_is_recorded(
    browser: Browser, logged_in: Watched, site: Site
) -> None:
    approve = f"/quarantine/{site.held}/approve"
    stranger = browser.new_context(base_url=site.base)
    try:
        assert stranger.request.get("/quarantine").status == 401
        refused = stranger.request.post(approve, form={"who": "mallory", "csrf": "x"})
        assert refused.status == 401
    finally:
        stranger.close()
    assert [h["snapshot"] for h in site.json("quarantine", "list")] == [site.held]

    page = logged_in.page
    page.goto("/quarantine")
    preview = page.locator(f"#preview-{site.held}").inner_text()
    assert "delisted" in preview
    page.screenshot(path=str(ARTIFACTS / "web-held.png"), full_page=False)
    form = page.locator(f'form[action="{approve}"]')
    form.locator("input[name=csrf]").evaluate("input => { input.value = 'forged' }")
    form.locator("input[name=who]").fill(WHO)
    with page.expect_response(lambda r: r.url.endswith(approve)) as answer:
        form.get_by_role("button", name="Approve").click()
    assert answer.value.status == 403
    assert [h["snapshot"] for h in site.json("quarantine", "list")] == [site.held]

    page.goto("/quarantine")
    form = page.locator(f'form[action="{approve}"]')
    form.locator("input[name=who]").fill(WHO)
    form.get_by_role("button", name="Approve").click()
    page.wait_for_url(re.compile(r"/quarantine\?message="))
    assert f"approved by {WHO}" in page.locator("#message").inner_text()
    page.screenshot(path=str(ARTIFACTS / "web-quarantine.png"), full_page=False)
    assert site.json("quarantine", "list") == []
    decisions = list((site.config.parent / "archive" / SDN).rglob("_decision.json"))
    recorded = [json.loads(path.read_text()) for path in decisions]
    mine = [d for d in recorded if d.get("by") == WHO]
    assert len(mine) == 1 and mine[0]["verdict"] == "approved" and mine[0]["at"]
    assert logged_in.dialogs == []
