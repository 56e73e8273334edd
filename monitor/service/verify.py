"""Integrity check: the archive is intact, and the database is what the archive says it is.

The database is an index of the archive; if the two disagree, the archive
wins. ``verify`` re-reads every archived file and checks its sha256 against
the one recorded when it was stored, finds archive folders that no stored
snapshot accounts for (a version archived but never applied), then replays the
whole archive into a temporary SQLite database (the same pipeline and guards,
the same operator decisions) and compares each list's current state, its
whole history of events and the raw-unit fingerprints its next version will be
read against with the stored ones. Nothing is written to the database or the
archive being checked.
"""

from __future__ import annotations

import logging
import tempfile
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from monitor.archive.discover import VersionFolder, discover
from monitor.archive.write import is_inside
from monitor.config import Config
from monitor.dates import utc_iso
from monitor.errors import MonitorError
from monitor.files import SourceFile, snapshot_digest
from monitor.ingest import units
from monitor.ingest.pipeline import IngestRequest, ingest
from monitor.store import Store, fingerprints, open_engine
from monitor.store import schema as t
from monitor.store.store import as_utc
from monitor.subjects.corrections import RELINK_HINT, unapplied

log = logging.getLogger(__name__)
SHOWN_KEYS = 5
ARCHIVED_STATUSES = ("applied", "quarantined")


@dataclass(frozen=True, kw_only=True)
class Problem:
    """One difference found, in one line."""

    list_id: str
    # missing-file | bad-hash | bad-digest | unrecorded | corrections | state | events |
    # fingerprints
    kind: str
    text: str

    def line(self) -> str:
        return f"{self.list_id}: {self.kind}: {self.text}"


@dataclass(kw_only=True)
class VerifyReport:
    """What was checked and what differed."""

    files_checked: int = 0
    snapshots_checked: int = 0
    lists_compared: list[str] = field(default_factory=list)
    versions_replayed: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "files_checked": self.files_checked,
            "snapshots_checked": self.snapshots_checked,
            "versions_replayed": self.versions_replayed,
            "lists_compared": self.lists_compared,
            "problems": [
                {"list": p.list_id, "kind": p.kind, "text": p.text} for p in self.problems
            ],
        }


def verify(store: Store, config: Config, *, now: datetime, replay: bool = True) -> VerifyReport:
    """Check every archived file, then (unless ``replay`` is off) the current state."""
    report = VerifyReport()
    with store.read() as connection:
        check_files(connection, config.archive, report)
        check_folders(connection, config.archive, report)
        check_corrections(connection, config, report)
    if replay:
        compare_with_replay(store, config, report, now=now)
    return report


# --- files -------------------------------------------------------------------------------------


def check_files(connection: Connection, archive: Path, report: VerifyReport) -> None:
    """Every file of every archived snapshot exists and still has its recorded sha256."""
    for row in connection.execute(select(t.snapshots).order_by(t.snapshots.c.id)):
        files = list(row.files or [])
        in_archive = [f for f in files if f.get("path") and is_inside(Path(f["path"]), archive)]
        if row.status not in ARCHIVED_STATUSES and len(in_archive) < len(files):
            continue  # a check of a file outside the archive (unchanged, rejected): not kept
        report.snapshots_checked += 1
        hashes = [_check_file(row, f, report) for f in files]
        if all(hashes) and files:
            pairs = [(str(f["name"]), h or "") for f, h in zip(files, hashes, strict=True)]
            if snapshot_digest(pairs) != row.sha256:
                report.problems.append(
                    Problem(
                        list_id=row.list_id,
                        kind="bad-digest",
                        text=f"snapshot {row.id}: its files no longer add up to its sha256",
                    )
                )


