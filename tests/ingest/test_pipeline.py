"""Ingesting real consecutive versions: events equal the real differences (SQLite, PostgreSQL)."""

from __future__ import annotations

import csv
import gzip
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from monitor.config import Config, ListConfig
from monitor.errors import InputError
from monitor.ingest.pipeline import IngestRequest, IngestResult, ingest
from monitor.store import Store, open_engine
from monitor.store import schema as t
from tests.conftest import SNAPSHOTS

SDN = SNAPSHOTS / "us-ofac-sdn"
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def version(stamp: str) -> Path:
    return SDN / stamp / "sdn.csv.gz"


def rows(path: Path) -> dict[str, list[str]]:
    """The raw rows by ent_num, read with the csv module only (independent of our parser)."""
    text = gzip.decompress(path.read_bytes()).decode("utf-8").rstrip("\x1a")
    return {r[0]: r for r in csv.reader(io.StringIO(text)) if r and r[0].strip()}


@pytest.fixture
def store(db_url: str) -> Store:
    return Store(open_engine(db_url))


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(archive=tmp_path / "archive")


def run(
    store: Store,
    config: Config,
    path: Path,
    observed: datetime | None = None,
    list_id: str = "us-ofac-sdn",
) -> IngestResult:
    request = IngestRequest(list_config=ListConfig(id=list_id), paths=[path], observed_at=observed)
    return ingest(store, config, request, now=NOW)


def count(store: Store, table: object) -> int:
    with store.read() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def test_baseline_then_a_real_change(store: Store, config: Config) -> None:
    first, second = version("2021-12-10T1850Z"), version("2021-12-16T0142Z")
    baseline = run(store, config, first)
    assert baseline.status == "baseline"
    assert baseline.record_count == len(rows(first))
    assert baseline.observed_at == datetime(2021, 12, 10, 18, 50, tzinfo=UTC)

    result = run(store, config, second)
    before, after = rows(first), rows(second)
    listed = {e.key for e in result.events if e.kind == "listed"}
    delisted = {e.key for e in result.events if e.kind == "delisted"}
    modified = {e.key for e in result.events if e.kind == "modified"}
    assert listed == set(after) - set(before)
    assert delisted == set(before) - set(after)
    changed_rows = {k for k in set(before) & set(after) if before[k] != after[k]}
    assert modified <= changed_rows
    assert len(listed) == 8


def test_versions_grow_only_by_changed_entries(store: Store, config: Config) -> None:
    run(store, config, version("2021-12-10T1850Z"))
    base_rows = count(store, t.entity_versions)
    result = run(store, config, version("2021-12-16T0142Z"))
    changed = result.counts["listed"] + result.counts["modified"]
    assert count(store, t.entity_versions) == base_rows + changed


def test_the_same_snapshot_twice_changes_nothing(store: Store, config: Config) -> None:
    run(store, config, version("2021-12-10T1850Z"))
    events = count(store, t.events)
    again = run(store, config, version("2021-12-10T1850Z"))
    assert again.status == "skipped"
    later = run(
        store, config, version("2021-12-10T1850Z"), observed=datetime(2021, 12, 11, tzinfo=UTC)
    )
    assert later.status == "unchanged"
    assert count(store, t.events) == events


def test_an_entry_that_comes_back_is_relisted(store: Store, config: Config) -> None:
    a, b = version("2021-12-20T1851Z"), version("2021-12-21T1851Z")
    run(store, config, a)
    gone = run(store, config, b)
    removed = {e.key for e in gone.events if e.kind == "delisted"}
    assert removed
    back = run(store, config, a, observed=datetime(2021, 12, 25, tzinfo=UTC))
    assert {e.key for e in back.events if e.kind == "relisted"} == removed


def test_bad_input_leaves_the_state_untouched(store: Store, config: Config, tmp_path: Path) -> None:
    run(store, config, version("2021-12-10T1850Z"))
    versions, events = count(store, t.entity_versions), count(store, t.events)
    cut = tmp_path / "2021-12-11" / "sdn.csv"
    cut.parent.mkdir()
    data = gzip.decompress(version("2021-12-16T0142Z").read_bytes())
    cut.write_bytes(data[: len(data) // 3])
    result = run(store, config, cut)
    assert result.status == "rejected"
    assert "truncated" in result.message
    assert (count(store, t.entity_versions), count(store, t.events)) == (versions, events)


def test_an_older_snapshot_than_the_current_state_is_refused(store: Store, config: Config) -> None:
    run(store, config, version("2021-12-16T0142Z"))
    with pytest.raises(InputError, match="older than the current state"):
        run(store, config, version("2021-12-10T1850Z"))


def test_a_mass_removal_is_quarantined_not_applied(
    store: Store, config: Config, tmp_path: Path
) -> None:
    run(store, config, version("2021-12-10T1850Z"))
    events = count(store, t.events)
    text = gzip.decompress(version("2021-12-16T0142Z").read_bytes()).decode("utf-8")
    lines = text.splitlines(keepends=True)
    half = tmp_path / "2021-12-17" / "sdn.csv"
    half.parent.mkdir()
    # A complete but shorter list: whole rows and OFAC's end-of-file mark.
    half.write_text("".join(lines[: len(lines) // 2]) + "\x1a", encoding="utf-8", newline="")
    result = run(store, config, half)
    assert result.status == "quarantined"
    assert "would delist" in result.message
    assert count(store, t.events) == events
