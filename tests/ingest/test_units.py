"""Never parse what did not change: unit fingerprints, guarded by counting parser calls.

An unchanged unit must never reach the parser, a changed one must, and the
events and stored records must be exactly those of the full parse. The parser
calls are counted on real runs of the pipeline over real files: the record
builder is wrapped to note each entry it builds, and still builds it.
"""

from __future__ import annotations

import csv
import gzip
import itertools
import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from monitor.config import Config, Expect, ListConfig
from monitor.formats import _csv_units, ofac_csv, un_xml
from monitor.ingest import units
from monitor.ingest.pipeline import IngestRequest, IngestResult, ingest
from monitor.store import Store, open_engine
from monitor.store import schema as t
from tests.conftest import SNAPSHOTS, realdata

NOW = datetime(2026, 11, 29, tzinfo=UTC)
SDN = SNAPSHOTS / "us-ofac-sdn"
LOOSE = Expect(min_records=1, max_removed_share=1.0, max_modified_share=1.0)


class BuiltKeys:
    """The keys whose record the OFAC CSV builder built (the parser's real work)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.keys: list[str] = []
        real = ofac_csv.build_record

        def counting(row: list[str], *args: Any) -> Any:
            self.keys.append(row[0])
            return real(row, *args)

        monkeypatch.setattr(ofac_csv, "build_record", counting)

    def take(self) -> list[str]:
        keys, self.keys = self.keys, []
        return keys


def _rows_by_key(path: Path) -> dict[str, list[str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as stream:
        return {row[0]: row for row in csv.reader(stream) if len(row) > 1}


def _run(
    store: Store, config: Config, paths: list[Path], observed: datetime, list_id: str = "sdn"
) -> IngestResult:
    request = IngestRequest(
        list_config=ListConfig(id=list_id, expect=LOOSE), paths=paths, observed_at=observed
    )
    return ingest(store, config, request, now=NOW)


def _state(url: str) -> dict[str, Any]:
    """Every snapshot outcome, event and stored record of a database, ids aside."""
    engine = open_engine(url)
    tables = {
        "snapshots": (
            t.snapshots,
            ["list_id", "sha256", "status", "record_count", "baseline", "message", "summary"],
        ),
        "events": (
            t.events,
            [c.name for c in t.events.columns if c.name != "id"],
        ),
        "versions": (
            t.entity_versions,
            ["list_id", "key", "content_hash", "record", "valid_from", "valid_to"],
        ),
    }
    state: dict[str, Any] = {}
    with engine.connect() as connection:
        for name, (table, columns) in tables.items():
            rows = connection.execute(
                select(*(table.c[c] for c in columns)).order_by(table.c.id)
            ).all()
            state[name] = [tuple(row) for row in rows]
    engine.dispose()
    return state


def _replay(
    versions: list[tuple[datetime, list[Path]]],
    url: str,
    archive: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    fingerprints: bool,
    list_id: str = "sdn",
) -> dict[str, Any]:
    monkeypatch.setenv(units.ENV, "1" if fingerprints else "0")
    store = Store(open_engine(url))
    config = Config(archive=archive)
    for observed, paths in versions:
        _run(store, config, paths, observed, list_id)
    store.engine.dispose()
    return _state(url)


@pytest.fixture
def setup(db_url: str, tmp_path: Path) -> tuple[Store, Config]:
    return Store(open_engine(db_url)), Config(archive=tmp_path / "archive")


def test_only_entries_whose_rows_changed_reach_the_parser(
    setup: tuple[Store, Config], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, config = setup
    built = BuiltKeys(monkeypatch)
    first, second = SDN / "2021-12-10T1850Z" / "sdn.csv.gz", SDN / "2021-12-16T0142Z" / "sdn.csv.gz"
    _run(store, config, [first], datetime(2021, 12, 10, tzinfo=UTC))
    before, after = _rows_by_key(first), _rows_by_key(second)
    assert len(built.take()) == len(before)  # a baseline builds every entry

    result = _run(store, config, [second], datetime(2021, 12, 16, tzinfo=UTC))

    new_rows = {key for key, row in after.items() if before.get(key) != row}
    assert 0 < len(new_rows) < len(after) // 20
    assert sorted(built.take()) == sorted(new_rows)  # unchanged rows never reach the parser
    assert result.status == "applied" and result.record_count == len(after)


def test_an_entry_is_its_primary_row_and_its_sibling_rows(
    setup: tuple[Store, Config], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """OFAC consolidated: a changed alias row re-parses its entry only, and the full parse
    agrees on the result."""
    store, config = setup
    source = realdata("ofac-consolidated", "2025-12-19_moov")
    names = ["cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv"]
    later = tmp_path / "later"
    later.mkdir()
    for name in names:
        shutil.copy(source / name, later / name)
    alt = (later / "cons_alt.csv").read_bytes().split(b"\n")
    changed_key = alt[0].split(b",")[0].decode()
    alt[0] = alt[0].replace(b'"aka","', b'"aka","ZZ ', 1)
    (later / "cons_alt.csv").write_bytes(b"\n".join(alt))
    built = BuiltKeys(monkeypatch)
    _run(store, config, [source / n for n in names], datetime(2025, 12, 19, tzinfo=UTC), "cons")
    built.take()

    result = _run(
        store, config, [later / n for n in names], datetime(2025, 12, 20, tzinfo=UTC), "cons"
    )

    assert built.take() == [changed_key]
    assert [(e.kind, e.key) for e in result.events] == [("modified", changed_key)]
    assert any(c.field == "aliases" for c in result.events[0].changes)


def test_an_un_entry_is_its_element(
    setup: tuple[Store, Config], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """UN XML: one changed INDIVIDUAL element is the only one parsed again."""
    store, config = setup
    source = realdata("un-consolidated", "2026-02-27", "UN_consolidated.xml.gz")
    body = gzip.decompress(source.read_bytes())
    start = body.index(b"<COMMENTS1>") + len(b"<COMMENTS1>")
    changed_key = body[:start].rsplit(b"<DATAID>", 1)[1].split(b"<", 1)[0].decode()
    later = tmp_path / "consolidated.xml"
    later.write_bytes(body[:start] + b"Changed. " + body[start:])
    built: list[str] = []
    real = un_xml.party_record

    def counting(element: Any, file: str) -> Any:
        record = real(element, file)
        built.append(record.key)
        return record

    monkeypatch.setattr(un_xml, "party_record", counting)
    _run(store, config, [source], datetime(2026, 2, 27, tzinfo=UTC), "un")
    assert len(built) > 1000
    built.clear()

    result = _run(store, config, [later], datetime(2026, 2, 28, tzinfo=UTC), "un")

    assert built == [changed_key]
    assert [(e.kind, e.key) for e in result.events] == [("modified", changed_key)]
    assert [c.field for c in result.events[0].changes] == ["remarks"]


def _with_header(body: bytes) -> bytes:
    """A header row: the splitter refuses, the full parse skips it."""
    return b"ent_num,name,type,programs,title,a,b,c,d,e,f,remarks\r\n" + body


def _with_lone_cr(body: bytes) -> bytes:
    """A CR inside a quoted cell of a real row: the reader keeps it there, a cut at
    every line break would not."""
    quoted = body.index(b',"', len(body) // 2) + 3
    return body[:quoted] + b"\r" + body[quoted:]


@pytest.mark.parametrize("edit", [_with_header, _with_lone_cr], ids=lambda f: f.__name__)
def test_a_file_the_splitter_refuses_is_parsed_in_full_with_the_same_result(
    edit: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = SDN / "2021-12-10T1850Z" / "sdn.csv.gz"
    body = gzip.decompress((SDN / "2021-12-16T0142Z" / "sdn.csv.gz").read_bytes())
    edited = tmp_path / "2021-12-16" / "sdn.csv"
    edited.parent.mkdir()
    edited.write_bytes(edit(body))
    versions = [
        (datetime(2021, 12, 10, tzinfo=UTC), [first]),
        (datetime(2021, 12, 16, tzinfo=UTC), [edited]),
    ]
    built = BuiltKeys(monkeypatch)
    on = _replay(
        versions, f"sqlite:///{tmp_path}/on.db", tmp_path / "a1", monkeypatch, fingerprints=True
    )
    second = _rows_by_key(SDN / "2021-12-16T0142Z" / "sdn.csv.gz")
    assert len(built.take()) == len(_rows_by_key(first)) + len(second)  # the second in full
    off = _replay(
        versions, f"sqlite:///{tmp_path}/off.db", tmp_path / "a2", monkeypatch, fingerprints=False
    )
    assert on == off
    assert [row[2] for row in on["snapshots"]] == ["applied", "applied"]


def test_the_lone_cr_check_agrees_with_counting_crs_against_crlfs() -> None:
    """Every text of up to six bytes from CR, LF, a quote and a letter, as the cut sees it."""
    for size in range(7):
        for text in itertools.product(b'\r\n"a', repeat=size):
            content = bytes(text)
            lines = content.splitlines(keepends=True)
            lone = content.count(b"\r") != content.count(b"\r\n")
            assert _csv_units._lone_cr(content, lines) == lone, content


def test_a_truncated_file_is_rejected_as_the_full_parse_rejects_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = gzip.decompress((SDN / "2021-12-16T0142Z" / "sdn.csv.gz").read_bytes())
    cut = tmp_path / "sdn.csv"
    cut.write_bytes(body[: body.rindex(b"\r\n", 0, len(body) - 10) - 5])
    versions = [
        (datetime(2021, 12, 10, tzinfo=UTC), [SDN / "2021-12-10T1850Z" / "sdn.csv.gz"]),
        (datetime(2021, 12, 16, tzinfo=UTC), [cut]),
    ]
    on = _replay(
        versions, f"sqlite:///{tmp_path}/on.db", tmp_path / "1", monkeypatch, fingerprints=True
    )
    off = _replay(
        versions, f"sqlite:///{tmp_path}/off.db", tmp_path / "2", monkeypatch, fingerprints=False
    )
    assert on == off
    assert on["snapshots"][1][2] == "rejected"
    assert "truncated" in on["snapshots"][1][5]


def test_fingerprints_of_a_state_applied_in_full_are_not_trusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On, off, on: the third version must not take the first one's set as the state's."""
    folders = sorted(p for p in SDN.iterdir() if p.is_dir())[:4]
    versions = [
        (datetime(2021, 1, 1 + i, tzinfo=UTC), [f / "sdn.csv.gz"]) for i, f in enumerate(folders)
    ]
    url = f"sqlite:///{tmp_path}/mixed.db"
    store = Store(open_engine(url))
    config = Config(archive=tmp_path / "mixed")
    built = BuiltKeys(monkeypatch)
    for (observed, paths), switch in zip(versions, ["1", "0", "1", "1"], strict=True):
        monkeypatch.setenv(units.ENV, switch)
        _run(store, config, paths, observed)
        if switch == "1" and observed == versions[2][0]:
            assert len(built.take()) == len(_rows_by_key(paths[0]))  # the set was stale: all
        built.take()
    store.engine.dispose()
    off = _replay(
        versions, f"sqlite:///{tmp_path}/off.db", tmp_path / "off", monkeypatch, fingerprints=False
    )
    assert _state(url) == off


