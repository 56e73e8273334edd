"""A version read against the stored fingerprint set, as a new process reads it.

Guards :func:`monitor.ingest.stored_set_takes.take_known`: a process that does not hold the
list's state (each ``ingest`` of a cron job, the first check of a daemon, any list
of more than ``held_state.HOLD_LIMIT`` entries) reads the stored set and looks its
units up in it chunk by chunk. Only the rows that changed may reach the parser;
the events and stored records must be exactly those of the full parse, over real
SDN and UN versions, across chunk boundaries and beyond the hold limit; and what
the take must refuse (a key given by a new row and by an unchanged one, a row
twice, a header row) is refused, so the full parse names the problem.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from monitor.config import Config
from monitor.ingest import held_state, stored_set_takes, units
from monitor.ingest.pipeline import IngestResult
from monitor.store import Store, open_engine
from monitor.store import schema as t
from tests.conftest import SNAPSHOTS, realdata
from tests.ingest.test_held_rows import (
    CountedCalls,
    _header,
    _key_twice,
    _row_twice,
    _second_version,
)
from tests.ingest.test_held_state import _sdn_versions
from tests.ingest.test_units import BuiltKeys, _dated_folders, _rows_by_key, _run, _state

SDN = SNAPSHOTS / "us-ofac-sdn"
FIRST = SDN / "2021-12-10T1850Z" / "sdn.csv.gz"
VERSIONS = 8


def _each_in_a_new_process(
    versions: list[tuple[datetime, list[Path]]], url: str, archive: Path, list_id: str = "sdn"
) -> list[IngestResult]:
    """Each version through its own Store, so no state is held between versions."""
    results = []
    for observed, paths in versions:
        store = Store(open_engine(url))
        results.append(_run(store, Config(archive=archive), paths, observed, list_id))
        store.engine.dispose()
    return results


def _both_ways(
    versions: list[tuple[datetime, list[Path]]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    list_id: str = "sdn",
) -> tuple[dict[str, Any], dict[str, Any], int]:
    """The database after the versions with fingerprints and without, and how many
    versions were read against a stored set."""
    monkeypatch.setenv(units.ENV, "1")
    takes = CountedCalls(monkeypatch, stored_set_takes, "take_known")
    on_url, off_url = f"sqlite:///{tmp_path / 'on.db'}", f"sqlite:///{tmp_path / 'off.db'}"
    _each_in_a_new_process(versions, on_url, tmp_path / "a1", list_id)
    monkeypatch.setenv(units.ENV, "0")
    _each_in_a_new_process(versions, off_url, tmp_path / "a2", list_id)
    return _state(on_url), _state(off_url), takes.count


@pytest.mark.realdata
def test_real_sdn_versions_read_against_the_stored_set_equal_the_full_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    on, off, takes = _both_ways(_sdn_versions(VERSIONS), tmp_path, monkeypatch)
    assert takes == VERSIONS - 1  # every version after the baseline
    assert on == off
    assert len(on["events"]) > VERSIONS


@pytest.mark.realdata
def test_across_chunk_edges_and_beyond_the_hold_limit_the_results_are_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunks of 7 units (most edges fall inside a run of changed rows somewhere), and a
    state too large to hold, whose rows are fingerprinted chunk by chunk."""
    monkeypatch.setattr(stored_set_takes, "CHUNK", 7)
    monkeypatch.setattr(held_state, "HOLD_LIMIT", 100)
    on, off, takes = _both_ways(_sdn_versions(VERSIONS), tmp_path, monkeypatch)
    assert takes == VERSIONS - 1
    assert on == off


@pytest.mark.realdata
def test_real_un_versions_split_by_element_equal_the_full_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The UN XML is split into elements, not rows: the chunks are of units."""
    monkeypatch.setattr(stored_set_takes, "CHUNK", 50)
    versions = list(_dated_folders(realdata("un-consolidated"), "*.xml*"))
    on, off, takes = _both_ways(versions, tmp_path, monkeypatch, list_id="un")
    assert takes == len(versions) - 1
    assert on == off
    assert on["versions"]


def test_only_the_rows_that_changed_reach_the_parser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(units.ENV, "1")
    built = BuiltKeys(monkeypatch)
    second = SDN / "2021-12-16T0142Z" / "sdn.csv.gz"
    day = datetime(2021, 12, 10, tzinfo=UTC)
    versions = [(day, [FIRST]), (day + timedelta(days=6), [second])]
    _each_in_a_new_process(versions[:1], f"sqlite:///{tmp_path / 'x.db'}", tmp_path / "a")
    built.take()
    _each_in_a_new_process(versions[1:], f"sqlite:///{tmp_path / 'x.db'}", tmp_path / "a")
    before, after = _rows_by_key(FIRST), _rows_by_key(second)
    new_rows = {key for key, row in after.items() if before.get(key) != row}
    assert 0 < len(new_rows) < len(after) // 20
    assert sorted(built.take()) == sorted(new_rows)


def _new_key_twice(lines: list[bytes]) -> list[bytes]:
    """A changed entry's ent_num on two new rows (its old row gone)."""
    changed = lines[5].replace(b'"', b'"Added remark. ', 1)
    return [*lines[:5], changed, *lines[6:-1], changed.replace(b"Added", b"Other"), lines[-1]]


