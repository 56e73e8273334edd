"""Quarantined snapshots: list them, approve one (then re-check later ones), or reject one.

A snapshot that would delist (or list) more of a list than its ``expect``
allows is archived but not applied. Only a person can tell a real mass
delisting from a broken download, so the decision is theirs; it is written
next to the snapshot's files in the archive (see :mod:`monitor.ingest.guards`), so a
replay of the archive into a new database takes the same decision.

Approving applies the snapshot through the pipeline (the only place that
applies anything) and then re-checks, in order, the list's later quarantined
snapshots against the new state: a run of suspicious downloads after one real
mass delisting settles with one decision.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from monitor.config import Config
from monitor.dates import utc_iso
from monitor.errors import InputError
from monitor.formats import AUTO
from monitor.ingest import guards
from monitor.service.hooks import EntryPoint, hooks_for
from monitor.store import schema as t
from monitor.store.store import Store, as_utc

if TYPE_CHECKING:  # the pipeline (and its differ) is imported when a decision applies
    from monitor.ingest.pipeline import IngestRequest, IngestResult


@dataclass(frozen=True, kw_only=True)
class Held:
    """One quarantined (or just decided) snapshot, as an operator sees it."""

    id: int
    list_id: str
    status: str
    sha256: str
    observed_at: datetime
    record_count: int | None
    message: str
    format: str
    source_uri: str
    files: list[dict[str, Any]]

    @property
    def paths(self) -> list[Path]:
        return [Path(str(f["path"])) for f in self.files if f.get("path")]

    @property
    def folder(self) -> Path | None:
        return guards.decision_folder(self.paths) if self.paths else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "snapshot": self.id,
            "list": self.list_id,
            "status": self.status,
            "observed_at": utc_iso(self.observed_at),
            "entries": self.record_count,
            "reason": self.message,
            "folder": str(self.folder) if self.folder else None,
            "sha256": self.sha256,
        }


def _held(row: Any) -> Held:
    return Held(
        id=row.id,
        list_id=row.list_id,
        status=row.status,
        sha256=row.sha256,
        observed_at=as_utc(row.observed_at) or datetime.min,
        record_count=row.record_count,
        message=row.message or "",
        format=row.format or "",
        source_uri=row.source_uri or "",
        files=list(row.files or []),
    )


def pending(connection: Connection, list_id: str | None = None) -> list[Held]:
    """Every quarantined snapshot (of one list), oldest first: what `status` should show."""
    statement = (
        select(t.snapshots)
        .where(t.snapshots.c.status == "quarantined")
        .order_by(t.snapshots.c.list_id, t.snapshots.c.observed_at, t.snapshots.c.id)
    )
    if list_id is not None:
        statement = statement.where(t.snapshots.c.list_id == list_id)
    return [_held(row) for row in connection.execute(statement)]


def find(store: Store, snapshot_id: int) -> Held:
    with store.read() as connection:
        row = connection.execute(select(t.snapshots).where(t.snapshots.c.id == snapshot_id)).first()
    if row is None:
        raise InputError(
            f"no snapshot {snapshot_id}; 'watchlist-monitor quarantine list' shows the ids"
        )
    return _held(row)


def approve(
    store: Store,
    config: Config,
    snapshot_id: int,
    *,
    now: datetime,
    progress: Callable[[IngestResult, int, int], None] | None = None,
    by: str = "",
    reason: str = "",
) -> list[IngestResult]:
    """Apply a quarantined snapshot, then re-check the list's later quarantined ones in order.

    ``by`` names who approved it in the archive decision (the web app's form), and
    ``reason`` why (the command's ``--reason``).

    Running it again after an interruption finishes the re-checks. ``progress`` is
    told of each result as it comes, with its position and the total, so that a
    long cascade (years of held versions) shows that it moves.
    """
    from monitor.ingest.pipeline import ingest

    held = find(store, snapshot_id)
    later = [s for s in store.quarantined(held.list_id) if s.observed_at > held.observed_at]
    total = len(later) + (0 if _already_approved(held) else 1)
    results: list[IngestResult] = []

    def done(result: IngestResult) -> None:
        results.append(result)
        if progress is not None:
            progress(result, len(results), total)

    if not _already_approved(held):
        _check_can_approve(store, held)
        done(
            ingest(
                store, config, _request(config, held, approved=True, by=by, reason=reason), now=now
            )
        )
        if results[0].status not in ("applied", "baseline"):
            return results
    for snapshot in later:
        again = find(store, snapshot.id)
        done(ingest(store, config, _request(config, again, recheck=True), now=now))
    return results


def _already_approved(held: Held) -> bool:
    if held.status != "applied" or held.folder is None:
        return False
    decision = guards.read_decision(held.paths, held.sha256)
    return decision is not None and decision.approved


def _check_can_approve(store: Store, held: Held) -> None:
    label = f"snapshot {held.id} ({held.list_id} @ {utc_iso(held.observed_at)})"
    if held.status != "quarantined":
        raise InputError(f"{label} is {held.status}, not quarantined; nothing to approve")
    latest = store.latest_state_snapshot(held.list_id)
    if latest is not None and latest.observed_at > held.observed_at:
        raise InputError(
            f"{label} cannot be approved: a later snapshot (id {latest.id}, "
            f"{utc_iso(latest.observed_at)}) is already the current state, and approving an "
            "older one would rewrite history; reject it instead"
        )
    missing = [str(path) for path in held.paths if not path.is_file()]
    if missing or not held.paths:
        raise InputError(f"{label}: its archived files are missing ({', '.join(missing)})")


def _request(
    config: Config,
    held: Held,
    *,
    approved: bool = False,
    recheck: bool = False,
    by: str = "",
    reason: str = "",
) -> IngestRequest:
    from monitor.ingest.pipeline import IngestRequest

    return IngestRequest(
        list_config=config.list_config(held.list_id),
        paths=held.paths,
        input_format=held.format or AUTO,
        observed_at=held.observed_at,
        source_uri=held.source_uri,
        approved=approved,
        recheck_quarantined=recheck,
        decided_by=by,
        decision_reason=reason or "approved from the quarantine",
        hooks=hooks_for(EntryPoint.APPROVE, config, config.list_config(held.list_id)),
    )


def reject(
    store: Store, snapshot_id: int, *, now: datetime, reason: str = "", by: str = ""
) -> Held:
    """Mark a quarantined snapshot rejected for good; its files stay in the archive as evidence."""
    held = find(store, snapshot_id)
    label = f"snapshot {held.id} ({held.list_id} @ {utc_iso(held.observed_at)})"
    if held.status == "rejected":
        return held
    decision = guards.Decision(
        verdict="rejected",
        sha256=held.sha256,
        at=utc_iso(now),
        reason=reason or held.message,
        by=by,
    )
    with store.list_transaction(held.list_id) as tx:
        current = tx.snapshot(held.id)
        if current is None or current.status != "quarantined":
            status = current.status if current else "gone"
            raise InputError(f"{label} is {status}, not quarantined; nothing to reject")
        if held.folder is not None and held.folder.is_dir():
            guards.write_decision(held.folder, decision)
        tx.update_snapshot(
            held.id,
            status="rejected",
            record_count=current.record_count,
            message=decision.describe(),
        )
    return find(store, snapshot_id)


def recheck_waiting(
    store: Store,
    config: Config,
    rejected: Held,
    *,
    now: datetime,
    progress: Callable[[IngestResult, int, int], None] | None = None,
) -> list[IngestResult]:
    """After a rejection, check again the later full versions that waited for it.

    They were held only because an earlier version was; with that one settled
    they are judged on their own against the current state. Deltas stay held:
    made against a state that included the rejected delta, they cannot apply
    without it (a full snapshot must come to rebuild the list).
    """
    waiting = [
        find(store, s.id)
        for s in store.quarantined(rejected.list_id)
        if s.observed_at > rejected.observed_at and "waits for the quarantined" in s.message
    ]
    waiting = [h for h in waiting if not _is_delta(h)]
    from monitor.ingest.pipeline import ingest

    results: list[IngestResult] = []
    for held in waiting:
        results.append(ingest(store, config, _request(config, held, recheck=True), now=now))
        if progress is not None:
            progress(results[-1], len(results), len(waiting))
    return results


def _is_delta(held: Held) -> bool:
    from monitor.formats import registry

    plugin = registry().get(held.format)
    return plugin is not None and plugin().delta
