"""The pipeline: the only place that sequences the stages for one snapshot.

read files -> same bytes as the current state? stop -> parse -> guard ->
archive -> (locked transaction) diff against the stored state -> store.
Each stage is a function of its own module; this module only calls them in
order and turns their outcome into an :class:`IngestResult`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from monitor import differ, guards
from monitor.archive import store_snapshot
from monitor.config import Config, ListConfig
from monitor.dates import date_from_path, utc_iso
from monitor.delta import apply_delta
from monitor.errors import FormatDetectionError, InputError, ParseError
from monitor.formats import AUTO, Format, resolve_format
from monitor.records import Event, Record
from monitor.sources import SourceFile, snapshot_digest
from monitor.store.store import ListTransaction, NewSnapshot, SnapshotInfo, Store

log = logging.getLogger(__name__)


class ApplyHook(Protocol):
    """Work that must commit or roll back together with a snapshot's events.

    Called inside the locked transaction right after the events are written,
    e.g. to queue deliveries (the outbox) or raise watchlist alerts, so a crash
    never leaves events without their deliveries or alerts, or the reverse.
    """

    def __call__(self, tx: ListTransaction, snapshot_id: int, events: Sequence[Event]) -> None: ...


@dataclass(frozen=True, kw_only=True)
class IngestRequest:
    """One snapshot to ingest: its files and how to read and date them."""

    list_config: ListConfig
    paths: Sequence[Path]
    input_format: str = "auto"
    observed_at: datetime | None = None
    source_uri: str = ""
    allow_current_time: bool = False
    hooks: Sequence[ApplyHook] = ()
    # An operator reviewed this snapshot: the shape and share guards are skipped,
    # and the approval is written into its archive folder so that a replay agrees.
    approved: bool = False
    # Check a quarantined snapshot again against the current state (after an approval).
    recheck_quarantined: bool = False


@dataclass(frozen=True, kw_only=True)
class IngestResult:
    """What happened to one snapshot, for the summary line and the caller."""

    list_id: str
    status: str  # baseline | applied | unchanged | skipped | rejected | quarantined
    observed_at: datetime | None
    snapshot_id: int | None = None
    record_count: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    message: str = ""
    events: tuple[Event, ...] = ()
    dated_now: bool = False

    @classmethod
    def of(cls, snapshot: NewSnapshot, status: str, **details: Any) -> IngestResult:
        """The outcome for this snapshot: its list and observation time, plus details."""
        return cls(
            list_id=snapshot.list_id, status=status, observed_at=snapshot.observed_at, **details
        )

    @property
    def failed(self) -> bool:
        return self.status == "rejected"

    def summary_line(self) -> str:
        when = utc_iso(self.observed_at) if self.observed_at else "?"
        head = f"{self.list_id} @ {when}: "
        if self.dated_now:
            head = head[:-2] + " (no date in the file or its path: observed now): "
        if self.status == "baseline":
            return head + f"baseline: {self.record_count} entries"
        if self.status == "applied":
            parts = [f"{n} {kind}" for kind, n in self.counts.items() if n]
            return head + (", ".join(parts) if parts else "no entry changed")
        if self.status == "unchanged":
            return head + "unchanged (same content as the current state)"
        if self.status == "skipped":
            return head + "already recorded, skipped"
        return head + f"{self.status}: {self.message}"


def ingest(store: Store, config: Config, request: IngestRequest, *, now: datetime) -> IngestResult:
    """Ingest one snapshot; bad input is rejected and the stored state stays as it was."""
    result = _ingest(store, config, request, now)
    if result.observed_at == now and request.observed_at is None:
        result = replace(result, dated_now=True)
    return result


def _ingest(store: Store, config: Config, request: IngestRequest, now: datetime) -> IngestResult:
    list_id = request.list_config.id
    files = [SourceFile.from_path(path) for path in request.paths]
    if not files:
        raise InputError(f"list {list_id}: no input files")
    hashes = guards.content_hashes(files)  # one pass: size limit and sha256 together
    digest = snapshot_digest([(f.name, h) for f, h in zip(files, hashes, strict=True)])
    content = guards.check_content(files)
    if content.status != "ok":
        error = InputError(content.reason)
        return _reject_unreadable(store, request, files, hashes, digest, error, now)
    try:
        fmt = resolve_format(request.input_format, files).configure(request.list_config.mapping)
    except FormatDetectionError as exc:
        return _reject_unreadable(store, request, files, hashes, digest, exc, now)
    observed_at = _observed_at(request, fmt, files, now)
    store.ensure_list(list_id, title=request.list_config.title, format=fmt.kind, now=now)
    snapshot = NewSnapshot(
        list_id=list_id,
        sha256=digest,
        files=_file_facts(files, hashes),
        source_uri=request.source_uri,
        format=fmt.kind,
        observed_at=observed_at,
        published_at=fmt.published_at(files),
        recorded_at=now,
    )
    decision = guards.read_decision(request.paths, digest)
    approved = request.approved or (decision is not None and decision.approved)
    reopen = approved or request.recheck_quarantined
    early = _known_or_unchanged(store, snapshot, decision, reopen=reopen)
    if early is not None:
        return early
    verdict = _check_files(store, list_id, fmt, files, decision, approved=approved)
    if verdict.status != "ok":
        return _reject(store, snapshot, verdict.reason, None)
    try:
        records = _parse_delta(store, list_id, fmt, files) if fmt.delta else _parse(fmt, files)
    except ParseError as exc:
        return _reject(store, snapshot, str(exc), None)
    verdict = guards.check_records(records)
    if verdict.status == "ok":
        verdict = guards.check_count(len(records), request.list_config.expect)
    if verdict.status != "ok":
        return _reject(store, snapshot, verdict.reason, len(records))
    archived = store_snapshot(config.archive, list_id, observed_at, files, hashes)
    snapshot = NewSnapshot(**{**snapshot.__dict__, "files": _file_facts(archived.files, hashes)})
    if request.approved and decision is None:
        return _apply_approved(store, request, snapshot, records, archived.folder, now)
    return _apply(store, request, snapshot, records, approved=approved)


def _check_files(
    store: Store,
    list_id: str,
    fmt: Format,
    files: list[SourceFile],
    decision: guards.Decision | None,
    *,
    approved: bool,
) -> guards.Verdict:
    """Guards on the raw files: an operator's rejection, another kind of file, a changed shape."""
    if decision is not None and not decision.approved:
        return guards.rejected(decision.describe())
    verdict = guards.check_family(files, fmt)
    if verdict.status != "ok" or approved:
        return verdict
    known = store.latest_applied_snapshot(list_id)
    return verdict if known is None else guards.check_shape(_known_files(known), files)