def check_folders(connection: Connection, archive: Path, report: VerifyReport) -> None:
    """Every version folder of the archive is a snapshot the database knows.

    A folder no snapshot row points at is a version that was archived but never
    applied (a crash or a kill in between) or refused after it was archived:
    either way the archive tells a history the database does not.
    """
    if not archive.is_dir():
        return
    recorded: set[Path] = set()  # the folders the stored snapshots' files are in
    for files in connection.execute(select(t.snapshots.c.files)).scalars():
        recorded.update(Path(str(f["path"])).resolve().parent for f in files or [] if f.get("path"))
    for version in discover([archive], None):
        if version.folder.resolve() not in recorded:
            report.problems.append(
                Problem(
                    list_id=version.list_id,
                    kind="unrecorded",
                    text=f"archive folder {version.folder} is not a snapshot of the database "
                    "(archived but never applied)",
                )
            )


def check_corrections(connection: Connection, config: Config, report: VerifyReport) -> None:
    """The stored subjects follow the configured linking corrections (a correction added
    to a database that holds history applies only once the subjects are relinked)."""
    for line in unapplied(connection, config.subjects):
        report.problems.append(
            Problem(list_id="subjects", kind="corrections", text=f"{line}; {RELINK_HINT}")
        )


def _check_file(row: Any, facts: dict[str, Any], report: VerifyReport) -> str | None:
    path = Path(str(facts.get("path", "")))
    label = f"snapshot {row.id} ({row.status}), {path}"
    if not path.is_file():
        report.problems.append(Problem(list_id=row.list_id, kind="missing-file", text=label))
        return None
    report.files_checked += 1
    try:
        actual = SourceFile(path=path, name=str(facts.get("name", path.name))).sha256()
    except MonitorError as exc:
        actual = f"unreadable ({exc})"
    recorded = str(facts.get("sha256", ""))
    if actual != recorded:
        text = f"{label}: sha256 {actual[:16]}..., recorded {recorded[:16]}..."
        report.problems.append(Problem(list_id=row.list_id, kind="bad-hash", text=text))
        return None
    return actual


# --- state -------------------------------------------------------------------------------------


def compare_with_replay(
    store: Store, config: Config, report: VerifyReport, *, now: datetime
) -> None:
    """Replay the archive into a temporary SQLite database and compare the current states."""
    with _scratch_store() as scratch:
        versions = discover([config.archive], None) if config.archive.is_dir() else []
        for version in versions:
            _replay_one(scratch, config, version, report, now)
        stored = current_states(store)
        rebuilt = current_states(scratch)
        stored_events = event_history(store)
        rebuilt_events = event_history(scratch)
        compare_fingerprints(store, scratch, report)
        scratch.engine.dispose()
    for list_id in sorted(set(stored) | set(rebuilt) | set(stored_events) | set(rebuilt_events)):
        report.lists_compared.append(list_id)
        difference = describe_difference(stored.get(list_id, {}), rebuilt.get(list_id, {}))
        if difference:
            report.problems.append(Problem(list_id=list_id, kind="state", text=difference))
        history = describe_event_difference(
            stored_events.get(list_id, Counter()), rebuilt_events.get(list_id, Counter())
        )
        if history:
            report.problems.append(Problem(list_id=list_id, kind="events", text=history))


def compare_fingerprints(store: Store, scratch: Store, report: VerifyReport) -> None:
    """The raw-unit fingerprints a list's next version will be read against, against the
    rebuild's (by the same code, for the same state, they must be the same set).

    Why: a wrong stored set is silent until the next version, which it would read
    wrongly (an entry standing for another's record, a change unseen). A set the next
    version will not use (of an older snapshot, or other code) is not compared.
    """
    with store.read() as connection:
        stored = fingerprints.sets_in_use(connection, units.made_by_this_code)
    with scratch.read() as connection:
        rebuilt = fingerprints.sets_in_use(connection, units.made_by_this_code)
    for list_id, kept in sorted(stored.items()):
        other = rebuilt.get(list_id)
        if other is None or other.tag != kept.tag or other.units == kept.units:
            continue
        wrong = sorted(fp for fp, unit in kept.units.items() if other.units.get(fp) != unit)
        missing = sorted(other.units.keys() - kept.units.keys())
        parts = [
            _listed("stored raw-unit fingerprint(s)", "not as a rebuild has them", wrong),
            _listed("raw-unit fingerprint(s)", "missing from the database", missing),
        ]
        text = (
            "; ".join(p for p in parts if p) + f"; the next version would be read against "
            f"them: take it in with {units.ENV}=0 (the set is then left unused, and written "
            "anew by the version after)"
        )
        report.problems.append(Problem(list_id=list_id, kind="fingerprints", text=text))


