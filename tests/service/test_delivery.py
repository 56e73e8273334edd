"""Reports reach email, files and web hooks once each, even when a channel is down for a while."""

from __future__ import annotations

import json
import logging
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select

from monitor.store import open_engine
from monitor.store import schema as t
from tests.conftest import Cli
from tests.safety.helpers import drop_rows
from tests.service.conftest import (
    ADDED_IN_V2,
    HOOK_TOKEN,
    SMTP_PASSWORD,
    V2,
    HookState,
    Publisher,
    SmtpServer,
    service_config,
)
from tests.service.helpers import database_text, snapshot

SUBJECT = "[watchlist-monitor] us-ofac-sdn: 1 individual added to the SDN list"


def _email(raw: bytes) -> EmailMessage:
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def _channels(cli: Cli) -> dict[str, dict[str, object]]:
    result = cli("status", "--format", "json")
    return {c["channel"]: c for c in json.loads(result.output)["channels"]}


def test_a_new_version_reaches_every_channel_once(
    tmp_path: Path,
    seeded_sqlite: str,
    publisher: Publisher,
    smtp: SmtpServer,
    hook: HookState,
    versions: dict[str, Path],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    publisher.serve(versions[V2])
    config = service_config(
        tmp_path,
        publisher.url,
        notify=("mail", "files", "hook"),
        smtp_port=smtp.port,
        hook_url=hook.url("generic"),
    )
    cli = Cli(seeded_sqlite, config)

    result = cli("check")
    again = cli("check")

    assert result.exit_code == 0, result.output
    assert "deliveries: 3 sent" in result.output
    assert again.exit_code == 0 and "not-modified" in again.output

    assert len(smtp.messages) == 1
    email = _email(smtp.messages[0])
    assert str(email["Subject"]).startswith(SUBJECT)
    assert email["Message-ID"].startswith("<watchlist-monitor-")
    text = email.get_body(("plain",))
    html = email.get_body(("html",))
    assert text is not None and html is not None
    assert ADDED_IN_V2 in text.get_content()
    assert ADDED_IN_V2 in html.get_content()

    written = sorted(p.name for p in (tmp_path / "reports").iterdir())
    assert [Path(n).suffix for n in written] == [".html", ".json", ".md"]
    assert all(n.startswith("us-ofac-sdn-") for n in written)
    report = json.loads((tmp_path / "reports" / written[1]).read_text(encoding="utf-8"))
    assert [e["name"] for e in report["events"]] == [ADDED_IN_V2]

    assert len(hook.received) == 1
    payload = hook.received[0]["json"]
    assert payload["list"] == "us-ofac-sdn"
    assert payload["subject"].startswith(SUBJECT.removeprefix("[watchlist-monitor] "))
    assert [e["name"] for e in payload["report"]["events"]] == [ADDED_IN_V2]
    assert hook.keys[0].startswith("watchlist-monitor-")

    channels = _channels(cli)
    assert {c: channels[c]["sent"] for c in ("mail", "files", "hook")} == {
        "mail": 1,
        "files": 1,
        "hook": 1,
    }
    for text_seen in (database_text(seeded_sqlite), caplog.text, cli("status").output):
        assert SMTP_PASSWORD not in text_seen
        assert HOOK_TOKEN not in text_seen


def test_channels_down_during_a_change_get_the_report_exactly_once_when_back(
    tmp_path: Path,
    seeded_sqlite: str,
    publisher: Publisher,
    smtp: SmtpServer,
    hook: HookState,
    versions: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HOOK_URL", hook.url("slack"))
    publisher.serve(versions[V2])
    config = service_config(
        tmp_path,
        publisher.url,
        notify=("mail", "hook"),
        smtp_port=smtp.port,
        hook_url=hook.url("slack"),
        hook_style="slack",
    )
    cli = Cli(seeded_sqlite, config)
    smtp.stop()
    hook.statuses = [500]

    down = cli("check")

    assert down.exit_code == 1
    assert "1 listed" in down.output
    channels = _channels(cli)
    assert channels["mail"]["failed"] == 1
    assert "Connection refused" in str(channels["mail"]["last_error"])
    assert channels["hook"]["failed"] == 1
    assert "HTTP 500" in str(channels["hook"]["last_error"])
    assert HOOK_TOKEN not in str(channels["hook"]["last_error"])

    smtp.start()
    retried = cli("deliveries", "retry")
    assert retried.exit_code == 0, retried.output
    assert "2 sent" in retried.output
    assert cli("deliveries", "retry").output.startswith("deliveries: 0 sent")
    assert cli("check").exit_code == 0

    assert len(smtp.messages) == 1
    assert str(_email(smtp.messages[0])["Subject"]).startswith(SUBJECT)
    assert len(hook.received) == 1
    assert hook.received[0]["json"]["text"].startswith("*us-ofac-sdn: 1 individual added")
    assert [d[1] for d in snapshot(seeded_sqlite)["deliveries"]] == ["sent", "sent"]
    channels = _channels(cli)
    assert channels["mail"]["failed"] == 0 and channels["mail"]["last_error"] is None


def test_channels_hear_once_when_checks_keep_failing_and_once_when_they_work_again(
    tmp_path: Path,
    seeded_sqlite: str,
    publisher: Publisher,
    smtp: SmtpServer,
    versions: dict[str, Path],
) -> None:
    """Three failed checks in a row (the default alert_after) make one notice, not five."""
    publisher.serve(versions[V2])
    publisher.faults = ["status:503"] * 10  # five checks of two attempts each
    config = service_config(tmp_path, publisher.url, notify=("mail",), smtp_port=smtp.port)
    cli = Cli(seeded_sqlite, config)

    for _ in range(5):
        assert cli("check").exit_code == 1
    subjects = [str(_email(m)["Subject"]) for m in smtp.messages]
    assert len(subjects) == 1
    assert subjects[0].startswith(
        "[watchlist-monitor] us-ofac-sdn: 3 checks failed in a row since "
    )
    body = _email(smtp.messages[0]).get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert "the last good state stays current" in text
    assert "Latest error: http://127.0.0.1:" in text and "HTTP 503" in text

    recovered = cli("check")
    assert recovered.exit_code == 0, recovered.output
    subjects = [str(_email(m)["Subject"]) for m in smtp.messages]
    assert len(subjects) == 3  # the notice, the run's report, the recovery
    assert "[watchlist-monitor] us-ofac-sdn: checks work again after 5 failures" in subjects


def test_a_snapshot_held_for_review_is_told_once_with_the_commands_that_settle_it(
    tmp_path: Path,
    seeded_sqlite: str,
    publisher: Publisher,
    smtp: SmtpServer,
    versions: dict[str, Path],
) -> None:
    """A real SDN version with its last 20% of rows gone looks like a mass delisting."""
    shorter = tmp_path / "sdn.csv"
    shorter.write_bytes(drop_rows(versions[V2].read_bytes(), 0.2))
    publisher.serve(shorter)
    config = service_config(tmp_path, publisher.url, notify=("mail",), smtp_port=smtp.port)
    cli = Cli(seeded_sqlite, config)

    first = cli("check")
    again = cli("check")  # the same file again: reported once

    assert first.exit_code == 0, first.output
    assert "quarantined" in first.output
    assert again.exit_code == 0, again.output
    assert len(smtp.messages) == 1
    email = _email(smtp.messages[0])
    held = _quarantined_ids(seeded_sqlite)
    assert len(held) == 1
    assert str(email["Subject"]).endswith(f"us-ofac-sdn: snapshot {held[0]} held for review")
    body = email.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert "would delist" in text
    assert f"watchlist-monitor quarantine approve {held[0]}" in text


def _quarantined_ids(url: str) -> list[int]:
    engine = open_engine(url)
    try:
        with engine.connect() as connection:
            statement = select(t.snapshots.c.id).where(t.snapshots.c.status == "quarantined")
            return list(connection.execute(statement).scalars())
    finally:
        engine.dispose()