def _known_files(known: SnapshotInfo) -> list[SourceFile]:
    """The archived files of the list's last good version (files no longer there are skipped)."""
    paths = [(Path(str(f.get("path", ""))), str(f.get("name", ""))) for f in known.files]
    return [SourceFile(path=path, name=name) for path, name in paths if path.is_file()]


def _reject_unreadable(
    store: Store,
    request: IngestRequest,
    files: list[SourceFile],
    hashes: list[str],
    digest: str,
    error: InputError,
    now: datetime,
) -> IngestResult:
    """An empty, HTML or unrecognisable download is a rejected check of a list with a state.

    A list without a state has nothing to protect yet: the error is raised as is.
    """
    list_id = request.list_config.id
    observed_at = request.observed_at or date_from_path(request.paths)
    if observed_at is None and request.allow_current_time:
        observed_at = now
    if observed_at is None or store.latest_state_snapshot(list_id) is None:
        raise error
    snapshot = NewSnapshot(
        list_id=list_id,
        sha256=digest,
        files=_file_facts(files, hashes),
        source_uri=request.source_uri,
        format=request.input_format if request.input_format != AUTO else "",
        observed_at=observed_at,
        published_at=None,
        recorded_at=now,
    )
    return _reject(store, snapshot, str(error), None)


def _apply_approved(
    store: Store,
    request: IngestRequest,
    snapshot: NewSnapshot,
    records: list[Record],
    folder: Path,
    now: datetime,
) -> IngestResult:
    """Write the approval into the archive, then apply; a failed apply takes the note back.

    The archive is the source of truth: a crash between the two leaves an approved
    snapshot that the next replay (or the same command) applies.
    """
    decision = guards.Decision(
        verdict="approved", sha256=snapshot.sha256, at=utc_iso(now), reason="approved on ingest"
    )
    guards.write_decision(folder, decision)
    try:
        return _apply(store, request, snapshot, records, approved=True)
    except BaseException:
        guards.remove_decision(folder)
        raise


def _observed_at(
    request: IngestRequest, fmt: Format, files: list[SourceFile], now: datetime
) -> datetime:
    """The explicit time, else a timestamp in the path, else the file's publish date."""
    observed = request.observed_at or date_from_path(request.paths) or fmt.published_at(files)
    if observed is not None:
        return observed
    if request.allow_current_time:
        return now
    names = ", ".join(str(p) for p in request.paths)
    raise InputError(
        f"{names}: no date in the file or its path; pass --observed-at "
        "(a replay never uses the current time)"
    )


