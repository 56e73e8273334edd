"""A flaky publisher never changes the stored state, and every failure shows in `status`."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.fetch.download import retry_after
from tests.conftest import Cli
from tests.service.conftest import ADDED_IN_V2, V1, V2, Publisher, service_config
from tests.service.helpers import listed_names, snapshot

FAULTS = {
    "timeout": (["timeout", "timeout"], "no answer within 0.5s (2 attempts)"),
    "reset": (["reset", "reset"], "connection failed"),
    "truncated": (["truncated", "truncated"], "connection failed"),
    "empty": (["empty", "empty"], "empty body (0 bytes)"),
    "html": (["html"], "the server sent an HTML page (text/html, HTTP 200)"),
    "server error": (["status:503", "status:503"], "HTTP 503"),
    "not found": (["status:404"], "HTTP 404"),
}


def _status(cli: Cli) -> dict[str, object]:
    result = cli("status", "--format", "json")
    assert result.exit_code == 0, result.output
    lists = json.loads(result.output)["lists"]
    assert lists[0]["list"] == "us-ofac-sdn"
    return dict(lists[0])


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_failed_download_keeps_the_last_good_state(
    fault: str,
    tmp_path: Path,
    seeded_sqlite: str,
    publisher: Publisher,
    versions: dict[str, Path],
) -> None:
    faults, expected = FAULTS[fault]
    publisher.serve(versions[V2])
    publisher.faults = list(faults)
    cli = Cli(seeded_sqlite, service_config(tmp_path, publisher.url, notify=("files",)))
    before = snapshot(seeded_sqlite)

    result = cli("check")

    assert result.exit_code == 1
    assert expected in result.output
    assert snapshot(seeded_sqlite) == before
    status = _status(cli)
    assert expected in str(status["last_error"])
    assert status["last_outcome"] == "failed"
    assert status["entries"] == 9154
    assert not (tmp_path / "reports").exists()


def test_a_failure_is_reported_once_and_the_next_good_download_is_applied(
    tmp_path: Path,
    seeded_sqlite: str,
    publisher: Publisher,
    versions: dict[str, Path],
    caplog: pytest.LogCaptureFixture,
) -> None:
    publisher.serve(versions[V2])
    publisher.faults = ["html", "html", "html"]
    cli = Cli(seeded_sqlite, service_config(tmp_path, publisher.url))
    caplog.set_level(logging.INFO, logger="monitor")

    for _ in range(3):
        assert cli("check").exit_code == 1

    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1
    assert "us-ofac-sdn" in warnings[0].getMessage()
    assert _status(cli)["failed_checks"] == 3

    result = cli("check")
    assert result.exit_code == 0, result.output
    assert "1 listed" in result.output
    assert listed_names(seeded_sqlite) == [ADDED_IN_V2]
    status = _status(cli)
    assert status["last_error"] is None
    assert status["entries"] == 9155


def test_retries_with_backoff_within_one_check(
    tmp_path: Path, seeded_sqlite: str, publisher: Publisher, versions: dict[str, Path]
) -> None:
    publisher.serve(versions[V2])
    publisher.faults = ["status:503"]
    cli = Cli(seeded_sqlite, service_config(tmp_path, publisher.url))

    result = cli("check")

    assert result.exit_code == 0, result.output
    assert len(publisher.requests) == 2
    assert listed_names(seeded_sqlite) == [ADDED_IN_V2]


def test_not_modified_is_asked_with_the_remembered_etag(
    tmp_path: Path, seeded_sqlite: str, publisher: Publisher, versions: dict[str, Path]
) -> None:
    publisher.serve(versions[V1])
    cli = Cli(seeded_sqlite, service_config(tmp_path, publisher.url))
    before = snapshot(seeded_sqlite)

    first = cli("check")
    second = cli("check")

    assert "unchanged" in first.output
    assert second.exit_code == 0
    assert "not-modified" in second.output
    assert "If-None-Match" not in publisher.requests[0]
    assert publisher.requests[1]["If-None-Match"] == publisher.etag
    after = snapshot(seeded_sqlite)
    assert after["current"] == before["current"]
    assert after["events"] == before["events"]
    assert _status(cli)["last_outcome"] == "not-modified"


def test_a_retry_after_longer_than_the_backoff_is_honoured(
    tmp_path: Path, seeded_sqlite: str, publisher: Publisher, versions: dict[str, Path]
) -> None:
    publisher.serve(versions[V2])
    publisher.faults = ["busy:1"]  # the configured backoff is 0.05 s
    cli = Cli(seeded_sqlite, service_config(tmp_path, publisher.url))

    result = cli("check")

    assert result.exit_code == 0, result.output
    assert len(publisher.arrivals) == 2
    assert publisher.arrivals[1] - publisher.arrivals[0] >= 1.0  # a sleep never ends early
    assert listed_names(seeded_sqlite) == [ADDED_IN_V2]


def test_a_retry_after_of_an_hour_is_left_to_the_next_check(
    tmp_path: Path, seeded_sqlite: str, publisher: Publisher, versions: dict[str, Path]
) -> None:
    publisher.serve(versions[V2])
    publisher.faults = ["busy:3600"]
    cli = Cli(seeded_sqlite, service_config(tmp_path, publisher.url))
    before = snapshot(seeded_sqlite)

    result = cli("check")

    assert result.exit_code == 1
    assert "HTTP 503 Service Unavailable; the server asks to retry after 3600s" in result.output
    assert len(publisher.requests) == 1
    assert snapshot(seeded_sqlite) == before


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        ("Sun, 29 Nov 2026 12:02:00 GMT", 120.0),
        ("Sun, 29 Nov 2026 11:00:00 GMT", 0.0),  # a date in the past: retry now
        ("soon", None),
        ("", None),
    ],
)
def test_retry_after_is_read_as_seconds_or_an_http_date(header: str, seconds: float | None) -> None:
    now = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    assert retry_after(header, now=now) == seconds
