"""The checks of a version's own files, before its entries are compared with the stored state.

Their roles (a format that reads a set of files: which role each plays, and which the
next version must have again), their family and shape against the list's newest applied
version, an operator's decision, the time the version was observed, and what the
snapshot row keeps of each file. Also an unreadable download rejected, and an approval
written into the archive before the version applies.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from monitor.dates import date_from_path, not_in_future, utc_iso
from monitor.errors import InputError
from monitor.files import SourceFile
from monitor.formats import AUTO, Format
from monitor.ingest import guards, settle, shapes
from monitor.ingest.request import IngestRequest, IngestResult
from monitor.store.store import NewSnapshot, SnapshotInfo, Store


def file_roles(
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


def missing_roles(known: SnapshotInfo | None, snapshot: NewSnapshot, fmt: Format) -> guards.Verdict:
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
    roles = file_roles(fmt, files, guards.read_contents(files))
    return {role: name for name, (role, empty) in roles.items() if not empty}


def absent_roles(snapshot: NewSnapshot, fmt: Format) -> str:
    """What the version's file set lacks, for the reason of a sweeping version's hold."""
    present = {fact.get("role") for fact in snapshot.files}
    roles = fmt.roles.items()
    absent = [f"no {role} file ({files})" for role, files in roles if role not in present]
    return f"this version has {', '.join(absent)}" if absent else ""


def check_files(
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


def reject_unreadable(
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
        files=file_facts(files, hashes),
        source_uri=request.source_uri,
        format=request.input_format if request.input_format != AUTO else "",
        observed_at=observed_at,
        published_at=None,
        recorded_at=now,
    )
    return settle.reject(store, snapshot, str(error), None)


def note_approval(request: IngestRequest, snapshot: NewSnapshot, folder: Path) -> str:
    """Write the approval of this ingest into the archive before it applies; described.

    The archive is the source of truth: a crash between the two leaves an approved
    snapshot that the next replay (or the same command) applies. An apply that
    fails or does not happen takes the note back (:func:`monitor.ingest.apply.apply`).
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


def observed_at(
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


def file_facts(
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
