"""Watchlist alerts reach the watchlist's channels once, and show in the run report."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import FIXTURES, Cli, shipped_versions

CONFIG = """\
archive: {archive}
lists:
  - {{id: us-ofac-cons, expect: {{min_records: 100, max_removed_share: 0.6}}}}
notifiers:
  - {{id: alerts-folder, kind: file, directory: {outbox}, formats: [text, json]}}
watchlists:
  - id: portfolio
    entries: {portfolio}
    threshold: 0.9
    notify: [alerts-folder]
"""


def cli_for(tmp_path: Path) -> tuple[Cli, Path]:
    outbox = tmp_path / "sent"
    config = tmp_path / "monitor.yml"
    config.write_text(
        CONFIG.format(
            archive=tmp_path / "archive",
            outbox=outbox,
            portfolio=FIXTURES / "watchlists" / "portfolio.csv",
        ),
        encoding="utf-8",
    )
    return Cli(f"sqlite:///{tmp_path / 'm.db'}", config), outbox


def ingest_both(cli: Cli) -> None:
    for version in shipped_versions("us-ofac-cons"):
        result = cli("ingest", *map(str, sorted(version.iterdir())), "--list", "us-ofac-cons")
        assert result.exit_code == 0, result.output


def test_new_alerts_are_delivered_once_through_the_watchlist_channel(tmp_path: Path) -> None:
    cli, outbox = cli_for(tmp_path)
    ingest_both(cli)
    assert cli("deliveries", "retry").exit_code == 0
    sent = sorted(outbox.glob("alerts-portfolio-*.json"))
    messages = [json.loads(p.read_text(encoding="utf-8")) for p in sent]
    listed = {a["event"]["name"] for m in messages for a in m["alerts"] if not a["baseline"]}
    assert listed == {
        "SZ DJI TECHNOLOGY CO., LTD.",
        "MEGVII TECHNOLOGY LIMITED",
        "SENSETIME GROUP LIMITED",
    }
    text = next(outbox.glob("alerts-portfolio-*.txt")).read_text(encoding="utf-8")
    assert "watch entry:" in text and "score" in text
    assert cli("deliveries", "retry").exit_code == 0
    assert cli("replay").exit_code == 0
    assert sorted(outbox.glob("alerts-portfolio-*.json")) == sent


def test_the_run_report_lists_the_alerts_of_that_check(tmp_path: Path) -> None:
    cli, _ = cli_for(tmp_path)
    ingest_both(cli)
    result = cli("report", "--snapshot", "latest", "--list", "us-ofac-cons", "--format", "json")
    alerts = json.loads(result.output)["alerts"]
    assert {a["watch_entry"] for a in alerts} >= {"DJI Technology", "Megvii", "SenseTime Group"}
    assert all(
        {"watchlist", "watch_entry", "event", "matched_on", "score"} <= set(a) for a in alerts
    )
    text = cli("report", "--snapshot", "latest", "--list", "us-ofac-cons").output
    assert "Watchlist alerts" in text and "SENSETIME GROUP LIMITED" in text


DIGEST = """\
    digest: {cron: "0 8 * * 1"}
"""


def test_the_weekly_digest_holds_the_period_alerts_once(tmp_path: Path) -> None:
    cli, outbox = cli_for(tmp_path)
    config = tmp_path / "monitor.yml"
    config.write_text(config.read_text(encoding="utf-8") + DIGEST, encoding="utf-8")
    ingest_both(cli)  # alerts raised "now", when the change is recorded
    raised = json.loads(cli("alerts", "--format", "json").output)
    assert raised
    week_later = "2099-01-13T09:00:00Z"  # far past every raise time: an empty window
    assert "nothing new" in cli("watch", "digest", "portfolio", "--at", week_later).output
    next_monday = _monday_after(raised[-1]["raised_at"])
    first = cli("watch", "digest", "portfolio", "--at", next_monday)
    assert f"digest of {len(raised)} alerts queued" in first.output, first.output
    again = cli("watch", "digest", "portfolio", "--at", next_monday)
    assert "already sent" in again.output
    assert cli("deliveries", "retry").exit_code == 0
    digests = list(outbox.glob("digest-portfolio-*.json"))
    assert len(digests) == 1
    sent = json.loads(digests[0].read_text(encoding="utf-8"))
    assert len(sent["alerts"]) == len(raised)


def _monday_after(stamp: str) -> str:
    """09:00 UTC on the first Monday after the stamp: the weekly window then holds it."""
    from datetime import datetime, timedelta

    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    days = (7 - moment.weekday()) % 7 or 7
    monday = (moment + timedelta(days=days)).replace(hour=9, minute=0, second=0, microsecond=0)
    return monday.strftime("%Y-%m-%dT%H:%M:%SZ")
