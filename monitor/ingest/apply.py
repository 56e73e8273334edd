"""Applying a version under the list's lock, in one transaction: the last checks, on the
list's snapshots read there, then the baseline or the diff with its share and sweep
guards, the writes and the hooks.

An approval this ingest writes into the archive is taken back when the apply does not
happen; a committed state is kept in memory for the list's next version.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from monitor.config import ListConfig
from monitor.dates import utc_iso
from monitor.errors import OutOfOrder
from monitor.formats import Format
from monitor.ingest import differ, file_checks, guards, intake, settle, units
from monitor.ingest.request import IngestRequest, IngestResult
from monitor.ingest.spill import FirstVersionEvents, Spill
from monitor.kinds import EventKind, IngestStatus
from monitor.store.locks import serialised_by
from monitor.store.store import ListTransaction, NewSnapshot, Store

log = logging.getLogger(__name__)


def apply(
    store: Store,
    request: IngestRequest,
    snapshot: NewSnapshot,
    fmt: Format,
    taken: intake.Intake,
    decision: guards.Decision | None,
    folder: Path,
) -> IngestResult | None:
    """Hold or apply under the list's lock; None when the state is no longer the one read
    against.

    An approval this ingest writes into the archive (``folder``) is taken back when the
    apply fails or does not happen. Once committed, the state it made is held in memory
    for the list's next version.
    """
    noted: list[bool] = []
    try:
        result = _apply_locked(store, request, snapshot, fmt, taken, decision, folder, noted)
    except BaseException:
        if noted:
            guards.remove_decision(folder)
        raise
    if result is None and noted:  # the state moved: the next attempt writes it again
        guards.remove_decision(folder)
    committed = (IngestStatus.APPLIED, IngestStatus.BASELINE)
    if result is not None and result.snapshot_id is not None and result.status in committed:
        units.keep_applied(store, taken, result.snapshot_id)
    return result


def _apply_locked(
    store: Store,
    request: IngestRequest,
    snapshot: NewSnapshot,
    fmt: Format,
    taken: intake.Intake,
    decision: guards.Decision | None,
    folder: Path,
    noted: list[bool],
) -> IngestResult | None:
    """The checks under the lock and the apply itself, in one transaction holding the
    list's lock (and the locks its hooks serialise on): the list's snapshots are read there
    once, in one statement, and every rule is decided on that read (``noted`` is appended
    to when an approval was written into the archive). A result is final: the writer
    applies nothing more after this transaction (None: it reads the state again)."""
    serialise = serialised_by(request.hooks)
    with store.list_transaction(snapshot.list_id, serialise=serialise) as tx:
        result = _decide_and_apply(tx, request, snapshot, fmt, taken, decision, folder, noted)
        if result is not None:
            tx.end_writer()
        return result


def _decide_and_apply(
    tx: ListTransaction,
    request: IngestRequest,
    snapshot: NewSnapshot,
    fmt: Format,
    taken: intake.Intake,
    decision: guards.Decision | None,
    folder: Path,
    noted: list[bool],
) -> IngestResult | None:
    """The body of _apply_locked, in its transaction."""
    seen = tx.snapshots(snapshot.sha256, snapshot.observed_at)
    if not request.approved and (waiting := settle.held_earlier(seen, snapshot, fmt)) is not None:
        return settle.hold(tx, seen, snapshot, waiting, taken.count)
    approved = request.approved or (decision is not None and decision.approved)
    missing = file_checks.missing_roles(seen.latest_applied, snapshot, fmt)
    if missing.status != "ok" and not approved:
        return settle.hold(tx, seen, snapshot, missing.reason, taken.count)
    if request.approved and decision is None:
        approval = file_checks.note_approval(request, snapshot, folder)
        noted.append(True)
    else:
        approval = decision.describe() if approved and decision is not None else ""
    known = seen.known
    reopen = (approved or request.recheck_quarantined) and known is not None
    if known is not None and not (reopen and known.status == IngestStatus.QUARANTINED):
        return settle.skipped(snapshot, known.id)
    existing = known.id if known is not None else None
    latest = seen.latest_state
    if latest is not None and latest.sha256 == snapshot.sha256:
        snapshot_id = tx.record_snapshot(
            snapshot, status=IngestStatus.UNCHANGED, record_count=taken.count
        )
        return IngestResult.of(
            snapshot, IngestStatus.UNCHANGED, snapshot_id=snapshot_id, record_count=taken.count
        )
    if latest is not None and snapshot.observed_at < latest.observed_at:
        raise OutOfOrder(
            f"list {snapshot.list_id}: another process applied a newer snapshot "
            f"({utc_iso(latest.observed_at)}) first; this one "
            f"({utc_iso(snapshot.observed_at)}) was not applied"
        )
    if not taken.base.is_current(seen.latest_applied):
        return None
    write_units = _UnitsWriter(tx=tx, taken=taken)
    if taken.first is not None:  # no stored state: every entry is new
        result = _apply_baseline(tx, snapshot, taken.first, existing, write_units)
    else:
        target = settle.Target(
            snapshot=snapshot, existing=existing, approved=approved, approval=approval
        )
        absent = file_checks.absent_roles(snapshot, fmt)
        result = _apply_diff(tx, request.list_config, target, taken, absent, write_units)
    if result.snapshot_id is not None and result.status in (
        IngestStatus.BASELINE,
        IngestStatus.APPLIED,
    ):
        for hook in request.hooks:
            hook(tx, result.snapshot_id, result.events, snapshot.recorded_at)
    return result


@dataclass(frozen=True, kw_only=True)
class _UnitsWriter:
    """The fingerprints of the new state (none when the version was read whole), written in
    the transaction with the state's own writes."""

    tx: ListTransaction
    taken: intake.Intake

    @property
    def rows(self) -> int:
        """How many fingerprint rows it writes."""
        return len(self.taken.plan.added) if isinstance(self.taken, units.UnitIntake) else 0

    def __call__(self, snapshot_id: int) -> None:
        if isinstance(self.taken, units.UnitIntake):
            self.taken.plan.write(self.tx.connection, self.tx.list_id, snapshot_id)


