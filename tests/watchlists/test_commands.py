"""The watchlist commands through the real CLI, after a real replay of the OFAC cons list."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.watchlists.conftest import CONS, WATCH_FIXTURES

CONFIG = """\
archive: {archive}
lists:
  - {{id: us-ofac-cons, expect: {{max_records: 5000, max_removed_share: 0.6}}}}
watchlists:
  - id: portfolio
    entries: {portfolio}
    terms: [Huawei]
    filters: {{lists: [us-ofac-cons], countries: [CN, HK]}}
    threshold: 0.9
"""


@pytest.fixture
def app(tmp_path: Path) -> Cli:
    archive = tmp_path / "archive" / "us-ofac-cons"
    shutil.copytree(CONS, archive)
    config = tmp_path / "monitor.yml"
    config.write_text(
        CONFIG.format(archive=archive.parent, portfolio=WATCH_FIXTURES / "portfolio.csv"),
        encoding="utf-8",
    )
    return Cli(f"sqlite:///{tmp_path / 'monitor.db'}", config)


def ok(app: Cli, *args: str) -> str:
    result = app(*args)
    assert result.exit_code == 0, result.output
    return result.output


def test_replay_raises_alerts_once_and_lists_them(app: Cli) -> None:
    ok(app, "replay")
    items = json.loads(ok(app, "alerts", "--format", "json"))
    assert {"watchlist", "watch_entry", "event", "matched_on", "score"} <= set(items[0])
    news = {
        (i["watch_entry"], i["event"]["name"], i["event"]["kind"])
        for i in items
        if not i["baseline"]
    }
    assert news == {
        ("DJI Technology", "SZ DJI TECHNOLOGY CO., LTD.", "listed"),
        ("Megvii", "MEGVII TECHNOLOGY LIMITED", "listed"),
        ("SenseTime Group", "SENSETIME GROUP LIMITED", "listed"),
        ("Huawei", "HUAWEI TECHNOLOGIES CO., LTD.", "modified"),
        ("Huawei", "HUAWEI INVESTMENT & HOLDING CO., LTD.", "modified"),
    }
    dji = next(i for i in items if i["watch_entry"] == "DJI Technology")
    assert dji["matched_on"]["value"] == "SZ DJI TECHNOLOGY CO., LTD."
    assert dji["matched_on"]["watch_value"] == "DJI Technology"
    assert dji["event"]["programs"] == ["CMIC-EO13959"]
    assert dji["score"] == 1.0

    assert "replay: 2 skipped" in ok(app, "replay")
    assert json.loads(ok(app, "alerts", "--format", "json")) == items

    text = ok(app, "alerts", "--since", "2025-01-01")
    assert "2025-12-19  portfolio  listed  us-ofac-cons 33111  SZ DJI TECHNOLOGY CO., LTD." in text
    assert "already listed at baseline" not in text
    assert "already listed at baseline (2, the first snapshot of a list)" in ok(app, "alerts")


def test_watch_test_shows_current_matches_and_near_misses(app: Cli) -> None:
    ok(app, "replay")
    text = ok(app, "watch", "test", "portfolio", "--list", "us-ofac-cons", "--min-score", "0.5")
    assert "watchlist portfolio: 4 watch entries against" in text
    assert "1.00  us-ofac-cons 33111  SZ DJI TECHNOLOGY CO., LTD." in text
    data = json.loads(ok(app, "watch", "test", "portfolio", "--format", "json"))
    by_entry = {e["watch_entry"]: e["matches"] for e in data["entries"]}
    assert [m["name"] for m in by_entry["Megvii"]] == ["MEGVII TECHNOLOGY LIMITED"]
    assert all(m["alert"] for m in by_entry["Huawei"])
    assert data["lists"] == ["us-ofac-cons"]


def test_an_unknown_watchlist_is_one_line(app: Cli) -> None:
    result = app("watch", "test", "nope")
    assert result.exit_code == 1
    assert result.output.strip() == "error: no watchlist 'nope'; configured watchlists: portfolio"


def test_no_alerts_before_anything_ran(app: Cli) -> None:
    assert ok(app, "alerts") == "no alerts\n"
    assert json.loads(ok(app, "alerts", "--format", "json")) == []
