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

The stages the pipeline calls live beside it: the checks of the files and their roles in
:mod:`monitor.ingest.file_checks`, what is settled without an apply (skipped, unchanged,
held, rejected) in :mod:`monitor.ingest.settle`, the apply in :mod:`monitor.ingest.apply`,
and the request and result types in :mod:`monitor.ingest.request`.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import replace
from datetime import datetime

from monitor.archive.discover import versions_between
from monitor.archive.write import store_snapshot
from monitor.config import Config
from monitor.errors import (
    FormatDetectionError,
    GuardRejected,
    InputError,
    OutOfOrder,
    ParseError,
    StoreError,
)
from monitor.files import SourceFile, size_limit, snapshot_digest
from monitor.formats import Format, resolve_format
from monitor.ingest import apply, file_checks, guards, intake, settle, shapes, units
from monitor.ingest.gcpause import collector_paused
from monitor.ingest.request import ApplyHook, IngestRequest, IngestResult
from monitor.store.locks import list_writer
from monitor.store.store import ListSnapshots, NewSnapshot, Store, snapshot_folders

log = logging.getLogger(__name__)
# How often a snapshot is read again when another process changed the list's state meanwhile.
STATE_ATTEMPTS = 3

__all__ = ["STATE_ATTEMPTS", "ApplyHook", "IngestRequest", "IngestResult", "ingest"]


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
        return file_checks.reject_unreadable(store, request, files, hashes, digest, error, now)
    try:
        fmt = resolve_format(request.input_format, files).configure(request.list_config.mapping)
    except FormatDetectionError as exc:
        return file_checks.reject_unreadable(store, request, files, hashes, digest, exc, now)
    observed_at = file_checks.observed_at(request, fmt, files, now)
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
        files=file_checks.file_facts(
            files, hashes, file_shapes, file_checks.file_roles(fmt, files, contents)
        ),
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
    early = settle.known_or_unchanged(store, snapshot, seen, decision, reopen=reopen)
    if early is not None:
        return early
    verdict = file_checks.check_files(
        seen.latest_applied, fmt, files, file_shapes, decision, approved=approved
    )
    if verdict.status != "ok":
        rejected = settle.reject(store, snapshot, verdict.reason, None)
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
        return settle.reject(store, snapshot, str(exc), None)
    verdict = guards.check_count(taken.count, request.list_config.expect)
    if verdict.status != "ok":
        return settle.reject(store, snapshot, verdict.reason, taken.count)
    hashes = [str(f["sha256"]) for f in snapshot.files]
    archived = store_snapshot(config.archive, list_id, snapshot.observed_at, files, hashes)
    in_archive = [
        {**fact, "path": str(copy.path)}
        for fact, copy in zip(snapshot.files, archived.files, strict=True)
    ]
    snapshot = replace(snapshot, files=in_archive)
    try:
        return apply.apply(store, request, snapshot, fmt, taken, decision, archived.folder)
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