@contextmanager
def _scratch_store() -> Iterator[Store]:
    with tempfile.TemporaryDirectory(prefix="watchlist-verify-") as folder:
        yield Store(open_engine(f"sqlite:///{Path(folder) / 'rebuild.db'}"))


def _replay_one(
    scratch: Store, config: Config, version: VersionFolder, report: VerifyReport, now: datetime
) -> None:
    list_config = config.list_config(version.list_id)
    request = IngestRequest(
        list_config=list_config,
        paths=version.files,
        input_format=list_config.format,
        observed_at=version.observed_at,
        source_uri=str(version.folder),
    )
    report.versions_replayed += 1
    try:
        result = ingest(scratch, config, request, now=now)
    except MonitorError as exc:
        log.warning("list %s: %s: not replayable: %s", version.list_id, version.folder, exc)
        return
    log.info("verify replay: %s", result.summary_line())


def current_states(store: Store) -> dict[str, dict[str, str]]:
    """Each list's current entries: key -> content hash."""
    states: dict[str, dict[str, str]] = {}
    with store.read() as connection:
        rows = connection.execute(
            select(
                t.entity_versions.c.list_id,
                t.entity_versions.c.key,
                t.entity_versions.c.content_hash,
            ).where(t.entity_versions.c.valid_to.is_(None))
        )
        for list_id, key, content_hash in rows:
            states.setdefault(list_id, {})[key] = content_hash
    return states


EventFact = tuple[str, str, str]  # (observed at, kind, key)


def event_history(store: Store) -> dict[str, Counter[EventFact]]:
    """Each list's events as (observed at, kind, key), counted: the history it tells."""
    history: dict[str, Counter[EventFact]] = {}
    with store.read() as connection:
        rows = connection.execute(
            select(t.events.c.list_id, t.events.c.observed_at, t.events.c.kind, t.events.c.key)
        )
        for list_id, observed_at, kind, key in rows:
            moment = as_utc(observed_at)
            fact = (utc_iso(moment) if moment else "?", str(kind), str(key))
            history.setdefault(list_id, Counter())[fact] += 1
    return history


def describe_event_difference(stored: Counter[EventFact], rebuilt: Counter[EventFact]) -> str:
    """One line: the events the database holds that a rebuild does not tell, and the reverse."""
    extra = sorted((stored - rebuilt).elements())
    missing = sorted((rebuilt - stored).elements())
    if not extra and not missing:
        return ""
    parts = [
        _facts("in the database but not in a rebuild from the archive", extra),
        _facts("in a rebuild from the archive but not in the database", missing),
    ]
    return "the stored history differs: " + "; ".join(p for p in parts if p)


def _facts(label: str, facts: Sequence[EventFact]) -> str:
    return _listed("events", label, [f"{when} {kind} {key}" for when, kind, key in facts])


def describe_difference(stored: dict[str, str], rebuilt: dict[str, str]) -> str:
    """One line: which entries the stored state has, lacks or holds differently."""
    only_stored = sorted(set(stored) - set(rebuilt))
    only_rebuilt = sorted(set(rebuilt) - set(stored))
    changed = sorted(k for k in set(stored) & set(rebuilt) if stored[k] != rebuilt[k])
    parts = [
        _listed("entries", "not in the replay", only_stored),
        _listed("entries", "missing from the database", only_rebuilt),
        _listed("entries", "with other content than the replay", changed),
    ]
    text = "; ".join(p for p in parts if p)
    return f"the stored state differs from a fresh replay of the archive: {text}" if text else ""


def _listed(noun: str, label: str, items: Sequence[str]) -> str:
    """'3 entries not in the replay (a, b, c)', the first SHOWN_KEYS named; '' for none."""
    if not items:
        return ""
    shown = ", ".join(items[:SHOWN_KEYS]) + (", ..." if len(items) > SHOWN_KEYS else "")
    return f"{len(items)} {noun} {label} ({shown})"