def _file_facts(files: Sequence[SourceFile], hashes: Sequence[str]) -> list[dict[str, object]]:
    return [
        {"name": f.name, "path": str(f.path), "sha256": h}
        for f, h in zip(files, hashes, strict=True)
    ]


def _parse_delta(store: Store, list_id: str, fmt: Format, files: list[SourceFile]) -> list[Record]:
    """A delta file applied to the current state; from here on it is a full snapshot.

    Deltas are applied in order of observation like any snapshot, so the
    older-than-current guard keeps them from being applied out of order.
    """
    with store.read() as connection:
        tx = ListTransaction(connection, list_id)
        current = tx.current_records(tx.current_hashes())
    result = apply_delta(current, fmt.parse_delta(files))
    if note := result.describe():
        log.info("list %s: %s", list_id, note)
    return list(result.records.values())


def _parse(fmt: Format, files: list[SourceFile]) -> list[Record]:
    records = list(fmt.parse(files))
    keys = [r.key for r in records]
    if len(set(keys)) != len(keys):
        duplicate = next(k for k in keys if keys.count(k) > 1)
        raise ParseError(f"key {duplicate!r} appears twice", file=files[0].name)
    return records


def _known_or_unchanged(
    store: Store, snapshot: NewSnapshot, decision: guards.Decision | None, *, reopen: bool
) -> IngestResult | None:
    known = store.snapshot_known(snapshot.list_id, snapshot.sha256, snapshot.observed_at)
    if known is None and decision is not None and not decision.approved:
        known = store.find_rejected(snapshot.list_id, snapshot.sha256, snapshot.observed_at)
    if known is not None and not (reopen and known.status == "quarantined"):
        return _skipped(snapshot, known.id)
    latest = store.latest_state_snapshot(snapshot.list_id)
    if latest is not None and latest.sha256 == snapshot.sha256:
        return _record_unchanged(store, snapshot)
    if latest is not None and snapshot.observed_at < latest.observed_at:
        raise InputError(
            f"list {snapshot.list_id}: this snapshot ({utc_iso(snapshot.observed_at)}) is older "
            f"than the current state ({utc_iso(latest.observed_at)}); replay the archive in order"
        )
    held = _held_copy(store, snapshot, latest)
    if known is None and held is not None:
        return _skipped(snapshot, held.id, f"same content as quarantined snapshot {held.id}")
    return None


def _held_copy(
    store: Store, snapshot: NewSnapshot, latest: SnapshotInfo | None
) -> SnapshotInfo | None:
    """A quarantined snapshot with the same content, still waiting for a decision.

    A daemon fetching the same suspicious file every hour reports it once.
    """
    for held in store.quarantined(snapshot.list_id):
        newer = latest is None or held.observed_at > latest.observed_at
        if newer and held.sha256 == snapshot.sha256:
            return held
    return None


def _skipped(snapshot: NewSnapshot, snapshot_id: int, message: str = "") -> IngestResult:
    return IngestResult.of(
        snapshot,
        "skipped",
        snapshot_id=snapshot_id,
        message=message,
    )


def _record_unchanged(store: Store, snapshot: NewSnapshot) -> IngestResult:
    """Same bytes as the current state: recorded as a check, never parsed."""
    with store.list_transaction(snapshot.list_id) as tx:
        latest = tx.latest_state_snapshot()
        count = latest.record_count if latest else None
        snapshot_id = tx.record_snapshot(snapshot, status="unchanged", record_count=count)
    return IngestResult.of(
        snapshot,
        "unchanged",
        snapshot_id=snapshot_id,
        record_count=count,
    )


def _reject(store: Store, snapshot: NewSnapshot, reason: str, count: int | None) -> IngestResult:
    log.info("list %s: snapshot rejected: %s", snapshot.list_id, reason)
    with store.list_transaction(snapshot.list_id) as tx:
        snapshot_id = tx.record_snapshot(
            snapshot, status="rejected", record_count=count, message=reason
        )
    return IngestResult.of(
        snapshot,
        "rejected",
        snapshot_id=snapshot_id,
        record_count=count,
        message=reason,
    )


