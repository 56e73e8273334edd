"""Watchlist alerts reach the watchlist's channels once, and show in the run report."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import FIXTURES, SNAPSHOTS, Cli

CONS = SNAPSHOTS / "us-ofac-cons"
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
    for version in sorted(p for p in CONS.iterdir() if p.is_dir()):
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
