"""Once watched, always watched: a later change of an entry that matched before is alerted.

Built from the real OFAC consolidated versions: Huawei Technologies matches at
the 2021 baseline; in a copy of the real 2025 version its name and alias are renamed beyond
recognition (as a rename with a new program would), and the change is still
alerted, with why.
"""

from __future__ import annotations

import gzip
from pathlib import Path

from monitor.store import Store
from monitor.watchlists.alerts import Alert, find_alerts
from tests.safety.helpers import approve_version
from tests.watchlists.conftest import CONS_2021, CONS_2025, make_config, run

HUAWEI = '"HUAWEI TECHNOLOGIES CO., LTD."'
RENAMED = '"SHENZHEN XINGHE COMMUNICATIONS EQUIPMENT CO., LTD."'
# The entry's one alias in the real cons_alt.csv, which matches "Huawei" by itself.
HUAWEI_ALIAS = '30947,48664,"aka","HUAWEI INVESTMENT & HOLDING CO LTD"'
RENAMED_ALIAS = '30947,48664,"aka","XINGHE COMMUNICATIONS EQUIPMENT CO LTD"'


def renamed_version(tmp_path: Path) -> Path:
    """The real 2025 version with Huawei Technologies (key 30947) renamed beyond recognition:
    its name in cons_prim.csv and its alias in cons_alt.csv."""
    folder = tmp_path / "versions" / "2025-06-01T0000Z"
    folder.mkdir(parents=True)
    for source in CONS_2025.iterdir():
        if source.name.startswith("_"):  # an operator's decision, not a file of the list
            continue
        text = gzip.decompress(source.read_bytes()).decode("utf-8")
        if source.name.startswith("cons_prim"):
            assert text.count(f"30947,{HUAWEI}") == 1
            text = text.replace(f"30947,{HUAWEI}", f"30947,{RENAMED}")
        if source.name.startswith("cons_alt"):
            assert text.count(HUAWEI_ALIAS) == 1
            text = text.replace(HUAWEI_ALIAS, RENAMED_ALIAS)
        (folder / source.name).write_bytes(gzip.compress(text.encode("utf-8")))
    # Four years after the 2021 baseline most entries changed: an operator approved it, as
    # the shipped 2025 version is approved.
    approve_version(folder, "the shipped 2025 version with one entry renamed")
    return folder


def alerts_of(store: Store, watchlist: str) -> list[Alert]:
    with store.read() as connection:
        return find_alerts(connection, watchlist=watchlist)


def test_an_entry_matched_at_baseline_is_alerted_after_a_rename(
    store: Store, tmp_path: Path
) -> None:
    huawei = {"id": "huawei", "terms": ["Huawei Technologies"]}
    dji = {"id": "dji", "terms": ["DJI Technology"]}
    config = make_config(tmp_path / "archive", huawei, dji)
    assert run(store, config, CONS_2021).status == "baseline"
    [at_baseline] = [a for a in alerts_of(store, "huawei") if a.event["key"] == "30947"]
    assert at_baseline.baseline

    assert run(store, config, renamed_version(tmp_path)).status == "applied"
    later = [a for a in alerts_of(store, "huawei") if not a.baseline]
    by_key = {a.event["key"]: a for a in later}
    alert = by_key["30947"]
    assert alert.event["kind"] == "modified"
    assert alert.event["name"] == RENAMED.strip('"')
    assert alert.watch_entry == "Huawei Technologies"
    assert alert.score < 0.9  # the new name alone would not have raised it
    assert alert.why.startswith("matched before as 'HUAWEI TECHNOLOGIES CO., LTD.' (listed, 2021")
    assert "once watched, always watched" in alert.why
    # Another watchlist that never matched the entry is not told about it.
    assert all(a.event["key"] != "30947" for a in alerts_of(store, "dji"))


def test_an_entry_never_matched_is_not_alerted_by_the_rule(store: Store, tmp_path: Path) -> None:
    config = make_config(tmp_path / "archive", {"id": "dji", "terms": ["DJI Technology"]})
    run(store, config, CONS_2021)
    run(store, config, renamed_version(tmp_path))
    found = alerts_of(store, "dji")
    assert {a.event["name"] for a in found} == {"SZ DJI TECHNOLOGY CO., LTD."}
    assert all("once watched" not in a.why for a in found)