def _apply(
    store: Store,
    request: IngestRequest,
    snapshot: NewSnapshot,
    records: list[Record],
    *,
    approved: bool,
) -> IngestResult:
    with store.list_transaction(snapshot.list_id) as tx:
        known = tx.find_snapshot(snapshot.sha256, snapshot.observed_at)
        reopen = (approved or request.recheck_quarantined) and known is not None
        if known is not None and not (reopen and known.status == "quarantined"):
            return _skipped(snapshot, known.id)
        existing = known.id if known is not None else None
        latest = tx.latest_state_snapshot()
        if latest is not None and latest.sha256 == snapshot.sha256:
            snapshot_id = tx.record_snapshot(
                snapshot, status="unchanged", record_count=len(records)
            )
            return IngestResult.of(
                snapshot,
                "unchanged",
                snapshot_id=snapshot_id,
                record_count=len(records),
            )
        if latest is not None and snapshot.observed_at < latest.observed_at:
            raise InputError(
                f"list {snapshot.list_id}: another process applied a newer snapshot "
                f"({utc_iso(latest.observed_at)}) first; this one "
                f"({utc_iso(snapshot.observed_at)}) was not applied"
            )
        current = tx.current_hashes()
        if not current:
            result = _apply_baseline(tx, snapshot, records, existing)
        else:
            target = _Target(snapshot=snapshot, existing=existing, approved=approved)
            result = _apply_diff(tx, request.list_config, target, records, current)
        if result.snapshot_id is not None and result.status in ("baseline", "applied"):
            for hook in request.hooks:
                hook(tx, result.snapshot_id, result.events)
        return result


@dataclass(frozen=True, kw_only=True)
class _Target:
    """The snapshot being applied: a new row, or a quarantined row settled in place."""

    snapshot: NewSnapshot
    existing: int | None = None
    approved: bool = False

    def record(self, tx: ListTransaction, **values: Any) -> int:
        if self.existing is None:
            return tx.record_snapshot(self.snapshot, **values)
        return tx.update_snapshot(self.existing, **values)


def _apply_baseline(
    tx: ListTransaction, snapshot: NewSnapshot, records: list[Record], existing: int | None
) -> IngestResult:
    events = differ.baseline_events(snapshot.list_id, snapshot.observed_at, records)
    counts = {"listed": len(events)}
    snapshot_id = _Target(snapshot=snapshot, existing=existing).record(
        tx, status="applied", record_count=len(records), baseline=True, summary=counts
    )
    tx.apply_changes(snapshot_id, records, (), events)
    log.info("list %s: baseline of %s entries", snapshot.list_id, len(records))
    return IngestResult.of(
        snapshot,
        "baseline",
        snapshot_id=snapshot_id,
        record_count=len(records),
        counts=counts,
        events=tuple(events),
    )


def _apply_diff(
    tx: ListTransaction,
    list_config: ListConfig,
    target: _Target,
    records: list[Record],
    current: dict[str, str],
) -> IngestResult:
    snapshot = target.snapshot
    by_key = {r.key: r for r in records}
    classification = differ.classify(current, {k: r.content_hash() for k, r in by_key.items()})
    verdict = guards.check_shares(
        current=len(current),
        added=len(classification.added),
        removed=len(classification.removed),
        expect=list_config.expect,
    )
    if verdict.status != "ok" and target.approved:
        log.warning(
            "list %s: approved by the operator despite: %s", snapshot.list_id, verdict.reason
        )
    elif verdict.status != "ok":
        log.warning("list %s: snapshot quarantined: %s", snapshot.list_id, verdict.reason)
        snapshot_id = target.record(
            tx, status="quarantined", record_count=len(records), message=verdict.reason
        )
        return IngestResult.of(
            snapshot,
            "quarantined",
            snapshot_id=snapshot_id,
            record_count=len(records),
            message=verdict.reason,
        )
    previous = tx.current_records([*classification.removed, *classification.changed])
    events = differ.build_events(
        differ.DiffInput(
            list_id=snapshot.list_id,
            observed_at=snapshot.observed_at,
            added={k: by_key[k] for k in classification.added},
            removed={k: previous[k] for k in classification.removed},
            changed={k: (previous[k], by_key[k]) for k in classification.changed},
            seen_before=tx.keys_seen_before(classification.added),
            detect_rekeys=list_config.detect_rekeys,
        )
    )
    counts = {
        kind: sum(1 for e in events if e.kind == kind)
        for kind in ("listed", "delisted", "relisted", "modified", "rekeyed")
    }
    message = "approved by the operator" if target.approved else ""
    snapshot_id = target.record(
        tx, status="applied", record_count=len(records), summary=counts, message=message
    )
    changed_records = [by_key[k] for k in (*classification.added, *classification.changed)]
    tx.apply_changes(
        snapshot_id, changed_records, (*classification.removed, *classification.changed), events
    )
    log.info("list %s: %s", snapshot.list_id, counts)
    return IngestResult.of(
        snapshot,
        "applied",
        snapshot_id=snapshot_id,
        record_count=len(records),
        counts=counts,
        events=tuple(events),
    )
