"""Reports reach any Apprise service exactly once, also across an outage of the receiver.

The receiver is the real loopback web hook; Apprise posts to it through a
``json://`` URL written in the configuration as a ``${ENV}`` reference.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.service.conftest import (
    ADDED_IN_V2,
    HOOK_TOKEN,
    V2,
    HookState,
    Publisher,
    service_config,
)
from tests.service.helpers import database_text, snapshot

APPRISE_CHANNEL = """  - id: chat
    kind: apprise
    urls: ["${APPRISE_URL}"]
"""


def _config(tmp_path: Path, publisher: Publisher) -> Path:
    path = service_config(tmp_path, publisher.url, notify=("chat",))
    path.write_text(path.read_text(encoding="utf-8") + APPRISE_CHANNEL, encoding="utf-8")
    return path


def _channel(cli: Cli) -> dict[str, object]:
    channels = json.loads(cli("status", "--format", "json").output)["channels"]
    return next(c for c in channels if c["channel"] == "chat")


@pytest.fixture
def apprise_url(hook: HookState, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"json://127.0.0.1:{hook.port}/hooks/apprise/{HOOK_TOKEN}"
    monkeypatch.setenv("APPRISE_URL", url)
    return url


def test_a_new_version_reaches_an_apprise_service_once(
    tmp_path: Path,
    seeded_sqlite: str,
    publisher: Publisher,
    hook: HookState,
    apprise_url: str,
    versions: dict[str, Path],
) -> None:
    publisher.serve(versions[V2])
    cli = Cli(seeded_sqlite, _config(tmp_path, publisher))

    first = cli("check")
    again = cli("check")

    assert first.exit_code == 0, first.output
    assert "deliveries: 1 sent" in first.output
    assert again.exit_code == 0 and "not-modified" in again.output
    assert len(hook.received) == 1
    payload = hook.received[0]["json"]
    assert hook.received[0]["path"] == f"/hooks/apprise/{HOOK_TOKEN}"
    assert payload["title"].startswith("us-ofac-sdn: 1 individual added")
    assert ADDED_IN_V2 in payload["message"]
    assert _channel(cli)["sent"] == 1


def test_an_outage_of_the_receiver_is_retried_and_sent_once(
    tmp_path: Path,
    seeded_sqlite: str,
    publisher: Publisher,
    hook: HookState,
    apprise_url: str,
    versions: dict[str, Path],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    publisher.serve(versions[V2])
    cli = Cli(seeded_sqlite, _config(tmp_path, publisher))
    hook.statuses = [500, 503]

    down = cli("check")
    still_down = cli("deliveries", "retry")

    assert down.exit_code == 1 and "1 listed" in down.output
    assert still_down.exit_code == 1
    channel = _channel(cli)
    assert channel["failed"] == 1 and channel["sent"] == 0
    assert "not accepted" in str(channel["last_error"])
    assert hook.received == []

    back = cli("deliveries", "retry")
    assert back.exit_code == 0, back.output
    assert "1 sent" in back.output
    assert cli("deliveries", "retry").output.startswith("deliveries: 0 sent")
    assert cli("check").exit_code == 0

    assert len(hook.received) == 1
    assert ADDED_IN_V2 in hook.received[0]["json"]["message"]
    assert [d[1] for d in snapshot(seeded_sqlite)["deliveries"]] == ["sent"]
    for seen in (database_text(seeded_sqlite), caplog.text, cli("status").output, down.output):
        assert HOOK_TOKEN not in seen
        assert apprise_url not in seen