def _modified_and_moved(lines: list[bytes]) -> list[bytes]:
    """An entry changed and moved to the end, and another removed: no key twice."""
    return [*lines[:5], *lines[7:-1], lines[5].replace(b'"', b'"Added remark. ', 1), lines[-1]]


EDITS = [_key_twice, _new_key_twice, _row_twice, _header, _modified_and_moved]


@pytest.mark.parametrize("edit", EDITS, ids=lambda f: f.__name__)
def test_what_the_take_must_refuse_it_refuses_and_the_full_parse_decides(
    edit: Callable[[list[bytes]], list[bytes]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the result the full parse gives without fingerprints."""
    second = _second_version(tmp_path, edit)
    day = datetime(2021, 12, 10, tzinfo=UTC)
    versions = [(day, [FIRST]), (day + timedelta(days=1), [second])]
    monkeypatch.setenv(units.ENV, "1")
    takes = CountedCalls(monkeypatch, stored_set_takes, "take_known")
    on = _each_in_a_new_process(versions, f"sqlite:///{tmp_path / 'on.db'}", tmp_path / "a1")[-1]
    assert takes.count == 1
    monkeypatch.setenv(units.ENV, "0")
    off = _each_in_a_new_process(versions, f"sqlite:///{tmp_path / 'off.db'}", tmp_path / "a2")
    assert (on.status, on.message, on.counts) == (off[-1].status, off[-1].message, off[-1].counts)
    refused = edit in (_key_twice, _new_key_twice, _row_twice)
    assert on.status == ("rejected" if refused else "applied")
    assert _state(f"sqlite:///{tmp_path / 'on.db'}") == _state(f"sqlite:///{tmp_path / 'off.db'}")


def test_a_set_written_by_other_code_is_read_anew_then_trusted_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After an upgrade the stored set's tag names other code: the next version parses
    every entry (and keeps only the changed ones), writes the set anew, and the one
    after is read against it again, with the results of the full parse throughout."""
    monkeypatch.setenv(units.ENV, "1")
    versions = [
        (datetime(2021, 12, 10, tzinfo=UTC), [FIRST]),
        (datetime(2021, 12, 16, tzinfo=UTC), [SDN / "2021-12-16T0142Z" / "sdn.csv.gz"]),
        (datetime(2021, 12, 17, tzinfo=UTC), [SDN / "2021-12-17T1849Z" / "sdn.csv.gz"]),
    ]
    url = f"sqlite:///{tmp_path / 'on.db'}"
    built = BuiltKeys(monkeypatch)
    _each_in_a_new_process(versions[:1], url, tmp_path / "a1")
    engine = open_engine(url)
    with engine.begin() as connection:
        connection.execute(update(t.unit_sets).values(tag="ofac-csv:other-code"))
    engine.dispose()
    built.take()
    takes = CountedCalls(monkeypatch, stored_set_takes, "take_known")
    _each_in_a_new_process(versions[1:2], url, tmp_path / "a1")
    assert len(built.take()) == len(_rows_by_key(versions[1][1][0]))  # every entry
    assert takes.count == 0
    _each_in_a_new_process(versions[2:], url, tmp_path / "a1")
    before, after = _rows_by_key(versions[1][1][0]), _rows_by_key(versions[2][1][0])
    assert sorted(built.take()) == sorted(k for k, row in after.items() if before.get(k) != row)
    assert takes.count == 1

    monkeypatch.setenv(units.ENV, "0")
    _each_in_a_new_process(versions, f"sqlite:///{tmp_path / 'off.db'}", tmp_path / "a2")
    assert _state(url) == _state(f"sqlite:///{tmp_path / 'off.db'}")
