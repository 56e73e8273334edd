"""The performance mechanisms, guarded by counting work rather than timing it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from monitor import differ
from monitor.config import Config, ListConfig
from monitor.formats.ofac_csv import OfacCsv
from monitor.pipeline import IngestRequest, ingest
from monitor.store import Store, open_engine
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
