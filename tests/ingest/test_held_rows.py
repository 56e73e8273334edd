"""A version compared with the held rows of the last one, as two sets: the same results.

Guards :func:`monitor.ingest.held_takes.take_rows`: when a process holds the rows of
the state it applied (a format whose units are single rows, such as ``sdn.csv``
alone), the next version's rows are compared with them as sets. The events and
stored records must be exactly those of the unit-by-unit take and of the full
parse, over real SDN versions; and what the unit-by-unit take refuses (a key
twice, a row twice, a header row) the set comparison refuses too, so the full
parse names the problem.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from monitor.config import Config
from monitor.formats import ofac_csv
from monitor.ingest import held_state, held_takes, units
from monitor.ingest.pipeline import IngestResult
from monitor.store import Store, open_engine
from tests.conftest import SNAPSHOTS
from tests.ingest.test_held_state import _sdn_versions
from tests.ingest.test_units import BuiltKeys, _run, _state

SDN = SNAPSHOTS / "us-ofac-sdn"
FIRST = SDN / "2021-12-10T1850Z" / "sdn.csv.gz"
VERSIONS = 12


class CountedCalls:
    """How many times a module's function was called (the real function still runs)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, module: ModuleType, name: str) -> None:
        self.count = 0
        real = getattr(module, name)

        def counting(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, counting)


def _replay(
    versions: list[tuple[datetime, list[Path]]], url: str, archive: Path
) -> list[IngestResult]:
    store = Store(open_engine(url))
    config = Config(archive=archive)
    results = [_run(store, config, paths, observed) for observed, paths in versions]
    store.engine.dispose()
    return results


def test_real_versions_taken_as_sets_of_rows_equal_unit_by_unit_and_full_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    versions = _sdn_versions(VERSIONS)
    monkeypatch.setenv(units.ENV, "1")
    # as sets of rows only: without runs (test_held_runs covers the runs)
    monkeypatch.setattr(ofac_csv.OfacCsv, "split_runs", lambda self, files: None)
    takes = CountedCalls(monkeypatch, held_takes, "take_rows")
    _replay(versions, f"sqlite:///{tmp_path / 'rows.db'}", tmp_path / "a1")
    assert takes.count == VERSIONS - 1  # every version after the baseline
    by_rows = _state(f"sqlite:///{tmp_path / 'rows.db'}")

    monkeypatch.setattr(held_takes, "held_rows", lambda *args: None)  # unit by unit only
    _replay(versions, f"sqlite:///{tmp_path / 'units.db'}", tmp_path / "a2")
    assert takes.count == VERSIONS - 1  # none more
    assert _state(f"sqlite:///{tmp_path / 'units.db'}") == by_rows

    monkeypatch.setenv(units.ENV, "0")
    _replay(versions, f"sqlite:///{tmp_path / 'full.db'}", tmp_path / "a3")
    assert _state(f"sqlite:///{tmp_path / 'full.db'}") == by_rows


def _second_version(tmp_path: Path, edit: Callable[[list[bytes]], list[bytes]]) -> Path:
    lines = gzip.decompress(FIRST.read_bytes()).splitlines(keepends=True)
    path = tmp_path / "second" / "sdn.csv"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(b"".join(edit(lines)))
    return path


def _key_twice(lines: list[bytes]) -> list[bytes]:
    """A staying entry's ent_num on a second, new row (a modification appended, not put in)."""
    return [*lines[:-1], lines[5].replace(b'"', b'"Added remark. ', 1), lines[-1]]


def _row_twice(lines: list[bytes]) -> list[bytes]:
    return [*lines[:-1], lines[5], lines[-1]]


def _header(lines: list[bytes]) -> list[bytes]:
    return [b"ent_num,name,type,programs,title,a,b,c,d,e,f,remarks\r\n", *lines[6:]]


@pytest.mark.parametrize("edit", [_key_twice, _row_twice, _header], ids=lambda f: f.__name__)
def test_what_the_unit_take_refuses_the_set_comparison_refuses_and_the_full_parse_decides(
    edit: Callable[[list[bytes]], list[bytes]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the result the full parse gives without fingerprints."""
    second = _second_version(tmp_path, edit)
    day = datetime(2021, 12, 10, tzinfo=UTC)
    versions = [(day, [FIRST]), (day + timedelta(days=1), [second])]
    monkeypatch.setenv(units.ENV, "1")
    takes = CountedCalls(monkeypatch, held_takes, "take_rows")
    built = BuiltKeys(monkeypatch)
    store = Store(open_engine(f"sqlite:///{tmp_path / 'on.db'}"))
    config = Config(archive=tmp_path / "a1")
    _run(store, config, [FIRST], day)
    entries = len(built.take())
    on = _run(store, config, [second], day + timedelta(days=1))
    store.engine.dispose()
    assert takes.count == 1  # compared as sets of rows, refused there
    assert len(built.take()) >= entries - 6  # then read by the full parse

    monkeypatch.setenv(units.ENV, "0")
    off = _replay(versions, f"sqlite:///{tmp_path / 'off.db'}", tmp_path / "a2")[-1]
    assert (on.status, on.message, on.counts) == (off.status, off.message, off.counts)
    assert on.status == ("applied" if edit is _header else "rejected")  # the header is skipped


def test_rows_beyond_the_limit_are_not_held_and_the_units_serve(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large file's rows are not kept: the next version is read unit by unit, alike."""
    monkeypatch.setenv(units.ENV, "1")
    monkeypatch.setattr(held_state, "ROWS_LIMIT", 1 << 20)  # the SDN file is about 3 MiB
    takes = CountedCalls(monkeypatch, held_takes, "take_rows")
    store = Store(open_engine(f"sqlite:///{tmp_path / 'x.db'}"))
    config = Config(archive=tmp_path / "a")
    second = SDN / "2021-12-16T0142Z" / "sdn.csv.gz"
    _run(store, config, [FIRST], datetime(2021, 12, 10, tzinfo=UTC))
    kept = held_state.held(store, "sdn", store.latest_applied_snapshot("sdn"))
    assert kept is not None and kept.units is not None and kept.rows is None
    result = _run(store, config, [second], datetime(2021, 12, 16, tzinfo=UTC))
    store.engine.dispose()
    assert takes.count == 0 and result.status == "applied" and sum(result.counts.values()) > 0
