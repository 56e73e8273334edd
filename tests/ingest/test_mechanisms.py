"""The performance mechanisms, guarded by counting work rather than timing it."""

from __future__ import annotations

import gc
import gzip
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from monitor.config import Config, ListConfig
from monitor.errors import StoreError
from monitor.files import SourceFile
from monitor.formats.ofac_csv import OfacCsv
from monitor.ingest import differ, intake, units
from monitor.ingest import spill as spill_module
from monitor.ingest.pipeline import IngestRequest, ingest
from monitor.ingest.spill import FirstVersionEvents, Spill
from monitor.records import Record
from monitor.store import Store, bulk, open_engine
from monitor.store import schema as t
from monitor.store.listing import Listing
from monitor.store.store import ListTransaction, NewSnapshot
from tests.conftest import SNAPSHOTS

NOW = datetime(2026, 11, 29, tzinfo=UTC)
SDN = SNAPSHOTS / "us-ofac-sdn"


def run(store: Store, config: Config, path: Path, observed: datetime | None = None) -> Any:
    request = IngestRequest(list_config=ListConfig(id="sdn"), paths=[path], observed_at=observed)
    return ingest(store, config, request, now=NOW)


@pytest.fixture
def setup(sqlite_url: str, tmp_path: Path) -> tuple[Store, Config]:
    return Store(open_engine(sqlite_url)), Config(archive=tmp_path / "archive")


