"""A process keeps the state it applied, and uses it only while the database agrees.

Guards the design of :mod:`monitor.ingest.held_state` on real SDN versions: the
kept count, hashes and fingerprints are exactly what the database holds after every
version; a version applied by another process (another ``Store``) makes the kept
state unused, and the results are those of a process that keeps nothing; and a
version's files are decompressed once, however many stages read them.
"""

from __future__ import annotations

import gzip
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from monitor import files as files_module
from monitor.config import Config
from monitor.dates import date_from_path
from monitor.files import SourceFile
from monitor.formats import get_format
from monitor.formats.base import row_fingerprint
from monitor.ingest import guards, held_state, units
from monitor.store import Store, open_engine
from monitor.store import fingerprints as stored_fingerprints
from monitor.store.store import ListTransaction
from tests.conftest import realdata
from tests.ingest.test_units import _run, _state

VERSIONS = 6


def _sdn_versions(count: int) -> list[tuple[datetime, list[Path]]]:
    folder = realdata("ofac-sdn")
    dated = sorted(p for p in folder.iterdir() if "T" in p.name)[:count]
    versions = []
    for version in dated:
        observed = date_from_path([version])
        assert observed is not None
        versions.append((observed, sorted(p for p in version.iterdir() if p.is_file())))
    return versions


def _database_state(store: Store, list_id: str) -> tuple[Any, dict[str, str], dict[str, Any]]:
    with store.read() as connection:
        tx = ListTransaction(connection, list_id)
        latest = tx.latest_applied_snapshot()
        hashes = tx.current_hashes()
        tag = units.code_tag(get_format("ofac-csv"))
        known = stored_fingerprints.read(connection, list_id, latest.id if latest else None, tag)
    return latest, hashes, known


@pytest.mark.parametrize("by_units", [True, False], ids=["units", "full-parse"])
def test_the_kept_state_is_the_database_s_after_every_version(
    by_units: bool, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read unit by unit, a version keeps the fingerprint set with its keys and rows, and
    every hash, from the baseline on (its hashes from its spill); read in full, it keeps
    every hash. Either way, what is kept is the database's."""
    monkeypatch.setenv(units.ENV, "1" if by_units else "0")
    store = Store(open_engine(db_url))
    config = Config(archive=tmp_path / "archive")
    for number, (observed, paths) in enumerate(_sdn_versions(VERSIONS)):
        _run(store, config, paths, observed)
        latest, hashes, known = _database_state(store, "sdn")
        kept = held_state.held(store, "sdn", latest)
        assert kept is not None, f"version {number} not kept"
        assert kept.count == len(hashes)
        assert kept.hashes is not None and dict(kept.hashes) == hashes
        if by_units:
            assert kept.units is not None and dict(kept.units) == known
            assert kept.keys == set(hashes)
            assert kept.fields is not None and sum(kept.fields.values()) == len(hashes)
            # sdn.csv alone: each unit is one row, held with its fingerprint
            assert kept.rows is not None and set(kept.rows.values()) == set(known)
            lines = gzip.decompress(paths[0].read_bytes()).removeprefix(b"\xef\xbb\xbf")
            assert set(kept.rows) == set(lines.splitlines(keepends=True)) - {b"\x1a"}
            assert all(row_fingerprint(row) == fp for row, fp in kept.rows.items())
        else:
            assert kept.units is None
    store.engine.dispose()


def test_another_process_s_version_makes_the_kept_state_unused_and_results_stay_exact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(units.ENV, "1")
    versions = _sdn_versions(VERSIONS)
    # One process for every version: the reference.
    alone = f"sqlite:///{tmp_path / 'alone.db'}"
    store = Store(open_engine(alone))
    for observed, paths in versions:
        _run(store, Config(archive=tmp_path / "a1"), paths, observed)
    store.engine.dispose()
    # Two processes (two Stores) taking turns on one database.
    shared = f"sqlite:///{tmp_path / 'shared.db'}"
    first, second = Store(open_engine(shared)), Store(open_engine(shared))
    config = Config(archive=tmp_path / "a2")
    for number, (observed, paths) in enumerate(versions):
        writer = second if number == 3 else first
        _run(writer, config, paths, observed)
        if number == 3:  # the first process's kept state is no longer the database's
            latest, _, _ = _database_state(first, "sdn")
            assert held_state.held(first, "sdn", latest) is None
    first.engine.dispose()
    second.engine.dispose()
    assert _state(shared) == _state(alone)


def test_a_version_s_file_is_decompressed_once(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(units.ENV, "1")
    store = Store(open_engine(sqlite_url))
    config = Config(archive=tmp_path / "archive")
    (first, first_paths), (second, second_paths) = _sdn_versions(2)
    _run(store, config, first_paths, first)
    opened: list[Path] = []
    real_open = gzip.open

    def counting(path: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(Path(path))
        return real_open(path, *args, **kwargs)

    real_whole = guards._read_whole

    def whole(source: SourceFile, most: int) -> bytes | None:  # the one-read path
        content = real_whole(source, most)
        if content is not None and source.content is None:
            opened.append(source.path)
        return content

    monkeypatch.setattr(files_module.gzip, "open", counting)
    monkeypatch.setattr(guards, "_read_whole", whole)
    result = _run(store, config, second_paths, second)
    assert result.status == "applied"
    assert opened == second_paths  # the guards' one read; every later stage read memory
    store.engine.dispose()
