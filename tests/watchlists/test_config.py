"""Watchlist configuration: files and inline entries load; every mistake is one clear sentence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from monitor.config import load_config
from monitor.errors import ConfigError
from monitor.watchlists.config import WatchlistConfig, check_channels, load_watchlists
from monitor.watchlists.entry import WatchIdentifier
from monitor.watchlists.hooks import watchlist_hooks
from tests.conftest import ROOT
from tests.watchlists.conftest import WATCH_FIXTURES


def one(**settings: Any) -> WatchlistConfig:
    [watchlist] = load_watchlists([{"id": "portfolio", **settings}])
    return watchlist


def error(**settings: Any) -> str:
    with pytest.raises(ConfigError) as caught:
        load_watchlists([{"id": "portfolio", **settings}])
    return str(caught.value)


def test_entries_from_a_csv_file() -> None:
    entries = one(entries=str(WATCH_FIXTURES / "portfolio.csv")).watch_entries()
    assert [e.key for e in entries] == ["DJI Technology", "Megvii", "SenseTime Group"]
    assert entries[0].aliases == ("Da-Jiang Innovations",)
    assert entries[0].country == "CN"
    assert entries[0].note == "drones; listed on NS-CMIC in December 2021"


def test_the_shipped_example_file_loads() -> None:
    entries = one(entries=str(ROOT / "config" / "portfolio.example.csv")).watch_entries()
    assert entries[0].identifiers == (WatchIdentifier(type="USCC", value="914403007954257495"),)
    assert entries[0].aliases == ("Da-Jiang Innovations", "DJI")


def test_entries_from_yaml_inline_and_terms(tmp_path: Path) -> None:
    path = tmp_path / "watch.yml"
    path.write_text("- Megvii\n- {name: SenseTime, identifiers: [CR 2162198]}\n", encoding="utf-8")
    assert [e.key for e in one(entries=str(path)).watch_entries()] == ["Megvii", "SenseTime"]
    inline = one(
        entries=[{"id": "dji", "name": "DJI", "aliases": "SZ DJI; Da-Jiang"}], terms=["Hikvision"]
    )
    assert [(e.key, e.aliases) for e in inline.watch_entries()] == [
        ("Hikvision", ()),
        ("dji", ("SZ DJI", "Da-Jiang")),
    ]


def test_identifiers_are_written_with_or_without_a_type() -> None:
    parse = WatchIdentifier.parse
    assert parse("USCC 91440300 7954257495") == WatchIdentifier(
        type="USCC", value="91440300 7954257495"
    )
    assert parse("C.R. No.: 2162198") == WatchIdentifier(type="C.R. No.", value="2162198")
    assert parse("914403007954257495").normalised == "914403007954257495"
    assert parse("9144-0300 7954").normalised == "914403007954"


def test_a_csv_with_a_wrong_header_or_row_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "watch.csv"
    path.write_text("name,company\nMegvii,x\n", encoding="utf-8")
    assert f"{path}, line 1: the header must name the columns" in error(entries=str(path))
    assert "unknown: company" in error(entries=str(path))
    path.write_text("name,identifiers\nMegvii,\n\nSenseTime,12\n", encoding="utf-8")
    message = error(entries=str(path))
    assert f"{path}, line 4: identifiers: identifier '12' is too short" in message


def test_terms_made_only_of_common_words_are_refused() -> None:
    for term in ("Technology", "China", "Shenzhen Technology Co., Ltd."):
        message = error(terms=[term])
        assert f"watch entry {term!r} has only legal-form or common words" in message
    assert one(terms=["Bank of China"])  # two common words: matched only word for word
    assert one(entries=[{"name": "China", "identifiers": "USCC 914403007954257495"}])


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"terms": ["DJI"], "threshold": 1.5}, "watchlists.0.threshold: Input should be less"),
        ({"terms": ["DJI"], "filters": {"kinds": ["added"]}}, "'added' is not an event kind"),
        ({"terms": ["DJI"], "filters": {"lists": ["US OFAC"]}}, "'US OFAC' is not a list id"),
        ({"terms": ["DJI"], "digest": {"cron": "weekly"}}, "digest.cron: is not a cron"),
        ({"terms": ["DJI"], "notifyy": ["mail"]}, "key 'watchlists.0.notifyy' is not a known"),
        ({}, "watchlist 'portfolio' has no entries"),
        ({"entries": "missing.csv"}, "missing.csv: cannot read the watch entries"),
        ({"entries": "portfolio.xlsx"}, "read from a .csv, .yml or .yaml file"),
        ({"terms": ["DJI", "DJI"]}, "unique (give an id column to tell two apart); repeated: DJI"),
        ({"entries": [{"name": "DJI", "countries": "CN"}]}, "'countries' is not a field"),
    ],
)
def test_bad_settings_fail_with_one_sentence(settings: dict[str, Any], expected: str) -> None:
    assert expected in error(**settings)


def test_watchlist_ids_are_unique() -> None:
    with pytest.raises(ConfigError, match="watchlist ids must be unique; repeated: a"):
        load_watchlists([{"id": "a", "terms": ["DJI"]}, {"id": "a", "terms": ["Megvii"]}])


def test_notify_channels_must_be_configured() -> None:
    watchlist = one(terms=["DJI"], notify=["compliance-mail"])
    check_channels([watchlist], ["compliance-mail"])
    with pytest.raises(ValueError, match="notifies 'team', which is not a configured notifier"):
        check_channels([one(terms=["DJI"], notify=["team"])], ["compliance-mail"])


def test_the_main_configuration_carries_watchlists_to_the_hooks(tmp_path: Path) -> None:
    path = tmp_path / "monitor.yml"
    path.write_text(
        "watchlists:\n"
        f"  - id: portfolio\n    entries: {WATCH_FIXTURES / 'portfolio.csv'}\n"
        "    terms: [Huawei]\n    filters: {countries: [CN, HK], kinds: [listed, modified]}\n"
        "    threshold: 0.85\n    digest: {cron: '0 8 * * 1'}\n",
        encoding="utf-8",
    )
    [hook] = watchlist_hooks(load_config(path))
    [compiled] = hook.watchlists  # type: ignore[attr-defined]
    assert compiled.config.threshold == 0.85
    assert len(compiled.index.entries) == 4
    assert watchlist_hooks(load_config(None, database="sqlite://")) == []

    path.write_text("watchlists:\n  - id: p\n    terms: [China]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="watch entry 'China' has only"):
        watchlist_hooks(load_config(path))