def test_the_switch_takes_only_clear_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(units.ENV, "off")
    assert units.enabled(True) is False
    monkeypatch.setenv(units.ENV, "")
    assert units.enabled(True) is True and units.enabled(False) is False
    monkeypatch.setenv(units.ENV, "maybe")
    with pytest.raises(Exception, match="WATCHLIST_MONITOR_FINGERPRINTS"):
        units.enabled(True)


# --- equality over the real series -------------------------------------------------------

FULL_ENV = "WATCHLIST_MONITOR_TEST_FULL_REPLAY"
SUBSET = 24  # consecutive versions replayed in the normal suite (about 30 s both ways)


def _sdn_series() -> list[tuple[datetime, list[Path]]]:
    from monitor.archive.discover import discover

    folder = realdata("ofac-sdn")
    found = [v for v in discover([folder], "sdn") if v.observed_at and "T" in v.folder.name]
    series = [(v.observed_at, list(v.files)) for v in found if v.observed_at]
    if os.environ.get(FULL_ENV) == "1":
        return series
    return series[:SUBSET] + series[-3:]  # the last ones include the real 0-byte download


def _dated_folders(folder: Path, pattern: str) -> Iterator[tuple[datetime, list[Path]]]:
    for version in sorted(p for p in folder.iterdir() if p.is_dir()):
        files = sorted(version.glob(pattern))
        if files:
            day = datetime.fromisoformat(version.name[:10]).replace(tzinfo=UTC)
            yield day + timedelta(hours=len(files)), files


