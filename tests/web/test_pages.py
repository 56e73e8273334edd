"""The pages: dashboard to a month to an entity to its evidence; escaping; quarantine decisions."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import ROOT, Cli, shipped_versions, write_config
from tests.safety.test_escaping import ALIAS, NAME
from tests.web.conftest import client_for

TOKEN = "s3cret-token-for-the-web-tests"
EVIL_ROW = (
    f'99999,"{NAME}",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"a.k.a. \'{ALIAS}\'."\r\n'
).encode()


def links(html: str) -> list[str]:
    return [a.replace("&amp;", "&") for a in re.findall(r'href="([^"]+)"', html)]


def test_dashboard_to_december_to_sensetime_to_its_evidence(client: TestClient) -> None:
    home = client.get("/")
    assert home.status_code == 200
    assert "us-ofac-sdn" in home.text and "Latest headlines" in home.text
    december = client.get("/changes?since=2021-12-01&until=2021-12-31")
    assert december.status_code == 200
    entity = re.search(r'<a href="(/entities/[^"]+)">SENSETIME GROUP LIMITED</a>', december.text)
    assert entity is not None
    page = client.get(entity.group(1))
    assert page.status_code == 200 and "SENSETIME" in page.text
    evidence = [h for h in links(page.text) if "/files/" in h]
    assert evidence
    body = client.get(evidence[0]).content
    assert hashlib.sha256(body).hexdigest() in page.text
    for fmt in ("csv", "markdown", "atom", "html"):
        assert any(f"/changes/export/{fmt}?" in h for h in links(december.text))
    csv = client.get("/changes/export/csv?since=2021-12-01&until=2021-12-31")
    assert csv.status_code == 200 and "SENSETIME GROUP LIMITED" in csv.text


def test_each_bar_of_the_dashboard_chart_leads_to_the_changes_it_counts(
    client: TestClient,
) -> None:
    home = client.get("/").text
    bars = re.findall(r'<a href="([^"]+)"><rect [^>]*><title>([^<]+)</title>', home)
    titles = [title for _, title in bars]
    assert "Dec 2021, us-ofac-sdn: 165 listed" in titles  # the README's December headline
    assert "Dec 2021, us-ofac-sdn: 264 delisted" in titles
    assert "Dec 2021, us-ofac-cons: 9 listed" in titles  # the NS-CMIC additions (effective)
    for href, title in bars:
        count, kind = title.rsplit(": ", 1)[1].split(" ")
        kinds = ("listed", "relisted") if kind == "listed" else ("delisted",)
        query = href.replace("&amp;", "&").removeprefix("/changes?")
        events = client.get(f"/api/v1/report?{query}").json()["events"]
        assert sum(1 for e in events if e["kind"] in kinds) == int(count), title


def test_search_and_other_pages(client: TestClient) -> None:
    found = client.get("/search?q=DJI")
    assert found.status_code == 200 and "SZ DJI TECHNOLOGY" in found.text
    asked = client.get("/as-of?date=2021-12-20&list=us-ofac-sdn&q=AL-NASER")
    assert asked.status_code == 200 and "yes" in asked.text
    assert client.get("/as-of?date=2021-12-20").status_code == 200
    assert client.get("/alerts").status_code == 200
    assert client.get("/quarantine").status_code == 200
    assert "Content-Security-Policy" in client.get("/").headers


@pytest.fixture(scope="module")
def held(tmp_path_factory: pytest.TempPathFactory) -> tuple[Cli, Path, int]:
    """A real SDN baseline, a version adding a hostile entry, and a held mass delisting."""
    folder = tmp_path_factory.mktemp("web-held")
    archive = folder / "archive"
    archive.mkdir()
    lists = "  - {id: us-ofac-sdn, format: ofac-csv, expect: {min_records: 5000}}\n"
    config = write_config(folder, archive, lists)
    config.write_text(config.read_text() + f"web: {{token: {TOKEN}}}\n")
    cli = Cli(f"sqlite:///{folder / 'monitor.db'}", config)
    first = gzip.decompress((shipped_versions("us-ofac-sdn")[0] / "sdn.csv.gz").read_bytes())
    body = first.rstrip(b"\x1a")
    steps = [
        ("2021-11-23T18:48:00Z", first),
        ("2021-11-24T18:00:00Z", body + EVIL_ROW + b"\x1a"),
        ("2021-11-25T18:00:00Z", b"\r\n".join(body.split(b"\r\n")[:5000]) + b"\r\n\x1a"),
    ]
    for number, (stamp, data) in enumerate(steps):
        path = folder / f"in{number}" / "sdn.csv"
        path.parent.mkdir()
        path.write_bytes(data)
        cli("ingest", str(path), "--list", "us-ofac-sdn", "--observed-at", stamp)
    listed = json.loads(cli("quarantine", "list", "--format", "json").output)
    assert len(listed) == 1, listed
    return cli, config, int(listed[0]["snapshot"])


def auth(who: str = "ana") -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{who}:{TOKEN}".encode()).decode()}


def test_a_hostile_name_is_shown_as_text(held: tuple[Cli, Path, int]) -> None:
    cli, config, _ = held
    with client_for(cli, config) as client:
        pages = [
            client.get("/search?q=ACME", headers=auth()),
            client.get("/entities/us-ofac-sdn/99999", headers=auth()),
            client.get("/changes?since=2021-11-24&until=2021-11-24&date=observed", headers=auth()),
            client.get("/changes/export/html?since=2021-11-24&date=observed", headers=auth()),
            client.get("/", headers=auth()),
        ]
        for page in pages:
            assert page.status_code == 200, page.text
            assert "<script>alert" not in page.text and "<img src=x" not in page.text
        assert "&lt;script&gt;alert(" in pages[0].text
        assert "&lt;script&gt;alert(" in pages[1].text
        assert (
            client.get("/api/v1/search?q=ACME", headers=auth()).json()["results"][0]["name"] == NAME
        )


def test_the_quarantine_page_shows_what_a_held_version_would_change_and_writes_nothing(
    held: tuple[Cli, Path, int],
) -> None:
    cli, config, snapshot = held
    current = json.loads(cli("lists", "--format", "json").output)[0]["entries"]
    waiting = json.loads(cli("quarantine", "list", "--format", "json").output)[0]["entries"]
    before = database_state(cli.db)
    with client_for(cli, config) as client:
        page = client.get("/quarantine", headers=auth())
        again = client.get("/quarantine", headers=auth())  # from the cache: the same answer
    assert page.status_code == 200 and again.text == page.text
    preview = re.search(rf'id="preview-{snapshot}">(.*?)</tr>', page.text, re.S)
    assert preview is not None
    counts = re.search(r'<span class="counts">([^<]*)</span>', preview.group(1))
    assert counts is not None
    assert counts.group(1).strip() == f"{current - waiting} delisted"
    shown = re.findall(r'<a href="/entities/us-ofac-sdn/([^"]+)">', preview.group(1))
    assert len(shown) == 5
    for key in shown:
        assert json.loads(cli("history", key, "--list", "us-ofac-sdn", "--format", "json").output)
    assert database_state(cli.db) == before


def database_state(url: str) -> dict[str, object]:
    from tests.service.helpers import snapshot

    return snapshot(url)


def test_approving_needs_the_token_and_the_form_and_is_recorded(
    held: tuple[Cli, Path, int],
) -> None:
    cli, config, snapshot = held
    with client_for(cli, config) as client:
        assert client.get("/quarantine").status_code == 401
        assert client.get("/api/v1/lists").status_code == 401
        assert client.get("/healthz").status_code == 200
        wrong = {"Authorization": "Bearer not-the-token"}
        assert client.post(f"/quarantine/{snapshot}/approve", headers=wrong).status_code == 401
        page = client.get("/quarantine", headers=auth())
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
        assert csrf is not None
        no_csrf = client.post(
            f"/quarantine/{snapshot}/approve", data={"who": "ana"}, headers=auth()
        )
        assert no_csrf.status_code == 403
        forged = client.post(
            f"/quarantine/{snapshot}/approve",
            data={"who": "ana", "csrf": "0" * 64},
            headers=auth(),
        )
        assert forged.status_code == 403
        assert json.loads(cli("quarantine", "list", "--format", "json").output)
        done = client.post(
            f"/quarantine/{snapshot}/approve",
            data={"who": "Ana Analyst", "csrf": csrf.group(1)},
            headers=auth(),
            follow_redirects=False,
        )
        assert done.status_code == 303, done.text
    assert json.loads(cli("quarantine", "list", "--format", "json").output) == []
    decision = next(Path(config.parent / "archive").rglob("_decision.json"))
    recorded = json.loads(decision.read_text())
    assert recorded["verdict"] == "approved" and recorded["by"] == "Ana Analyst"
    assert recorded["at"]


def test_without_a_token_the_web_cannot_decide(demo: Cli, tmp_path: Path) -> None:
    with client_for(demo) as client:
        refused = client.post("/quarantine/1/approve", data={"who": "x", "csrf": "y"})
        assert refused.status_code == 403
        assert "web.token" in refused.json()["error"]


def test_the_web_stack_is_not_imported_by_the_cli() -> None:
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "monitor", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT)},
        check=True,
    )
    imported = out.stderr
    for module in ("fastapi", "uvicorn", "starlette", "prometheus_client"):
        assert f" {module}" not in imported, module


def test_a_short_token_is_refused_at_start_up_without_showing_it(tmp_path: Path) -> None:
    config = write_config(tmp_path, tmp_path / "archive")
    config.write_text(config.read_text() + "web: {token: ShortSecret1}\n")
    result = Cli(f"sqlite:///{tmp_path / 'monitor.db'}", config)("lists")
    assert result.exit_code == 1
    assert "web.token must be text of 16 characters or more" in result.output
    assert "ShortSecret1" not in result.output
