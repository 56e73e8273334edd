"""Each API endpoint answers what the matching command prints with --format json."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Cli


def cli_json(cli: Cli, *args: str) -> Any:
    result = cli(*args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def without_generated_at(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "generated_at"}


@pytest.mark.parametrize(
    ("query", "args"),
    [
        ("since=2021-12-01&until=2021-12-31", ["--since", "2021-12-01", "--until", "2021-12-31"]),
        (
            "list=us-csl&source=Entity+List&since=2021-11-01&until=2021-11-30&by=program",
            [
                "--list",
                "us-csl",
                "--source",
                "Entity List",
                "--since",
                "2021-11-01",
                "--until",
                "2021-11-30",
                "--by",
                "program",
            ],
        ),
        (
            "date=observed&kind=listed,delisted&list=us-ofac-sdn",
            ["--date", "observed", "--kind", "listed,delisted", "--list", "us-ofac-sdn"],
        ),
    ],
)
def test_report_equals_the_command(
    client: TestClient, demo: Cli, query: str, args: list[str]
) -> None:
    answer = client.get(f"/api/v1/report?{query}")
    assert answer.status_code == 200, answer.text
    expected = cli_json(demo, "report", "--format", "json", *args)
    assert without_generated_at(answer.json()) == without_generated_at(expected)
    assert answer.json()["events"]


def test_entity_equals_the_history_command(client: TestClient, demo: Cli) -> None:
    found = client.get("/api/v1/search?q=SenseTime").json()["results"]
    hit = next(r for r in found if r["list"] == "us-ofac-cons")
    answer = client.get(f"/api/v1/entities/{hit['list']}/{hit['key']}")
    assert answer.status_code == 200, answer.text
    history = cli_json(demo, "history", hit["key"], "--list", hit["list"], "--format", "json")
    assert answer.json() == [e for e in history["entries"] if e["key"] == hit["key"]]
    assert answer.json()[0]["name"] == hit["name"]


def test_lists_alerts_and_as_of_equal_the_commands(client: TestClient, demo: Cli) -> None:
    assert client.get("/api/v1/lists").json() == cli_json(demo, "lists", "--format", "json")
    assert client.get("/api/v1/alerts").json() == cli_json(demo, "alerts", "--format", "json")
    asked = client.get("/api/v1/as-of?date=2021-12-20&list=us-ofac-sdn&q=AL-NASER")
    assert asked.json() == cli_json(
        demo,
        "as-of",
        "2021-12-20",
        "--list",
        "us-ofac-sdn",
        "--query",
        "AL-NASER",
        "--format",
        "json",
    )
    assert asked.json()["answer"] == "yes"


def test_search_finds_dji_on_every_list_it_is_on(client: TestClient, demo: Cli) -> None:
    results = client.get("/api/v1/search?q=DJI").json()["results"]
    dji = [r for r in results if "DJI" in r["name"] and r["status"] == "listed"]
    history = cli_json(demo, "history", "SZ DJI", "--format", "json")
    on_lists = {e["list"] for e in history["entries"] if e["status"].startswith("on the list")}
    assert on_lists and {r["list"] for r in dji} >= on_lists
    assert set(results[0]) >= {"list", "key", "name", "type", "status"}


def test_snapshot_files_download_as_published(client: TestClient, demo: Cli) -> None:
    lists = cli_json(demo, "lists", "--format", "json")
    assert lists
    history = cli_json(demo, "history", "SENSETIME", "--list", "us-ofac-cons", "--format", "json")
    sha = history["entries"][0]["steps"][0]["snapshot"]["sha256"]
    snapshot = client.get(f"/api/v1/snapshots/{sha}").json()
    assert snapshot["sha256"] == sha and snapshot["files"]
    for item in snapshot["files"]:
        body = client.get(item["url"])
        assert body.status_code == 200
        assert hashlib.sha256(body.content).hexdigest() == item["sha256"]
        assert not body.content.startswith(b"\x1f\x8b")  # decompressed, as published


@pytest.mark.parametrize(
    "name",
    [
        "..%2F..%2Fmonitor.yml",
        "%2E%2E",
        "monitor.db",
        "..%2Fus-csl%2F2022-05-06T0000Z%2Fconsolidated.csv.gz",
    ],
)
def test_no_path_traversal_through_downloads(client: TestClient, demo: Cli, name: str) -> None:
    lists = cli_json(demo, "history", "SENSETIME", "--list", "us-ofac-cons", "--format", "json")
    sha = lists["entries"][0]["steps"][0]["snapshot"]["sha256"]
    answer = client.get(f"/api/v1/snapshots/{sha}/files/{name}")
    assert answer.status_code == 404
    assert answer.content.startswith(b"{")


def test_errors_are_4xx_with_the_cli_message(client: TestClient, demo: Cli) -> None:
    unknown = client.get("/api/v1/report?list=nope")
    assert unknown.status_code == 400
    result = demo("report", "--list", "nope")
    assert unknown.json()["error"] in result.output
    bad_day = client.get("/api/v1/report?since=2021-13-45")
    assert bad_day.status_code == 400 and "2021-13-45" in bad_day.json()["error"]
    assert client.get("/api/v1/as-of?date=yesterday-ish").status_code == 400
    assert client.get("/api/v1/entities/us-ofac-sdn/no-such-key").status_code == 404
    assert client.get("/api/v1/snapshots/zz").status_code == 400
    missing = client.get("/api/v1/as-of")
    assert missing.status_code == 400 and missing.json() == {"error": "date: Field required"}
    assert client.get("/api/v1/lists?limit=x").json()["error"].startswith("limit: ")


def test_pagination_and_etag(client: TestClient) -> None:
    whole = client.get("/api/v1/report?since=2021-12-01&until=2021-12-31").json()["events"]
    first = client.get("/api/v1/report?since=2021-12-01&until=2021-12-31&limit=5")
    assert first.json()["events"] == whole[:5]
    assert first.headers["X-Total-Count"] == str(len(whole))
    assert 'rel="next"' in first.headers["Link"]
    again = client.get(
        "/api/v1/lists", headers={"If-None-Match": client.get("/api/v1/lists").headers["ETag"]}
    )
    assert again.status_code == 304 and not again.content
    second = client.get("/api/v1/search?q=DJI&limit=1&offset=1").json()["results"]
    assert second == client.get("/api/v1/search?q=DJI").json()["results"][1:2]


def test_feed_has_the_commands_entry_ids(client: TestClient, demo: Cli) -> None:
    import re

    served = client.get("/feed.atom")
    assert served.headers["content-type"].startswith("application/atom+xml")
    ids = re.findall(r"<id>(urn:uuid:[^<]+)</id>", served.text)
    written = re.findall(r"<id>(urn:uuid:[^<]+)</id>", demo("feed").output)
    assert ids and ids == written


def test_health_readiness_metrics_and_docs(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}
    metrics = client.get("/metrics").text
    assert 'watchlist_monitor_entries{list="us-ofac-sdn"}' in metrics
    assert "watchlist_monitor_quarantined_versions" in metrics
    assert "watchlist_monitor_consecutive_failures" in metrics
    assert client.get("/docs").status_code == 200
    assert "/api/v1/report" in client.get("/openapi.json").json()["paths"]
