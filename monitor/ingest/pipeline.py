"""The pipeline: the only place that sequences the stages for one snapshot.

read files -> same bytes as the current state? stop -> guard the files ->
read the stored hashes -> parse, checking, hashing and comparing each entry
as it comes (only changed records are kept: :mod:`monitor.ingest.intake`) -> guard
-> archive -> (locked transaction) an earlier version held, or a file role
missing? hold -> still the state read? else read again -> diff the changed
entries -> store.
Each stage is a function of its own module; this module only calls them in
order and turns their outcome into an :class:`IngestResult`. The list's
snapshots are read once before its lock (with its row) and once inside the
transaction that applies, and passed down: each rule is decided on those reads.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from monitor.archive.discover import versions_between
from monitor.archive.write import store_snapshot
from monitor.config import Config, ListConfig
from monitor.dates import date_from_path, not_in_future, utc_iso
from monitor.errors import (
    FormatDetectionError,
    GuardRejected,
    InputError,
    OutOfOrder,
    ParseError,
    StoreError,
)
from monitor.files import SourceFile, size_limit, snapshot_digest
from monitor.formats import AUTO, Format, resolve_format
from monitor.ingest import differ, guards, intake, shapes, units
from monitor.ingest.gcpause import collector_paused
from monitor.ingest.spill import FirstVersionEvents, Spill
from monitor.kinds import EventKind, IngestStatus
from monitor.records import Event
from monitor.store.locks import list_writer, serialised_by
from monitor.store.store import (
    ListSnapshots,
    ListTransaction,
    NewSnapshot,
    SnapshotInfo,
    Store,
    snapshot_folders,
)

log = logging.getLogger(__name__)
# How often a snapshot is read again when another process changed the list's state meanwhile.
STATE_ATTEMPTS = 3


class ApplyHook(Protocol):
    """Work that must commit or roll back together with a snapshot's events.

    Called inside the locked transaction right after the events are written,
    e.g. to queue deliveries (the outbox) or raise watchlist alerts, so a crash
    never leaves events without their deliveries or alerts, or the reverse.
    ``now`` is the run's clock (the snapshot's ``recorded_at``): no hook reads
    the clock itself. Which hooks run at which entry point is decided in
    :mod:`monitor.service.hooks`.
    """

    def __call__(
        self, tx: ListTransaction, snapshot_id: int, events: Sequence[Event], now: datetime
    ) -> None: ...


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
    # Set when this request finishes a version archived earlier but never applied.
    finishing: bool = False
    # Who approved it, written into the archive decision (the web app names the person).
    decided_by: str = ""
    # Why, written into the archive decision with it.
    decision_reason: str = ""


@dataclass(frozen=True, kw_only=True)
class IngestResult:
    """What happened to one snapshot, for the summary line and the caller."""

    list_id: str
    status: IngestStatus
    observed_at: datetime | None
    snapshot_id: int | None = None
    record_count: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    message: str = ""
    # A baseline's events are read back from disk as they are iterated (FirstVersionEvents).
    events: Sequence[Event] = ()
    dated_now: bool = False
    sha256: str = ""  # of the snapshot's files, when one was read
    # Rejected by a person (a decision kept in the archive): final, not a failure of this run.
    settled: bool = False

    @classmethod
    def of(cls, snapshot: NewSnapshot, status: IngestStatus, **details: Any) -> IngestResult:
        """The outcome for this snapshot: its list and observation time, plus details."""
        return cls(
            list_id=snapshot.list_id,
            status=status,
            observed_at=snapshot.observed_at,
            sha256=snapshot.sha256,
            **details,
        )

    @property
    def failed(self) -> bool:
        return self.status == IngestStatus.REJECTED

    def summary_line(self) -> str:
        when = utc_iso(self.observed_at) if self.observed_at else "?"
        head = f"{self.list_id} @ {when}: "
        if self.dated_now:
            head = head[:-2] + " (no date in the file or its path: observed now): "
        if self.status == IngestStatus.BASELINE:
            return head + f"baseline: {self.record_count} entries"
        if self.status == IngestStatus.APPLIED:
            parts = [f"{n} {kind}" for kind, n in self.counts.items() if n]
            return head + (", ".join(parts) if parts else "no entry changed")
        if self.status == IngestStatus.UNCHANGED:
            return head + "unchanged (same content as the current state)"
        if self.status == IngestStatus.SKIPPED:
            return head + "already recorded, skipped"
        return head + f"{self.status}: {self.message}"


def ingest(store: Store, config: Config, request: IngestRequest, *, now: datetime) -> IngestResult:
    """Ingest one snapshot; bad input is rejected and the stored state stays as it was.

    Its files are read under the list's max_file_size (decompressed, per file).
    """
    with collector_paused(), size_limit(config.file_size_limit(request.list_config)):
        result = _ingest(store, config, request, now)
    if result.observed_at == now and request.observed_at is None:
        result = replace(result, dated_now=True)
    return result


def _ingest(store: Store, config: Config, request: IngestRequest, now: datetime) -> IngestResult:
    list_id = request.list_config.id
    # An archived version's folder holds its operator decision beside the list's files
    # (read below): ingesting the folder's files reads the decision, not as a list file.
    files = [SourceFile.from_path(p) for p in request.paths if p.name != guards.DECISION_FILE]
    if not files:
        raise InputError(f"list {list_id}: no input files")
    contents = guards.read_contents(files)  # one pass: size limit, sha256, size and tail
    files = guards.holding_contents(files, contents)  # later reads from memory, not the disk
    hashes = [c.sha256 for c in contents]
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
    # The list's row, and what the checks before its lock ask of its snapshots, read once.
    seen = store.ensure_list(
        list_id,
        title=request.list_config.title,
        format=fmt.kind,
        now=now,
        sha256=digest,
        observed_at=observed_at,
    )
    file_shapes = {
        f.name: shapes.file_shape(f, c.tail, c.size) for f, c in zip(files, contents, strict=True)
    }
    snapshot = NewSnapshot(
        list_id=list_id,
        sha256=digest,
        files=_file_facts(files, hashes, file_shapes, _roles(fmt, files, contents)),
        source_uri=request.source_uri,
        format=fmt.kind,
        observed_at=observed_at,
        published_at=fmt.published_at(files),
        recorded_at=now,
    )
    if not request.finishing and _finish_pending(store, config, request, snapshot, seen, now):
        seen = store.snapshots(list_id, snapshot.sha256, snapshot.observed_at)
    decision = guards.read_decision(request.paths, digest)
    approved = request.approved or (decision is not None and decision.approved)
    reopen = approved or request.recheck_quarantined
    early = _known_or_unchanged(store, snapshot, seen, decision, reopen=reopen)
    if early is not None:
        return early
    verdict = _check_files(
        seen.latest_applied, fmt, files, file_shapes, decision, approved=approved
    )
    if verdict.status != "ok":
        rejected = _reject(store, snapshot, verdict.reason, None)
        return replace(rejected, settled=decision is not None and not decision.approved)
    with list_writer(store, list_id) as waited:  # writers of a list queue; readers never wait
        # The first attempt reads against the state read just now when no other writer
        # held the list meanwhile (one read less a version); any later one reads it again.
        # Either way the apply checks under the lock that it is still the state.
        latest = None if waited else seen
        for _attempt in range(STATE_ATTEMPTS):
            result = _read_and_apply(store, config, request, snapshot, fmt, files, decision, latest)
            if result is not None:
                return result
            latest = None
    raise StoreError(
        f"list {list_id}: the stored state changed {STATE_ATTEMPTS} times while this snapshot "
        "was being read (other processes are applying snapshots); try again"
    )


def _finish_pending(
    store: Store,
    config: Config,
    request: IngestRequest,
    snapshot: NewSnapshot,
    seen: ListSnapshots,
    now: datetime,
) -> bool:
    """Apply first any earlier version of the list that was archived but never applied;
    True when one was taken in (the list's snapshots changed).

    A version is archived and applied as one intent: a process killed in
    between leaves the version in the archive only. The archive is the truth,
    so the next version the list takes in finishes that one first, whatever
    the entry point; if it cannot be applied, the error stops the newer one too.
    """
    latest = seen.latest_state
    after = latest.observed_at if latest else None
    candidates = versions_between(
        config.archive, snapshot.list_id, after=after, before=snapshot.observed_at
    )
    # The folder of the current state itself is always among them (same minute): a
    # recorded one, known without asking which other folders are recorded.
    own = snapshot_folders(latest.files) if latest else set()
    candidates = [v for v in candidates if v.files and v.folder.resolve() not in own]
    if not candidates:
        return False
    recorded = store.recorded_folders(snapshot.list_id, after)
    finished = False
    for version in candidates:
        if version.folder.resolve() in recorded:
            continue
        log.warning(
            "list %s: finishing %s, archived but never applied, before the newer version",
            snapshot.list_id,
            version.folder,
        )
        pending = replace(
            request,
            paths=version.files,
            observed_at=version.observed_at,
            source_uri=str(version.folder),
            approved=False,
            recheck_quarantined=False,
            finishing=True,
        )
        ingest(store, config, pending, now=now)
        finished = True
    return finished


def _read_and_apply(
    store: Store,
    config: Config,
    request: IngestRequest,
    snapshot: NewSnapshot,
    fmt: Format,
    files: list[SourceFile],
    decision: guards.Decision | None,
    seen: ListSnapshots | None,
) -> IngestResult | None:
    """Parse against the current state and apply; None when the state moved meanwhile.

    The state is the one of ``seen`` (the list's snapshots just read) when given,
    else read now."""
    list_id = snapshot.list_id
    if seen is None:
        base = intake.read_base(store, list_id)
    else:
        base = intake.base_at(store, list_id, seen.latest_applied)
    try:
        taken = _take(store, config, base, fmt, files)
    except (ParseError, GuardRejected) as exc:
        return _reject(store, snapshot, str(exc), None)
    verdict = guards.check_count(taken.count, request.list_config.expect)
    if verdict.status != "ok":
        return _reject(store, snapshot, verdict.reason, taken.count)
    hashes = [str(f["sha256"]) for f in snapshot.files]
    archived = store_snapshot(config.archive, list_id, snapshot.observed_at, files, hashes)
    in_archive = [
        {**fact, "path": str(copy.path)}
        for fact, copy in zip(snapshot.files, archived.files, strict=True)
    ]
    snapshot = replace(snapshot, files=in_archive)
    try:
        return _apply(store, request, snapshot, fmt, taken, decision, archived.folder)
    except OutOfOrder:
        if archived.created:  # refused: the archive must not tell a version that never applied
            shutil.rmtree(archived.folder, ignore_errors=True)
        raise


def _take(
    store: Store, config: Config, base: intake.BaseState, fmt: Format, files: list[SourceFile]
) -> intake.Intake:
    """The snapshot read against the base: unit by unit where the format can split
    (only new units are parsed: monitor.ingest.units), else by the full parse (the one a
    held version's preview uses too)."""
    if fmt.splits and not fmt.delta and units.enabled(config.fingerprints):
        by_units = units.take(fmt, files, base, units.read_known(store, base, fmt))
        if by_units is not None:
            return by_units
    return intake.read_snapshot(store, base, fmt, files)


def _roles(
    fmt: Format, files: Sequence[SourceFile], contents: Sequence[guards.ContentFacts]
) -> dict[str, tuple[str, bool]]:
    """Each file's role, and whether the file is empty.

    An empty file plays its role in the version it comes with (OFAC ships an
    empty comments file when no remarks overflow), but held nothing, so the
    next version is not required to have that role again.
    """
    roles = fmt.file_roles(files)
    return {
        source.name: (roles[source.name], guards.is_blank(facts))
        for source, facts in zip(files, contents, strict=True)
        if source.name in roles
    }


def _missing_roles(
    known: SnapshotInfo | None, snapshot: NewSnapshot, fmt: Format
) -> guards.Verdict:
    """A file role the list's previous applied version (``known``) had and this one lacks
    (same format)."""
    if not fmt.roles:
        return guards.OK
    if known is None or known.format != fmt.kind:
        return guards.OK
    after = {str(fact["role"]) for fact in snapshot.files if fact.get("role")}
    return guards.check_roles(_required_roles(known.files, fmt), after, fmt.roles)


def _required_roles(facts: Sequence[dict[str, Any]], fmt: Format) -> dict[str, str]:
    """Role -> file name of a recorded version's files that held something.

    Read from the row's file facts; rows recorded before roles were kept are
    read from their archived files (the first rows and the size: that is where
    a role shows).
    """
    if any("role" in fact for fact in facts):
        return {
            str(f["role"]): str(f["name"]) for f in facts if f.get("role") and not f.get("empty")
        }
    files = [
        SourceFile(path=Path(str(fact["path"])), name=str(fact.get("name", "")))
        for fact in facts
        if Path(str(fact.get("path", ""))).is_file()
    ]
    roles = _roles(fmt, files, guards.read_contents(files))
    return {role: name for name, (role, empty) in roles.items() if not empty}


def _absent_roles(snapshot: NewSnapshot, fmt: Format) -> str:
    """What the version's file set lacks, for the reason of a sweeping version's hold."""
    present = {fact.get("role") for fact in snapshot.files}
    roles = fmt.roles.items()
    absent = [f"no {role} file ({files})" for role, files in roles if role not in present]
    return f"this version has {', '.join(absent)}" if absent else ""


def _check_files(
    known: SnapshotInfo | None,
    fmt: Format,
    files: list[SourceFile],
    file_shapes: shapes.Shapes,
    decision: guards.Decision | None,
    *,
    approved: bool,
) -> guards.Verdict:
    """Guards on the raw files: an operator's rejection, another kind of file, a changed shape
    (against ``known``, the list's newest applied version)."""
    if decision is not None and not decision.approved:
        return guards.rejected(decision.describe())
    verdict = guards.check_family(files, fmt)
    if verdict.status != "ok" or approved:
        return verdict
    if known is None:
        return verdict
    reason = shapes.compare(shapes.stored_shapes(known.files), file_shapes)
    return verdict if reason is None else guards.rejected(reason)


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
    not_in_future(observed_at, now, f"list {list_id}")
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


def _note_approval(request: IngestRequest, snapshot: NewSnapshot, folder: Path) -> str:
    """Write the approval of this ingest into the archive before it applies; described.

    The archive is the source of truth: a crash between the two leaves an approved
    snapshot that the next replay (or the same command) applies. An apply that
    fails or does not happen takes the note back (:func:`_apply`).
    """
    decision = guards.Decision(
        verdict="approved",
        sha256=snapshot.sha256,
        at=utc_iso(snapshot.recorded_at),
        reason=request.decision_reason or "approved on ingest",
        by=request.decided_by,
    )
    guards.write_decision(folder, decision)
    return decision.describe()


def _observed_at(
    request: IngestRequest, fmt: Format, files: list[SourceFile], now: datetime
) -> datetime:
    """The explicit time, else a timestamp in the path, else the file's publish date;
    never more than a day after ``now``."""
    observed = request.observed_at or date_from_path(request.paths) or fmt.published_at(files)
    if observed is not None:
        return not_in_future(observed, now, f"list {request.list_config.id}")
    if request.allow_current_time:
        return now
    names = ", ".join(str(p) for p in request.paths)
    raise InputError(
        f"{names}: no date in the file or its path; pass --observed-at "
        "(a replay never uses the current time)"
    )


def _file_facts(
    files: Sequence[SourceFile],
    hashes: Sequence[str],
    file_shapes: shapes.Shapes | None = None,
    roles: dict[str, tuple[str, bool]] | None = None,
) -> list[dict[str, object]]:
    """What the snapshot row keeps of each file; the shape is what the next check compares,
    the role (formats that read a set of files) what the next version must have again."""
    facts: list[dict[str, object]] = []
    for source, file_hash in zip(files, hashes, strict=True):
        fact: dict[str, object] = {
            "name": source.name,
            "path": str(source.path),
            "sha256": file_hash,
        }
        if file_shapes is not None:
            shape = file_shapes.get(source.name)
            fact["shape"] = shape.to_dict() if shape else None
        if roles:
            role, empty = roles.get(source.name, (None, False))
            fact["role"] = role
            if empty:
                fact["empty"] = True
        facts.append(fact)
    return facts


def _known_or_unchanged(
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
        return _skipped(snapshot, known.id)
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
        return _skipped(snapshot, held.id, f"same content as quarantined snapshot {held.id}")
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


def _held_earlier(seen: ListSnapshots, snapshot: NewSnapshot, fmt: Format) -> str | None:
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


def _hold(
    tx: ListTransaction, seen: ListSnapshots, snapshot: NewSnapshot, reason: str, count: int
) -> IngestResult:
    """Quarantine the snapshot (a row already held keeps its place, with the new reason).

    In the list's locked transaction, against its snapshots read there (``seen``):
    another process may have settled this version since the checks before the lock
    (it is then skipped: an applied row never turns quarantined) or applied a newer
    one (then this one is out of order, as in _apply).
    """
    known = seen.known
    if known is not None and known.status != IngestStatus.QUARANTINED:
        return _skipped(snapshot, known.id)
    latest = seen.latest_state
    if known is None and latest is not None and snapshot.observed_at < latest.observed_at:
        raise OutOfOrder(
            f"list {snapshot.list_id}: another process applied a newer snapshot "
            f"({utc_iso(latest.observed_at)}) first; this one "
            f"({utc_iso(snapshot.observed_at)}) was not held"
        )
    log.warning("list %s: snapshot quarantined: %s", snapshot.list_id, reason)
    target = _Target(snapshot=snapshot, existing=known.id if known else None)
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


def _skipped(snapshot: NewSnapshot, snapshot_id: int, message: str = "") -> IngestResult:
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


def _reject(store: Store, snapshot: NewSnapshot, reason: str, count: int | None) -> IngestResult:
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


def _apply(
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
    if not request.approved and (waiting := _held_earlier(seen, snapshot, fmt)) is not None:
        return _hold(tx, seen, snapshot, waiting, taken.count)
    approved = request.approved or (decision is not None and decision.approved)
    missing = _missing_roles(seen.latest_applied, snapshot, fmt)
    if missing.status != "ok" and not approved:
        return _hold(tx, seen, snapshot, missing.reason, taken.count)
    if request.approved and decision is None:
        approval = _note_approval(request, snapshot, folder)
        noted.append(True)
    else:
        approval = decision.describe() if approved and decision is not None else ""
    known = seen.known
    reopen = (approved or request.recheck_quarantined) and known is not None
    if known is not None and not (reopen and known.status == IngestStatus.QUARANTINED):
        return _skipped(snapshot, known.id)
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
        target = _Target(snapshot=snapshot, existing=existing, approved=approved, approval=approval)
        absent = _absent_roles(snapshot, fmt)
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


@dataclass(frozen=True, kw_only=True)
class _Target:
    """The snapshot being applied: a new row, or a quarantined row settled in place."""

    snapshot: NewSnapshot
    existing: int | None = None
    approved: bool = False
    approval: str = ""  # the operator's decision, described, for the log

    def record(self, tx: ListTransaction, **values: Any) -> int:
        if self.existing is None:
            return tx.record_snapshot(self.snapshot, **values)
        return tx.update_snapshot(self.existing, **values)


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
    snapshot_id = _Target(snapshot=snapshot, existing=existing).record(
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
    tx: ListTransaction, target: _Target, taken: intake.Intake, verdict: guards.Verdict
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
    target: _Target,
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