@pytest.mark.realdata
def test_the_real_sdn_series_gives_the_same_events_and_records_both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every event and every stored record, fingerprints on and off. The normal suite
    replays a subset (the first versions and the last ones); WATCHLIST_MONITOR_TEST_FULL_REPLAY=1
    replays all 162 versions (several minutes)."""
    series = _sdn_series()
    on = _replay(
        series, f"sqlite:///{tmp_path}/on.db", tmp_path / "a1", monkeypatch, fingerprints=True
    )
    off = _replay(
        series, f"sqlite:///{tmp_path}/off.db", tmp_path / "a2", monkeypatch, fingerprints=False
    )
    assert on == off
    assert len(on["events"]) > len(series)  # not two empty replays
    assert {row[2] for row in on["snapshots"]} >= {"applied", "rejected"}


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("folder", "pattern"),
    [
        ("ofac-consolidated", "cons_*.csv"),
        ("un-consolidated", "*.xml*"),
        ("trade-gov-csl", "*csv*"),
    ],
)
def test_other_real_series_give_the_same_events_and_records_both_ways(
    folder: str, pattern: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The OFAC consolidated CSV sets (split by entry), the UN XML (split by element) and
    the CSL (parsed in full either way: the switch must change nothing there either)."""
    series = list(_dated_folders(realdata(folder), pattern))
    on = _replay(
        series,
        f"sqlite:///{tmp_path}/on.db",
        tmp_path / "a1",
        monkeypatch,
        fingerprints=True,
        list_id=folder,
    )
    off = _replay(
        series,
        f"sqlite:///{tmp_path}/off.db",
        tmp_path / "a2",
        monkeypatch,
        fingerprints=False,
        list_id=folder,
    )
    assert on == off
    assert on["versions"]
