"""Shared helpers of the watchlist tests: the real OFAC consolidated versions and their records."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from monitor.config import Config, Expect, ListConfig
from monitor.files import SourceFile
from monitor.formats import resolve_format
from monitor.ingest.pipeline import IngestRequest, IngestResult, ingest
from monitor.records import Record
from monitor.store import Store, open_engine
from monitor.watchlists.hooks import watchlist_hooks
from tests.conftest import FIXTURES, SNAPSHOTS

CONS = SNAPSHOTS / "us-ofac-cons"
CONS_2021 = CONS / "2021-06-03T0000Z"  # classic XML, 446 entries
# the complete CSV file set (prim, add, alt, comments), 442 entries, incl. the December 2021
# NS-CMIC additions
CONS_2025 = CONS / "2025-12-19T1823Z"
WATCH_FIXTURES = FIXTURES / "watchlists"
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
CONS_LIST = ListConfig(id="us-ofac-cons", expect=Expect(max_records=5000, max_removed_share=0.6))


@cache
def records(folder: Path) -> tuple[Record, ...]:
    """The parsed records of one shipped version (parsed once per test session)."""
    # the list's files, not an operator decision kept beside them (_decision.json)
    files = [SourceFile.from_path(p) for p in sorted(folder.iterdir()) if p.name[0] != "_"]
    return tuple(resolve_format("auto", files).parse(files))


def record_named(folder: Path, name: str) -> Record:
    return next(r for r in records(folder) if r.name == name)


def make_config(archive: Path, *watchlists: dict[str, Any]) -> Config:
    return Config(archive=archive, lists=(CONS_LIST,), watchlists=watchlists)


def run(store: Store, config: Config, folder: Path) -> IngestResult:
    """Ingest one shipped version the way the ingest and replay commands do, hooks included."""
    request = IngestRequest(
        list_config=CONS_LIST,
        paths=sorted(folder.iterdir()),
        observed_at=None,
        hooks=watchlist_hooks(config),
    )
    return ingest(store, config, request, now=NOW)


@pytest.fixture
def store(db_url: str) -> Store:
    return Store(open_engine(db_url))
