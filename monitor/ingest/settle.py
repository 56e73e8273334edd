"""Settling a version without applying it: already recorded (skipped), the same content
as the current state (unchanged), waiting behind an earlier held version or lacking a
file role (quarantined), or rejected.

Also :class:`Target`, the snapshot row that a hold or an apply writes: a new row, or a
quarantined row settled in place.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from monitor.dates import utc_iso
from monitor.errors import OutOfOrder
from monitor.formats import Format
from monitor.ingest import guards
from monitor.ingest.request import IngestResult
from monitor.kinds import IngestStatus
from monitor.store.store import ListSnapshots, ListTransaction, NewSnapshot, SnapshotInfo, Store

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class Target:
    """The snapshot being applied: a new row, or a quarantined row settled in place."""

    snapshot: NewSnapshot
    existing: int | None = None
    approved: bool = False
    approval: str = ""  # the operator's decision, described, for the log

    def record(self, tx: ListTransaction, **values: Any) -> int:
        if self.existing is None:
            return tx.record_snapshot(self.snapshot, **values)
        return tx.update_snapshot(self.existing, **values)


def known_or_unchanged(
    store: Store,
    snapshot: NewSnapshot,
    seen: ListSnapshots,
    decision: guards.Decision | None,
    *,
    reopen: bool,
) -> IngestResult | None:
    """Settled before any parse: recorded already, the current content, or out of order."""
    known = seen.known
    if known is None and decision is not None and not decision.approved:
        known = store.find_rejected(snapshot.list_id, snapshot.sha256, snapshot.observed_at)
    if known is not None and not (reopen and known.status == IngestStatus.QUARANTINED):
        return skipped(snapshot, known.id)
    latest = seen.latest_state
    if latest is not None and latest.sha256 == snapshot.sha256:
        return _record_unchanged(store, snapshot)
    if latest is not None and snapshot.observed_at < latest.observed_at:
        raise OutOfOrder(
            f"list {snapshot.list_id}: this snapshot ({utc_iso(snapshot.observed_at)}) is older "
            f"than the current state ({utc_iso(latest.observed_at)}); versions apply in order, "
            "so it was neither applied nor archived (to add it to the history, rebuild the "
            "database with 'watchlist-monitor replay' over an archive that holds it)"
        )
    held = _held_copy(seen, snapshot)
    if known is None and held is not None:
        return skipped(snapshot, held.id, f"same content as quarantined snapshot {held.id}")
    return None


def _held_copy(seen: ListSnapshots, snapshot: NewSnapshot) -> SnapshotInfo | None:
    """A quarantined snapshot with the same content, still waiting for a decision.

    A daemon fetching the same suspicious file every hour reports it once.
    """
    latest = seen.latest_state
    for held in seen.quarantined:
        newer = latest is None or held.observed_at > latest.observed_at
        if newer and held.sha256 == snapshot.sha256:
            return held
    return None


def held_earlier(seen: ListSnapshots, snapshot: NewSnapshot, fmt: Format) -> str | None:
    """Why this version must wait: an earlier version of the list is held for review.

    Nothing newer is applied over a version that did not apply: applied over a
    held one, it would make the held version's changes silently part of a later
    step (or, for a delta, build a state the publisher never had), and the
    person deciding would find the question already answered. So it waits,
    quarantined, and approving or rejecting the held one re-checks it. Asked under the
    list's lock, after the take, of the snapshots read there (``seen``).
    """
    latest = seen.latest_state
    for held in seen.quarantined:
        after_state = latest is None or held.observed_at > latest.observed_at
        if after_state and held.observed_at < snapshot.observed_at:
            what = "delta snapshot" if fmt.delta else "snapshot"
            rule = "deltas apply in order" if fmt.delta else "versions apply in order"
            return (
                f"waits for the quarantined {what} {held.id} ({utc_iso(held.observed_at)}): "
                f"{rule}; approve or reject that one first"
            )
    return None


def hold(
    tx: ListTransaction, seen: ListSnapshots, snapshot: NewSnapshot, reason: str, count: int
) -> IngestResult:
    """Quarantine the snapshot (a row already held keeps its place, with the new reason).

    In the list's locked transaction, against its snapshots read there (``seen``):
    another process may have settled this version since the checks before the lock
    (it is then skipped: an applied row never turns quarantined) or applied a newer
    one (then this one is out of order, as in :func:`monitor.ingest.apply.apply`).
    """
    known = seen.known
    if known is not None and known.status != IngestStatus.QUARANTINED:
        return skipped(snapshot, known.id)
    latest = seen.latest_state
    if known is None and latest is not None and snapshot.observed_at < latest.observed_at:
        raise OutOfOrder(
            f"list {snapshot.list_id}: another process applied a newer snapshot "
            f"({utc_iso(latest.observed_at)}) first; this one "
            f"({utc_iso(snapshot.observed_at)}) was not held"
        )
    log.warning("list %s: snapshot quarantined: %s", snapshot.list_id, reason)
    target = Target(snapshot=snapshot, existing=known.id if known else None)
    snapshot_id = target.record(
        tx, status=IngestStatus.QUARANTINED, record_count=count, message=reason
    )
    return IngestResult.of(
        snapshot,
        IngestStatus.QUARANTINED,
        snapshot_id=snapshot_id,
        record_count=count,
        message=reason,
    )


def skipped(snapshot: NewSnapshot, snapshot_id: int, message: str = "") -> IngestResult:
    return IngestResult.of(
        snapshot,
        IngestStatus.SKIPPED,
        snapshot_id=snapshot_id,
        message=message,
    )


def _record_unchanged(store: Store, snapshot: NewSnapshot) -> IngestResult:
    """Same bytes as the current state: recorded as a check, never parsed."""
    with store.list_transaction(snapshot.list_id) as tx:
        latest = tx.latest_state_snapshot()
        count = latest.record_count if latest else None
        snapshot_id = tx.record_snapshot(
            snapshot, status=IngestStatus.UNCHANGED, record_count=count
        )
    return IngestResult.of(
        snapshot,
        IngestStatus.UNCHANGED,
        snapshot_id=snapshot_id,
        record_count=count,
    )


def reject(store: Store, snapshot: NewSnapshot, reason: str, count: int | None) -> IngestResult:
    log.info("list %s: snapshot rejected: %s", snapshot.list_id, reason)
    with store.list_transaction(snapshot.list_id) as tx:
        snapshot_id = tx.record_snapshot(
            snapshot, status=IngestStatus.REJECTED, record_count=count, message=reason
        )
    return IngestResult.of(
        snapshot,
        IngestStatus.REJECTED,
        snapshot_id=snapshot_id,
        record_count=count,
        message=reason,
    )