def test_an_unchanged_snapshot_never_calls_the_parser(
    setup: tuple[Store, Config], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, config = setup
    run(store, config, SDN / "2021-12-10T1850Z" / "sdn.csv.gz")
    calls: list[int] = []
    real_parse = OfacCsv.parse

    def counting_parse(self: OfacCsv, files: Any) -> Any:
        calls.append(1)
        return real_parse(self, files)

    monkeypatch.setattr(OfacCsv, "parse", counting_parse)
    later = datetime(2021, 12, 11, tzinfo=UTC)
    result = run(store, config, SDN / "2021-12-10T1850Z" / "sdn.csv.gz", observed=later)
    assert result.status == "unchanged"
    assert calls == []


def test_field_level_diff_runs_only_for_changed_entries(
    setup: tuple[Store, Config], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, config = setup
    run(store, config, SDN / "2021-12-10T1850Z" / "sdn.csv.gz")
    compared: list[str] = []
    real = differ.field_changes

    def counting(before: Any, after: Any) -> Any:
        compared.append(after.key)
        return real(before, after)

    monkeypatch.setattr(differ, "field_changes", counting)
    result = run(store, config, SDN / "2021-12-16T0142Z" / "sdn.csv.gz")
    modified = {e.key for e in result.events if e.kind == "modified"}
    assert modified and set(compared) == modified
    assert len(compared) == result.counts["modified"] < result.record_count / 100


def test_a_check_by_units_reads_the_hashes_of_new_units_only(
    setup: tuple[Store, Config], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the stored fingerprints, the state's hashes are never read whole: only those
    of the keys whose row changed, and the events are those of the full read. (Another
    process than the one that applied the state: that one holds the hashes.)"""
    applier, config = setup
    monkeypatch.setenv(units.ENV, "1")
    run(applier, config, SDN / "2021-12-10T1850Z" / "sdn.csv.gz")
    store = Store(open_engine(applier.engine.url.render_as_string(hide_password=False)))
    asked: list[str] = []
    whole: list[int] = []
    real_of, real_all = ListTransaction.current_hashes_of, ListTransaction.current_hashes

    def hashes_of(self: ListTransaction, keys: Any) -> dict[str, str]:
        asked.extend(keys)
        return real_of(self, keys)

    def hashes(self: ListTransaction) -> dict[str, str]:
        whole.append(1)
        return real_all(self)

    monkeypatch.setattr(ListTransaction, "current_hashes_of", hashes_of)
    monkeypatch.setattr(ListTransaction, "current_hashes", hashes)
    result = run(store, config, SDN / "2021-12-16T0142Z" / "sdn.csv.gz")
    assert whole == []
    changed = {e.key for e in result.events if e.kind in ("modified", "listed", "relisted")}
    assert changed and changed <= set(asked)
    assert len(asked) < result.record_count / 100
    monkeypatch.setenv(units.ENV, "0")  # the same version read in full, into a fresh database
    full_store = Store(open_engine(f"sqlite:///{config.archive.parent / 'full.db'}"))
    run(
        full_store,
        Config(archive=config.archive.parent / "a2"),
        SDN / "2021-12-10T1850Z" / "sdn.csv.gz",
    )
    full = run(
        Store(open_engine(f"sqlite:///{config.archive.parent / 'full.db'}")),  # another process
        Config(archive=config.archive.parent / "a2"),
        SDN / "2021-12-16T0142Z" / "sdn.csv.gz",
    )
    assert whole  # the full read does read them all
    assert [(e.kind, e.key, e.changes) for e in full.events] == [
        (e.kind, e.key, e.changes) for e in result.events
    ]


def test_the_changed_check_keeps_only_changed_records(setup: tuple[Store, Config]) -> None:
    """Unchanged entries are kept as their hash only: memory follows the changes."""
    store, config = setup
    run(store, config, SDN / "2021-12-10T1850Z" / "sdn.csv.gz")
    base = intake.read_base(store, "sdn")
    files = [SourceFile.from_path(SDN / "2021-12-16T0142Z" / "sdn.csv.gz")]
    taken = intake.take(OfacCsv().parse(files), base, file_name="sdn.csv")
    classified = taken.classify()
    assert set(taken.changed) == {*classified.added, *classified.changed}
    assert 0 < len(taken.changed) < taken.count / 100
    result = run(store, config, SDN / "2021-12-16T0142Z" / "sdn.csv.gz")
    assert result.record_count == taken.count
    written = sum(result.counts[k] for k in ("listed", "relisted", "modified", "rekeyed"))
    assert written == len(taken.changed)


def test_a_state_changed_during_the_parse_is_read_again(
    setup: tuple[Store, Config], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process applies a version while this one parses: the diff is against it."""
    store, config = setup
    run(store, config, SDN / "2021-12-09T1850Z" / "sdn.csv.gz")
    interleaved: list[str] = []

    def while_another_process_applies(real: Any) -> Any:
        def take(*args: Any, **kwargs: Any) -> intake.Intake:
            taken = real(*args, **kwargs)
            if not interleaved:
                interleaved.append("started")  # the other process's own parse must not recurse
                other = run(store, config, SDN / "2021-12-10T1850Z" / "sdn.csv.gz")
                interleaved.append(other.status)
            return taken

        return take

    # the full parse's intake, and the one that parses only changed units
    monkeypatch.setattr(intake, "take", while_another_process_applies(intake.take))
    monkeypatch.setattr(units, "take", while_another_process_applies(units.take))
    result = run(store, config, SDN / "2021-12-16T0142Z" / "sdn.csv.gz")
    assert interleaved == ["started", "applied"]

    monkeypatch.undo()
    sequential = Store(open_engine(f"sqlite:///{tmp_path / 'sequential.db'}"))
    for folder in ("2021-12-09T1850Z", "2021-12-10T1850Z"):
        run(sequential, config, SDN / folder / "sdn.csv.gz")
    expected = run(sequential, config, SDN / "2021-12-16T0142Z" / "sdn.csv.gz")
    assert result.status == expected.status == "applied"
    assert result.counts == expected.counts


def test_a_state_that_keeps_changing_is_an_error_and_changes_nothing(
    setup: tuple[Store, Config], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, config = setup
    run(store, config, SDN / "2021-12-10T1850Z" / "sdn.csv.gz")
    monkeypatch.setattr(intake.BaseState, "is_current", lambda self, latest: False)
    with pytest.raises(StoreError, match="the stored state changed 3 times"):
        run(store, config, SDN / "2021-12-16T0142Z" / "sdn.csv.gz")
    with store.read() as connection:
        rows = connection.execute(select(t.snapshots.c.status)).scalars().all()
    assert rows == ["applied"]


def test_the_shape_guard_compares_with_the_stored_shape_not_the_archived_file(
    setup: tuple[Store, Config], tmp_path: Path
) -> None:
    """The last good version's shape is kept with it: its file is not read again."""
    store, config = setup
    run(store, config, SDN / "2021-12-10T1850Z" / "sdn.csv.gz")
    for archived in (config.archive / "sdn").rglob("*.gz"):
        archived.unlink()  # were the guard to read the old file, it would find nothing
    data = gzip.decompress((SDN / "2021-12-16T0142Z" / "sdn.csv.gz").read_bytes())
    cut = data[: len(data) // 2]
    folder = tmp_path / "2021-12-16T0142Z"
    folder.mkdir()
    (folder / "sdn.csv").write_bytes(cut)
    result = run(store, config, folder / "sdn.csv")
    assert result.status == "rejected"
    assert result.message == (
        f"sdn.csv, byte {len(cut)}: the file ends in the middle of a line, unlike the list's "
        "last good version: a truncated download?"
    )


def test_a_row_recorded_before_shapes_were_stored_falls_back_to_its_archived_file(
    setup: tuple[Store, Config], tmp_path: Path
) -> None:
    store, config = setup
    run(store, config, SDN / "2021-12-10T1850Z" / "sdn.csv.gz")
    with store.engine.begin() as connection:
        for row_id, files in connection.execute(select(t.snapshots.c.id, t.snapshots.c.files)):
            older = [{k: v for k, v in fact.items() if k != "shape"} for fact in files]
            connection.execute(
                t.snapshots.update().where(t.snapshots.c.id == row_id).values(files=older)
            )
    data = gzip.decompress((SDN / "2021-12-16T0142Z" / "sdn.csv.gz").read_bytes())
    folder = tmp_path / "2021-12-16T0142Z"
    folder.mkdir()
    (folder / "sdn.csv").write_bytes(data[: len(data) // 3])
    result = run(store, config, folder / "sdn.csv")
    assert result.status == "rejected"
    assert "the file ends in the middle of a line" in result.message


def _live_records() -> int:
    """Record objects alive in the process right now (every one is tracked by the gc)."""
    return sum(1 for o in gc.get_objects() if type(o) is Record)


@pytest.mark.parametrize("fingerprints", ["1", "0"], ids=["unit-by-unit", "full-parse"])
def test_a_baseline_never_holds_every_record(
    setup: tuple[Store, Config], monkeypatch: pytest.MonkeyPatch, fingerprints: str
) -> None:
    """A first version is written in batches: at no point are all its records in memory,
    whether it is read unit by unit (monitor.ingest.units) or by the full parse."""
    store, config = setup
    monkeypatch.setenv("WATCHLIST_MONITOR_FINGERPRINTS", fingerprints)
    monkeypatch.setattr(bulk, "BATCH", 500)
    monkeypatch.setattr(spill_module, "KEEP_RECORDS", 0)  # as for a list too large to keep
    before = _live_records()
    during_parse: list[int] = []
    batches: list[tuple[int, int]] = []  # (entries in the batch, live records meanwhile)
    real_add, real_insert = Spill.add, ListTransaction.insert_baseline

    def sampling_add(spill: Spill, record: Record) -> None:
        if spill.count % 1000 == 0:
            during_parse.append(_live_records() - before)
        real_add(spill, record)

    def sampling_insert(tx: ListTransaction, snapshot_id: int, listings: Any, at: Any) -> None:
        listings = list(listings)
        batches.append((len(listings), _live_records() - before))
        real_insert(tx, snapshot_id, listings, at)

    monkeypatch.setattr(Spill, "add", sampling_add)
    monkeypatch.setattr(ListTransaction, "insert_baseline", sampling_insert)
    result = run(store, config, SDN / "2021-12-10T1850Z" / "sdn.csv.gz")
    assert result.status == "baseline" and result.record_count > 9000
    assert sum(size for size, _ in batches) == result.record_count
    assert max(size for size, _ in batches) == 500
    assert len(during_parse) >= 9 and max(during_parse) < 500
    assert max(live for _, live in batches) < 500


def _rows(store: Store, table: Any) -> list[tuple[Any, ...]]:
    with store.read() as connection:
        return [tuple(row) for row in connection.execute(select(table).order_by(table.c.id))]


def test_a_streamed_baseline_writes_what_the_whole_list_in_memory_wrote(
    setup: tuple[Store, Config], tmp_path: Path
) -> None:
    """The batched baseline against the records and events of the whole list, written at once
    (the way a baseline was applied before it streamed): the same rows, the same events."""
    store, config = setup
    path = SDN / "2021-12-10T1850Z" / "sdn.csv.gz"
    result = run(store, config, path)
    records = list(OfacCsv().parse([SourceFile.from_path(path)]))
    events = differ.baseline_events("sdn", result.observed_at, records)
    whole = Store(open_engine(f"sqlite:///{tmp_path / 'whole.db'}"))
    whole.ensure_list("sdn", title="", format="ofac-csv", now=NOW)
    with whole.list_transaction("sdn") as tx:
        snapshot = NewSnapshot(
            list_id="sdn",
            sha256=result.sha256,
            files=[],
            source_uri="",
            format="ofac-csv",
            observed_at=result.observed_at,
            published_at=None,
            recorded_at=NOW,
        )
        snapshot_id = tx.record_snapshot(snapshot, status="applied", record_count=len(records))
        tx.apply_changes(snapshot_id, records, (), events)
    assert snapshot_id == result.snapshot_id
    assert _rows(store, t.entity_versions) == _rows(whole, t.entity_versions)
    assert _rows(store, t.events) == _rows(whole, t.events)
    assert len(result.events) == len(events)
    assert list(result.events) == events  # what the apply hooks and the caller see
    assert result.events[-1] == events[-1] and result.events[:2] == events[:2]


def test_a_small_first_version_makes_its_events_from_the_parsed_records(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Up to KEEP_RECORDS entries, the events the apply hooks iterate are made from the very
    records the parse built (not rebuilt from their JSON), and equal the ones read back from
    disk; past it the spill holds none of them."""
    records = list(OfacCsv().parse([SourceFile.from_path(SDN / "2021-12-10T1850Z" / "sdn.csv.gz")]))
    kept, streamed = Spill(batch=500), Spill(batch=500)
    for record in records:
        kept.add(record)
    monkeypatch.setattr(spill_module, "KEEP_RECORDS", len(records) - 1)
    for record in records:
        streamed.add(record)
    assert kept.records is not None and streamed.records is None
    from_memory = list(FirstVersionEvents(kept, "sdn", NOW))
    from_disk = list(FirstVersionEvents(streamed, "sdn", NOW))
    assert len(from_memory) == len(records) > 9000
    assert all(e.record is r for e, r in zip(from_memory, records, strict=True))
    assert all(e.record is not r for e, r in zip(from_disk, records, strict=True))
    assert from_memory == from_disk


def test_a_small_first_version_never_writes_the_spill_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Up to KEEP_RECORDS entries the spill keeps the stored values in memory and makes no
    file; past it they go to the file. Either way the batches hold the same entries, in
    the order added, BATCH at a time, as often as they are read."""
    records = list(OfacCsv().parse([SourceFile.from_path(SDN / "2021-12-10T1850Z" / "sdn.csv.gz")]))
    kept, streamed = Spill(batch=500), Spill(batch=500)
    for record in records:
        kept.add(record)
    monkeypatch.setattr(spill_module, "KEEP_RECORDS", 700)
    for record in records:
        streamed.add(record)
    assert kept._file is None and streamed._file is not None
    expected = [Listing.of(r) for r in records]
    for spill in (kept, streamed, kept, streamed):
        batches = list(spill.batches())
        assert [len(b) for b in batches[:-1]] == [500] * (len(batches) - 1)
        assert [entry for batch in batches for entry in batch] == expected