def _apply_baseline(
    tx: ListTransaction,
    snapshot: NewSnapshot,
    first: Spill,
    existing: int | None,
    write_units: _UnitsWriter,
) -> IngestResult:
    """Every entry listed, written from the spill one batch at a time (never all in memory),
    then by ``write_units`` the fingerprints of the new state."""
    counts = {"listed": first.count}
    snapshot_id = settle.Target(snapshot=snapshot, existing=existing).record(
        tx, status=IngestStatus.APPLIED, record_count=first.count, baseline=True, summary=counts
    )
    for batch in first.batches():
        tx.insert_baseline(snapshot_id, batch, snapshot.observed_at)
    write_units(snapshot_id)
    log.debug("list %s: baseline of %s entries", snapshot.list_id, first.count)
    return IngestResult.of(
        snapshot,
        IngestStatus.BASELINE,
        snapshot_id=snapshot_id,
        record_count=first.count,
        counts=counts,
        events=FirstVersionEvents(first, snapshot.list_id, snapshot.observed_at),
    )


def _held_by(
    tx: ListTransaction, target: settle.Target, taken: intake.Intake, verdict: guards.Verdict
) -> IngestResult | None:
    """Quarantine the snapshot when a share guard says so, unless an operator approved it."""
    snapshot = target.snapshot
    if verdict.status == "ok":
        return None
    if target.approved:
        log.warning(
            "list %s: %s, despite: %s",
            snapshot.list_id,
            target.approval or "approved by the operator",
            verdict.reason,
        )
        return None
    log.warning("list %s: snapshot quarantined: %s", snapshot.list_id, verdict.reason)
    snapshot_id = target.record(
        tx, status=IngestStatus.QUARANTINED, record_count=taken.count, message=verdict.reason
    )
    return IngestResult.of(
        snapshot,
        IngestStatus.QUARANTINED,
        snapshot_id=snapshot_id,
        record_count=taken.count,
        message=verdict.reason,
    )


def _apply_diff(
    tx: ListTransaction,
    list_config: ListConfig,
    target: settle.Target,
    taken: intake.Intake,
    absent: str,
    write_units: _UnitsWriter,
) -> IngestResult:
    """Hold the version, or apply it: its snapshot row, then its writes together
    (:meth:`ListTransaction.pipelined`): the versions it closes and writes, its events and,
    by ``write_units``, the fingerprints of the new state."""
    snapshot = target.snapshot
    by_key = taken.changed
    classification = taken.classify()
    verdict = guards.check_shares(
        current=taken.current_count,
        added=len(classification.added),
        removed=len(classification.removed),
        expect=list_config.expect,
    )
    if (held := _held_by(tx, target, taken, verdict)) is not None:
        return held
    previous, seen_before = tx.before_changes(
        [*classification.removed, *classification.changed], classification.added
    )
    events = differ.build_events(
        differ.DiffInput(
            list_id=snapshot.list_id,
            observed_at=snapshot.observed_at,
            added={k: by_key[k] for k in classification.added},
            removed={k: previous[k] for k in classification.removed},
            changed={k: (previous[k], by_key[k]) for k in classification.changed},
            seen_before=seen_before,
            detect_rekeys=list_config.detect_rekeys,
        )
    )
    counts = {kind.value: sum(1 for e in events if e.kind == kind) for kind in EventKind}
    sweep = guards.check_sweep(
        current=taken.current_count,
        modified=counts["modified"],
        losses=differ.field_losses(
            ((previous[k], by_key[k]) for k in classification.changed), taken.kept_fields
        ),
        top_fields=differ.changed_fields(events),
        expect=list_config.expect,
        absent=absent,
    )
    if (held := _held_by(tx, target, taken, sweep)) is not None:
        return held
    message = "approved by the operator" if target.approved else ""
    snapshot_id = target.record(
        tx, status=IngestStatus.APPLIED, record_count=taken.count, summary=counts, message=message
    )
    changed_records = [by_key[k] for k in (*classification.added, *classification.changed)]
    with tx.pipelined(rows=len(changed_records) + len(events) + write_units.rows):
        closed = (*classification.removed, *classification.changed)
        tx.apply_changes(snapshot_id, changed_records, closed, events)
        write_units(snapshot_id)
    changed = ", ".join(f"{n} {kind}" for kind, n in counts.items() if n) or "no entry changed"
    log.debug("list %s: %s", snapshot.list_id, changed)
    return IngestResult.of(
        snapshot,
        IngestStatus.APPLIED,
        snapshot_id=snapshot_id,
        record_count=taken.count,
        counts=counts,
        events=tuple(events),
    )
