"""Alerts raised while ingesting the real OFAC consolidated list of 2021-06-03, then 2025-12-19.

Between them OFAC added SenseTime, Megvii and SZ DJI to NS-CMIC (December
2021). Run on SQLite and on PostgreSQL (db_url).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from monitor.store import Store, open_engine
from monitor.store.schema import alerts
from monitor.watchlists.alerts import Alert, find_alerts, mark_delivered, undelivered_alerts
from monitor.watchlists.hooks import watchlist_hooks
from tests.watchlists.conftest import (
    CONS_2021,
    CONS_2025,
    NOW,
    WATCH_FIXTURES,
    make_config,
    run,
)

PORTFOLIO = {"id": "portfolio", "entries": str(WATCH_FIXTURES / "portfolio.csv")}
UNRELATED = {"id": "unrelated", "entries": str(WATCH_FIXTURES / "entity_list_not_on_cons.csv")}
DJI_USCC = "914403007954257495"


IDS = {
    "id": "ids",
    "entries": [
        {"name": "DJI Technology", "identifiers": f"USCC {DJI_USCC}"},
        {"name": "Da Jiang Innovation Science", "identifiers": DJI_USCC},
        {"name": "Shang Tang", "identifiers": "C.R. No. 2162198"},
    ],
}
TERMS = ["Huawei", "DJI", "Megvii"]
FILTERED = (
    {"id": "listed-only", "terms": TERMS, "filters": {"kinds": ["listed"]}},
    {"id": "cmic", "terms": TERMS, "filters": {"programs": ["CMIC"]}},
    {"id": "cayman", "terms": TERMS, "filters": {"countries": ["KY"]}},
    {"id": "other-list", "terms": TERMS, "filters": {"lists": ["us-csl"]}},
)


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """Both versions ingested once (SQLite) with every watchlist the read-only tests look at."""
    folder = tmp_path_factory.mktemp("alerts")
    store = Store(open_engine(f"sqlite:///{folder / 'monitor.db'}"))
    unrelated = {**UNRELATED, "threshold": 0.8}
    huawei = {"id": "huawei", "terms": ["Huawei Technologies"]}
    config = make_config(folder / "archive", unrelated, IDS, huawei, *FILTERED)
    run(store, config, CONS_2021)
    result = run(store, config, CONS_2025)
    # plenty of events were looked at: the real changes of four and a half years
    assert result.counts == {
        "listed": 17,
        "delisted": 21,
        "relisted": 0,
        "modified": 347,
        "rekeyed": 0,
    }
    return store


def all_alerts(store: Store, **where: object) -> list[Alert]:
    with store.read() as connection:
        return find_alerts(connection, **where)  # type: ignore[arg-type]


def count_alerts(store: Store) -> int:
    with store.read() as connection:
        return int(connection.execute(select(func.count()).select_from(alerts)).scalar_one())


def test_a_portfolio_is_alerted_when_its_companies_are_listed(store: Store, tmp_path: Path) -> None:
    config = make_config(tmp_path / "archive", PORTFOLIO, UNRELATED)
    assert run(store, config, CONS_2021).status == "baseline"
    assert all_alerts(store) == []  # none of them was listed in June 2021
    result = run(store, config, CONS_2025)
    assert result.status == "applied"

    found = {(a.watch_entry, a.event["name"]): a for a in all_alerts(store)}
    assert set(found) == {
        ("DJI Technology", "SZ DJI TECHNOLOGY CO., LTD."),
        ("Megvii", "MEGVII TECHNOLOGY LIMITED"),
        ("SenseTime Group", "SENSETIME GROUP LIMITED"),
    }
    for alert in found.values():
        assert alert.watchlist == "portfolio"  # and none for the unrelated Entity List names
        assert (alert.event["kind"], alert.baseline, alert.field) == ("listed", False, "name")
        assert alert.event["programs"] == ["CMIC-EO13959"]
        assert alert.score == 1.0
        assert alert.value == alert.event["name"]
        assert alert.event["observed_at"] == "2025-12-19T18:23:00Z"
    assert found[("DJI Technology", "SZ DJI TECHNOLOGY CO., LTD.")].watch_value == "DJI Technology"
    assert "words dji" in found[("DJI Technology", "SZ DJI TECHNOLOGY CO., LTD.")].why


def test_unrelated_real_company_names_raise_no_alert(replayed: Store) -> None:
    assert all_alerts(replayed, watchlist="unrelated") == []


def test_identifiers_win_over_names(replayed: Store) -> None:
    found = {a.watch_entry: a for a in all_alerts(replayed, watchlist="ids")}
    assert set(found) == {"DJI Technology", "Da Jiang Innovation Science", "Shang Tang"}
    for key in ("DJI Technology", "Da Jiang Innovation Science"):
        assert found[key].field == "identifier"  # although "DJI Technology" also matches by name
        assert found[key].value == f"Unified Social Credit Code (USCC) {DJI_USCC} (China)"
        assert found[key].event["name"] == "SZ DJI TECHNOLOGY CO., LTD."
    assert (found["Shang Tang"].field, found["Shang Tang"].event["name"]) == (
        "remarks",
        "SENSETIME GROUP LIMITED",
    )


def test_baseline_matches_are_flagged_and_later_changes_alert(replayed: Store) -> None:
    found = all_alerts(replayed, watchlist="huawei")
    known = [a for a in found if a.baseline]
    assert [a.event["name"] for a in known] == [
        "HUAWEI TECHNOLOGIES CO., LTD.",
        "HUAWEI INVESTMENT & HOLDING CO., LTD.",  # "technologies" is a legal-form word
    ]
    assert {a.headline for a in known} == {"already listed at baseline"}
    assert {a.event["observed_at"] for a in known} == {"2021-06-03T00:00:00Z"}
    # In 2025 their program was renamed CMIC-EO -> CMIC-EO13959: a change, so an alert.
    news = [(a.event["kind"], a.event["name"]) for a in found if not a.baseline]
    assert news == [
        ("modified", "HUAWEI TECHNOLOGIES CO., LTD."),
        ("modified", "HUAWEI INVESTMENT & HOLDING CO., LTD."),
    ]


def test_filters_select_lists_kinds_programs_and_countries(replayed: Store) -> None:
    by_list: dict[str, set[str]] = {}
    for alert in all_alerts(replayed):
        if not alert.baseline and alert.watchlist in {f["id"] for f in FILTERED}:
            by_list.setdefault(alert.watchlist, set()).add(alert.watch_entry)
    assert by_list == {
        "listed-only": {"DJI", "Megvii"},
        "cmic": {"DJI", "Megvii", "Huawei"},
        "cayman": {"Megvii"},  # Megvii's Cayman Islands address
    }


def test_alerts_since_a_day(replayed: Store) -> None:
    assert {a.baseline for a in all_alerts(replayed, since=date(2022, 1, 1))} == {False}
    assert all_alerts(replayed, since=date(2025, 12, 20)) == []
    assert any(a.baseline for a in all_alerts(replayed, since=date(2021, 6, 3)))


def test_the_same_alert_is_never_raised_twice(store: Store, tmp_path: Path) -> None:
    config = make_config(tmp_path / "archive", PORTFOLIO)
    run(store, config, CONS_2021)
    first = run(store, config, CONS_2025)
    assert count_alerts(store) == 3

    assert run(store, config, CONS_2025).status == "skipped"  # a re-run of the same snapshot
    archived = tmp_path / "archive" / "us-ofac-cons" / "2025-12-19T1823Z"
    assert run(store, config, archived).status == "skipped"  # a replay of the archived copy
    assert count_alerts(store) == 3

    # Even a hook called again on the same events (a crash between two steps) adds nothing.
    [hook] = watchlist_hooks(config)
    with store.list_transaction("us-ofac-cons") as tx:
        assert first.snapshot_id is not None
        hook(tx, first.snapshot_id, first.events, NOW)
    assert count_alerts(store) == 3

    # And the database itself refuses a second row for the same watch entry and event.
    with store.read() as connection:
        row = connection.execute(select(alerts).limit(1)).mappings().one()
    duplicate = {k: v for k, v in row.items() if k != "id"}
    with pytest.raises(IntegrityError), store.engine.begin() as connection:
        connection.execute(insert(alerts).values(**duplicate))


def test_undelivered_alerts_of_a_snapshot(store: Store, tmp_path: Path) -> None:
    config = make_config(tmp_path / "archive", PORTFOLIO)
    run(store, config, CONS_2021)
    result = run(store, config, CONS_2025)
    assert result.snapshot_id is not None
    with store.engine.begin() as connection:
        pending = undelivered_alerts(connection, result.snapshot_id)
        assert len(pending) == 3
        mark_delivered(connection, [pending[0].id], pending[0].raised_at)
    with store.read() as connection:
        assert len(undelivered_alerts(connection, result.snapshot_id)) == 2
        assert undelivered_alerts(connection, result.snapshot_id - 1) == []
