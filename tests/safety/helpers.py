"""Helpers of the safety tests: what "the stored state did not change" means, real files."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from monitor.config import Config, ListConfig
from monitor.files import SourceFile, snapshot_digest
from monitor.ingest import guards
from monitor.ingest.pipeline import IngestRequest, IngestResult, ingest
from monitor.store import Store
from monitor.store import schema as t

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def fingerprint(store: Store) -> dict[str, Any]:
    """Everything a snapshot can change, with row ids replaced by snapshot hashes.

    Two databases with the same fingerprint hold the same applied history,
    the same entry versions and the same events, whatever their ids.
    """
    with store.read() as connection:
        snapshots = {
            row.id: row
            for row in connection.execute(select(t.snapshots).order_by(t.snapshots.c.id))
        }

        def sha(snapshot_id: int | None) -> str | None:
            return None if snapshot_id is None else snapshots[snapshot_id].sha256

        versions = sorted(
            (row.list_id, row.key, row.content_hash, sha(row.valid_from), sha(row.valid_to) or "")
            for row in connection.execute(select(t.entity_versions))
        )
        events = sorted(
            (
                row.list_id,
                row.key,
                row.kind,
                row.name,
                str(row.observed_at)[:19],
                sha(row.snapshot_id) or "",
                repr(row.changes),
            )
            for row in connection.execute(select(t.events))
        )
        deliveries = sorted(
            (sha(row.snapshot_id) or "", row.channel)
            for row in connection.execute(select(t.deliveries))
        )
    applied = sorted(
        (row.list_id, row.sha256, str(row.observed_at)[:19], row.status, row.record_count)
        for row in snapshots.values()
        if row.status in ("applied", "quarantined")
    )
    return {"snapshots": applied, "versions": versions, "events": events, "deliveries": deliveries}


def current_state(store: Store, list_id: str) -> dict[str, str]:
    with store.read() as connection:
        rows = connection.execute(
            select(t.entity_versions.c.key, t.entity_versions.c.content_hash).where(
                t.entity_versions.c.list_id == list_id, t.entity_versions.c.valid_to.is_(None)
            )
        )
        return dict(rows.all())


def statuses(store: Store, list_id: str) -> list[tuple[str, str]]:
    """(observed_at, status) of every snapshot row of a list, in order of recording."""
    with store.read() as connection:
        rows = connection.execute(
            select(t.snapshots.c.observed_at, t.snapshots.c.status)
            .where(t.snapshots.c.list_id == list_id)
            .order_by(t.snapshots.c.id)
        )
        return [(str(observed)[:16], status) for observed, status in rows]


def run(
    store: Store,
    config: Config,
    paths: list[Path] | Path,
    *,
    list_config: ListConfig | None = None,
    list_id: str = "us-ofac-sdn",
    observed: datetime | None = None,
    input_format: str = "auto",
) -> IngestResult:
    """Ingest like the CLI does, with the list's default (unconfigured) safety rails."""
    request = IngestRequest(
        list_config=list_config or ListConfig(id=list_id),
        paths=paths if isinstance(paths, list) else [paths],
        observed_at=observed,
        input_format=input_format,
    )
    return ingest(store, config, request, now=NOW)


def plain_bytes(path: Path) -> bytes:
    """The content of a real file as published: a stored .gz decompressed, a ZIP's one member."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        return gzip.decompress(data)
    if data[:2] == b"PK":
        from monitor.files import SourceFile
        from monitor.formats import _zip

        with _zip.open_single_member(SourceFile.from_path(path)) as stream:
            return stream.read()
    return data


def write(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


def drop_rows(data: bytes, share: float, *, newline: bytes = b"\r\n") -> bytes:
    """A real OFAC CSV with the last ``share`` of its rows removed, ending kept intact.

    This is what a real mass delisting would look like (a shorter but complete
    file), as opposed to a truncated download.
    """
    body = data.rstrip(b"\x1a").rstrip(b"\r\n")
    lines = body.split(newline)
    kept = lines[: int(len(lines) * (1 - share))]
    return newline.join(kept) + newline + b"\x1a"


# The real 2025-04-21 consolidated copy has cons_prim.csv and cons_add.csv only: held for
# lacking the aliases file, unless a person approved it, as series that include it do.
INCOMPLETE_CONS = "2025-04-21_li-xiaohui"


def approve_version(folder: Path, reason: str) -> None:
    """An operator's approval of the version in ``folder``, kept beside its files.

    A decision is read from the folder the files really are in, so linked files are
    copied in first.
    """
    for path in folder.iterdir():
        if path.is_symlink():
            data = path.read_bytes()
            path.unlink()
            path.write_bytes(data)
    files = [SourceFile.from_path(p) for p in sorted(folder.iterdir()) if p.name[0] != "_"]
    digest = snapshot_digest([(f.name, f.sha256()) for f in files])
    decision = guards.Decision(
        verdict="approved", sha256=digest, at="2026-11-29T12:00:00Z", reason=reason
    )
    guards.write_decision(folder, decision)
