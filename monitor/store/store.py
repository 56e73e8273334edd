"""Short transactions over the schema; the only module that writes SQL.

Applying a snapshot happens inside :meth:`Store.list_transaction`, which holds
a per-list lock (BEGIN IMMEDIATE on SQLite, an advisory lock on PostgreSQL)
for the whole apply, so two processes never interleave one list and a crash
leaves the database as it was before the snapshot or after it.

Here: :class:`Store`, :class:`ListTransaction` (one list's writes in one transaction)
and the snapshot rows they read and write (:class:`SnapshotInfo`, :class:`NewSnapshot`,
:class:`ListSnapshots`). Writing and reading many rows fast is :mod:`monitor.store.bulk`'s,
the statements a transaction runs most are built once in :mod:`monitor.store.statements`,
and a first version's entries (:class:`~monitor.store.listing.Listing`) are
:mod:`monitor.store.listing`'s.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Row,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import DatabaseError, IntegrityError

from monitor.errors import StoreError
from monitor.kinds import EventKind
from monitor.records import Event, Record, parse_iso_date
from monitor.store import locks
from monitor.store import schema as t
from monitor.store.bulk import insert_rows, lookup_batches, pipelined, plain_rows, uses_arrays
from monitor.store.database import describe
from monitor.store.listing import Listing
from monitor.store.statements import (
    BEFORE_CHANGES,
    CLOSE_VERSIONS,
    CURRENT_OF,
    INSERT_SNAPSHOT,
    SEEN_BEFORE,
    SNAPSHOTS,
)


def as_utc(moment: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; everything in this tool is aware UTC."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@dataclass(frozen=True, kw_only=True)
class SnapshotInfo:
    """What the store knows about one snapshot row."""

    id: int
    list_id: str
    sha256: str
    observed_at: datetime
    status: str
    files: list[dict[str, Any]]
    record_count: int | None
    baseline: bool
    message: str
    published_at: datetime | None
    summary: dict[str, int]
    format: str = ""

    @classmethod
    def from_row(cls, row: Row[Any]) -> SnapshotInfo:
        return cls(
            id=row.id,
            list_id=row.list_id,
            sha256=row.sha256,
            observed_at=as_utc(row.observed_at) or datetime.min.replace(tzinfo=UTC),
            status=row.status,
            files=list(row.files),
            record_count=row.record_count,
            baseline=bool(row.baseline),
            message=row.message or "",
            published_at=as_utc(row.published_at),
            summary=dict(row.summary or {}),
            format=row.format or "",
        )


@dataclass(frozen=True, kw_only=True)
class NewSnapshot:
    """A snapshot about to be recorded."""

    list_id: str
    sha256: str
    files: list[dict[str, Any]]
    source_uri: str
    format: str
    observed_at: datetime
    published_at: datetime | None
    recorded_at: datetime


@dataclass(frozen=True, kw_only=True)
class ListSnapshots:
    """What the checks of one version ask of its list's snapshots, read in one statement.

    Why: the pipeline asked for the newest state, the newest applied snapshot and
    the held ones two to four times each per version, each on a connection of its
    own (13 reads; on PostgreSQL 28 statements and 14 connection checkouts). One
    read gives them all, consistent with each other, and is passed down.
    """

    latest_state: SnapshotInfo | None  # newest applied or unchanged: the current content
    latest_applied: SnapshotInfo | None  # newest applied: the state's entries
    quarantined: tuple[SnapshotInfo, ...]  # awaiting a decision, oldest first
    known: SnapshotInfo | None = None  # the version asked about, unless rejected
    listed_as: tuple[str, str] | None = None  # the list row's (title, format), when asked


class ListTransaction:
    """One locked transaction on one list: read its current state, write a snapshot."""

    def __init__(self, connection: Connection, list_id: str) -> None:
        self.connection = connection
        self.list_id = list_id
        self._formats: dict[int, str] = {}  # of the snapshot rows this transaction inserted
        self.ends_writer = False  # see end_writer

    def pipelined(self, rows: int) -> AbstractContextManager[None]:
        """:func:`~monitor.store.bulk.pipelined` on this transaction's connection."""
        return pipelined(self.connection, rows)

    def end_writer(self) -> None:
        """Say that the list's writer applies nothing after this transaction: on
        PostgreSQL its lock is released with this transaction's COMMIT, one round trip
        for both, when the transaction runs on the writer's connection."""
        self.ends_writer = True

    def snapshots(
        self,
        sha256: str | None = None,
        observed_at: datetime | None = None,
        *,
        with_list: bool = False,
    ) -> ListSnapshots:
        """The list's newest state, newest applied and held snapshots, and the row of the
        version ``sha256`` observed at ``observed_at`` when given: one statement
        (:class:`ListSnapshots`); ``with_list``: the list row's title and format too."""
        rows = self.connection.execute(
            SNAPSHOTS,
            {
                "list_id": self.list_id,
                "sha256": sha256,
                "observed_at": observed_at,
                "with_list": with_list,
            },
        ).all()
        parts: dict[str, list[SnapshotInfo]] = {}
        listed_as = None
        for row in rows:
            if row.part == "list":
                listed_as = (str(row.message), str(row.format))
                continue
            parts.setdefault(row.part, []).append(SnapshotInfo.from_row(row))
        held = sorted(parts.get("quarantined", ()), key=lambda s: (s.observed_at, s.id))
        return ListSnapshots(
            latest_state=next(iter(parts.get("state", ())), None),
            latest_applied=next(iter(parts.get("applied", ())), None),
            quarantined=tuple(held),
            known=next(iter(parts.get("known", ())), None),
            listed_as=listed_as,
        )

    def latest_state_snapshot(self) -> SnapshotInfo | None:
        """The newest snapshot whose content is the list's current state."""
        row = self.connection.execute(
            select(t.snapshots)
            .where(
                t.snapshots.c.list_id == self.list_id,
                t.snapshots.c.status.in_(("applied", "unchanged")),
            )
            .order_by(t.snapshots.c.observed_at.desc(), t.snapshots.c.id.desc())
            .limit(1)
        ).first()
        return SnapshotInfo.from_row(row) if row else None

    def snapshot(self, snapshot_id: int) -> SnapshotInfo | None:
        """One snapshot row of this list, re-read inside the lock (quarantine decisions)."""
        row = self.connection.execute(
            select(t.snapshots).where(
                t.snapshots.c.id == snapshot_id, t.snapshots.c.list_id == self.list_id
            )
        ).first()
        return SnapshotInfo.from_row(row) if row else None

    def find_rejected(self, sha256: str, observed_at: datetime) -> SnapshotInfo | None:
        """A rejected row of this version: an operator's rejection is recorded once."""
        row = self.connection.execute(
            select(t.snapshots)
            .where(
                t.snapshots.c.list_id == self.list_id,
                t.snapshots.c.sha256 == sha256,
                t.snapshots.c.observed_at == observed_at,
                t.snapshots.c.status == "rejected",
            )
            .order_by(t.snapshots.c.id)
        ).first()
        return SnapshotInfo.from_row(row) if row else None

    def quarantined(self) -> list[SnapshotInfo]:
        """This list's snapshots awaiting an operator's decision, oldest first."""
        rows = self.connection.execute(
            select(t.snapshots)
            .where(t.snapshots.c.list_id == self.list_id, t.snapshots.c.status == "quarantined")
            .order_by(t.snapshots.c.observed_at, t.snapshots.c.id)
        )
        return [SnapshotInfo.from_row(row) for row in rows]

    def latest_applied_snapshot(self) -> SnapshotInfo | None:
        """The newest applied snapshot: its archived files are the list's last good version."""
        row = self.connection.execute(
            select(t.snapshots)
            .where(t.snapshots.c.list_id == self.list_id, t.snapshots.c.status == "applied")
            .order_by(t.snapshots.c.observed_at.desc(), t.snapshots.c.id.desc())
            .limit(1)
        ).first()
        return SnapshotInfo.from_row(row) if row else None

    def current_hashes(self) -> dict[str, str]:
        """Every current key's content hash: what a new snapshot is compared against first.

        Fetched in one ``fetchall`` as the driver's tuples
        (:func:`~monitor.store.bulk.plain_rows`): row by row it was a tenth of the apply on
        the real SDN series.
        """
        return dict(
            plain_rows(
                self.connection,
                select(t.entity_versions.c.key, t.entity_versions.c.content_hash).where(
                    t.entity_versions.c.list_id == self.list_id,
                    t.entity_versions.c.valid_to.is_(None),
                ),
            )
        )

    def current_hashes_of(self, keys: Iterable[str]) -> dict[str, str]:
        """The content hashes of these keys, those of them that are current: a check read
        unit by unit needs only the hashes of the entries whose raw unit is new."""
        return dict(self._current_of("content_hash", keys))

    def current_count(self) -> int:
        """How many entries the list has now (an index-only count, no row read)."""
        v = t.entity_versions
        count = self.connection.execute(
            select(func.count()).where(v.c.list_id == self.list_id, v.c.valid_to.is_(None))
        ).scalar_one()
        return int(count)

    def current_records(self, keys: Iterable[str]) -> dict[str, Record]:
        """The current records of these keys only: changed entries, not the whole list."""
        rows = self._current_of("record", keys)
        return {key: Record.from_dict(json.loads(text)) for key, text in rows}

    def _current_of(self, column: str, keys: Iterable[str]) -> Iterator[tuple[str, Any]]:
        """(key, column) of the current versions of these keys, looked up a batch at a time
        (:func:`~monitor.store.bulk.lookup_batches`)."""
        statement = CURRENT_OF[column, uses_arrays(self.connection)]
        for batch in lookup_batches(self.connection, list(keys)):
            rows = self.connection.execute(statement, {"list_id": self.list_id, "keys": batch})
            yield from ((key, value) for key, value in rows)

    def before_changes(
        self, current: Sequence[str], listed: Sequence[str]
    ) -> tuple[dict[str, Record], set[str]]:
        """What a version's diff reads of the state: the current records of ``current``
        (its changed and removed keys, as :meth:`current_records`) and which of ``listed``
        (its new keys) had a version before (as :meth:`keys_seen_before`).

        One statement a batch of keys instead of one for each question (a round trip
        less a version on PostgreSQL): every version row of the keys, each with its
        record only when current (the column is never null, so a null says "past").
        """
        wanted = list(dict.fromkeys([*current, *listed]))
        texts: dict[str, str] = {}
        keys: set[str] = set()
        statement = BEFORE_CHANGES[uses_arrays(self.connection)]
        for batch in lookup_batches(self.connection, wanted):
            rows = self.connection.execute(statement, {"list_id": self.list_id, "keys": batch})
            for key, text in rows:
                keys.add(key)
                if text is not None:
                    texts[key] = text
        records = {key: Record.from_dict(json.loads(texts[key])) for key in current if key in texts}
        return records, keys.intersection(listed)

    def keys_seen_before(self, keys: Iterable[str]) -> set[str]:
        """Keys that had a version in the past: a new listing of one is a relisting."""
        seen: set[str] = set()
        statement = SEEN_BEFORE[uses_arrays(self.connection)]
        for batch in lookup_batches(self.connection, list(keys)):
            rows = self.connection.execute(statement, {"list_id": self.list_id, "keys": batch})
            seen.update(key for (key,) in rows)
        return seen

    def record_snapshot(
        self,
        snapshot: NewSnapshot,
        *,
        status: str,
        record_count: int | None,
        baseline: bool = False,
        message: str = "",
        summary: dict[str, int] | None = None,
    ) -> int:
        result = self.connection.execute(
            INSERT_SNAPSHOT,
            {
                "list_id": snapshot.list_id,
                "sha256": snapshot.sha256,
                "files": snapshot.files,
                "source_uri": snapshot.source_uri,
                "format": snapshot.format,
                "observed_at": snapshot.observed_at,
                "published_at": snapshot.published_at,
                "recorded_at": snapshot.recorded_at,
                "record_count": record_count,
                "status": status,
                "baseline": baseline,
                "message": message,
                "summary": summary or {},
            },
        )
        primary_key = result.inserted_primary_key
        if primary_key is None:
            raise StoreError(f"list {self.list_id}: the database returned no snapshot id")
        self._formats[int(primary_key[0])] = snapshot.format
        return int(primary_key[0])

    def snapshot_format(self, snapshot_id: int) -> str:
        """The format of a snapshot row: known without a read when this transaction inserted
        it (the apply hooks ask it of the version just recorded: a round trip a version)."""
        if snapshot_id in self._formats:
            return self._formats[snapshot_id]
        row = self.connection.execute(
            select(t.snapshots.c.format).where(t.snapshots.c.id == snapshot_id)
        ).first()
        return str(row.format) if row else ""

    def update_snapshot(
        self,
        snapshot_id: int,
        *,
        status: str,
        record_count: int | None,
        baseline: bool = False,
        message: str = "",
        summary: dict[str, int] | None = None,
    ) -> int:
        """Settle a quarantined row in place (approved, re-checked or rejected by an operator)."""
        self.connection.execute(
            update(t.snapshots)
            .where(t.snapshots.c.id == snapshot_id, t.snapshots.c.list_id == self.list_id)
            .values(
                status=status,
                record_count=record_count,
                baseline=baseline,
                message=message,
                summary=summary or {},
            )
        )
        return snapshot_id

    def apply_changes(
        self,
        snapshot_id: int,
        records: Sequence[Record],
        closed_keys: Iterable[str],
        events: Sequence[Event],
    ) -> None:
        """Close the versions of changed and removed keys, insert new versions and events."""
        statement = CLOSE_VERSIONS[uses_arrays(self.connection)]
        for batch in lookup_batches(self.connection, list(closed_keys)):
            self.connection.execute(
                statement, {"of_list": self.list_id, "keys": batch, "closed": snapshot_id}
            )
        insert_rows(
            self.connection,
            t.entity_versions,
            _VERSION_COLUMNS,
            (
                (self.list_id, r.key, r.content_hash(), r.name, r.to_json(), snapshot_id)
                for r in records
            ),
        )
        insert_rows(
            self.connection, t.events, _EVENT_COLUMNS, (_event_row(e, snapshot_id) for e in events)
        )

    def insert_baseline(
        self, snapshot_id: int, listings: Iterable[Listing], observed_at: datetime
    ) -> None:
        """Write entries of a first version: each one's version row and its listed event.

        Called once per batch of a baseline inside its one transaction, so a
        million-entry list never has every entry in memory; the rows are those
        :meth:`apply_changes` writes for the same records and baseline events
        (tests/ingest/test_mechanisms.py compares them).
        """
        entries = list(listings)
        insert_rows(
            self.connection,
            t.entity_versions,
            _VERSION_COLUMNS,
            ((self.list_id, e.key, e.content_hash, e.name, e.record, snapshot_id) for e in entries),
        )
        insert_rows(
            self.connection,
            t.events,
            _EVENT_COLUMNS,
            (self._listed_row(e, snapshot_id, observed_at) for e in entries),
        )

    def _listed_row(
        self, entry: Listing, snapshot_id: int, observed_at: datetime
    ) -> tuple[Any, ...]:
        """The event row of a baseline entry (_EVENT_COLUMNS): what :func:`_event_row`
        makes of its event."""
        return (
            self.list_id,
            snapshot_id,
            entry.key,
            None,
            EventKind.LISTED,
            entry.name,
            entry.entry_type,
            entry.source_list,
            entry.programs,
            entry.countries,
            entry.notice,
            parse_iso_date(entry.effective_date),
            observed_at,
            True,
            (),
            (),
        )


_VERSION_COLUMNS = ("list_id", "key", "content_hash", "name", "record", "valid_from")
_EVENT_COLUMNS = (
    "list_id",
    "snapshot_id",
    "key",
    "previous_key",
    "kind",
    "name",
    "entry_type",
    "source_list",
    "programs",
    "countries",
    "notice",
    "effective_date",
    "observed_at",
    "baseline",
    "categories",
    "changes",
)


def _event_row(event: Event, snapshot_id: int) -> tuple[Any, ...]:
    """The row of an event, its values in the order of _EVENT_COLUMNS."""
    record = event.record
    return (
        event.list_id,
        snapshot_id,
        event.key,
        event.previous_key,
        event.kind,
        record.name,
        record.entry_type,
        record.source_list,
        # tuples of strings, as the baseline's rows: the same JSON arrays, each distinct
        # one encoded once a batch (bulk._memo_key), where lists were encoded row by row
        record.programs,
        record.countries,
        record.notice,
        event.effective_date,
        event.observed_at,
        event.baseline,
        event.categories,
        # none (a listing, a delisting): an empty tuple, the same JSON array as an empty
        # list but written once a batch (bulk._memo_key), where each list was encoded anew
        [{"field": c.field, "before": c.before, "after": c.after} for c in event.changes]
        if event.changes
        else (),
    )


def _list_says(listed_as: tuple[str, str] | None, list_id: str, title: str, format: str) -> bool:
    """Does the list's row (its title and format; None: no row) say this title and format
    (any, when none is given)?"""
    return listed_as is not None and (not format or listed_as == (title or list_id, format))


def snapshot_folders(files: Iterable[dict[str, Any]]) -> set[Path]:
    """The folders holding a snapshot's files (its file facts' paths, resolved)."""
    return {Path(str(f["path"])).resolve().parent for f in files if f.get("path")}


def advisory_key(list_id: str) -> int:
    """A stable signed 64-bit number for PostgreSQL's advisory lock on a list."""
    return zlib.crc32(f"watchlist-monitor:{list_id}".encode()) - (1 << 31)


class Store:
    """The application's view of the database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def list_transaction(
        self, list_id: str, *, serialise: Sequence[str] = ()
    ) -> Iterator[ListTransaction]:
        """A write transaction holding the per-list lock until commit or rollback.

        ``serialise``: the names of serialise_transaction's locks the work inside will ask
        for, taken on PostgreSQL with the list's lock as the transaction begins.
        """
        try:
            if self.backend == "postgresql":
                with self._pg_list_transaction(list_id, serialise) as tx:
                    yield tx
                return
            with (
                self.engine.connect().execution_options(immediate=True) as connection,
                connection.begin(),
            ):
                yield ListTransaction(connection, list_id)
        except IntegrityError:
            raise  # a broken invariant: a bug to see in full, not a condition to report
        except DatabaseError as exc:
            raise StoreError(f"list {list_id}: database error ({describe(exc)})") from exc

    @contextmanager
    def _pg_list_transaction(
        self, list_id: str, serialise: Sequence[str]
    ) -> Iterator[ListTransaction]:
        """list_transaction on PostgreSQL: BEGIN and the locks in one round trip
        (:func:`locks.begin_list_locked`), on the connection of this thread's writer lock
        on the list when it holds one (:func:`locks.lent_writer`), else on one of its own;
        a transaction marked to end the writer (:meth:`ListTransaction.end_writer`) sends
        its COMMIT with the writer lock's release."""
        writer = locks.lent_writer(self, list_id)
        connect: AbstractContextManager[Connection] = (
            nullcontext(writer.connection)
            if writer is not None
            else self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        )
        with connect as connection, connection.begin():
            locks.begin_list_locked(connection, advisory_key(list_id), serialise)
            tx = ListTransaction(connection, list_id)
            yield tx
            if tx.ends_writer and writer is not None:
                locks.commit_releasing(writer)

    @contextmanager
    def read(self, *, autocommit: bool = False) -> Iterator[Connection]:
        """A connection for reading; a damaged or unreachable database is a StoreError.

        On PostgreSQL a read that went through is ended with COMMIT, not the pool's
        rollback: a read-only transaction's commit writes nothing, while psycopg answers
        a rollback by dropping its prepared statements (a DEALLOCATE ALL round trip, and
        the next version's inserts prepared again). ``autocommit``: the caller's statements
        need not see one state together (each is one question), so on PostgreSQL each runs
        on its own, without the BEGIN and COMMIT round trips of a transaction.
        """
        connect = self.engine.connect()
        if autocommit and self.backend == "postgresql":
            connect = connect.execution_options(isolation_level="AUTOCOMMIT")
        try:
            with connect as connection:
                yield connection
                if connection.in_transaction() and connection.dialect.name == "postgresql":
                    connection.commit()
        except IntegrityError:
            raise
        except DatabaseError as exc:
            raise StoreError(f"cannot read the database: {describe(exc)}") from exc

    def ensure_list(
        self,
        list_id: str,
        *,
        title: str,
        format: str,
        now: datetime,
        sha256: str | None = None,
        observed_at: datetime | None = None,
    ) -> ListSnapshots:
        """Create or update the list row, under the list's lock (two processes may race),
        and return the list's snapshots as :meth:`snapshots` reads them (for the version
        ``sha256`` observed at ``observed_at``, when given), on one connection: what every
        version does first (a connection less a version).

        A row that already says this (every version after a list's first) is left
        alone without a write transaction: one lock, write and commit fewer per version.
        The snapshots are read before a list row is written, which changes none of them.
        The list row comes with them, in the same one statement, which needs no transaction
        around it (on PostgreSQL the BEGIN, the list's read and the COMMIT were three round
        trips a version).
        """
        with self.read(autocommit=True) as connection:
            tx = ListTransaction(connection, list_id)
            seen = tx.snapshots(sha256, observed_at, with_list=True)
        if not _list_says(seen.listed_as, list_id, title, format):
            self._write_list(list_id, title=title, format=format, now=now)
        return replace(seen, listed_as=None)

    def _write_list(self, list_id: str, *, title: str, format: str, now: datetime) -> None:
        with self.list_transaction(list_id) as tx:
            connection = tx.connection
            exists = connection.execute(select(t.lists.c.id).where(t.lists.c.id == list_id)).first()
            if exists is None:
                connection.execute(  # the title an update writes: the next version reads it as said
                    insert(t.lists).values(
                        id=list_id, title=title or list_id, format=format, created_at=now
                    )
                )
            elif format:
                connection.execute(
                    update(t.lists)
                    .where(t.lists.c.id == list_id)
                    .values(title=title or list_id, format=format)
                )

    def recorded_folders(self, list_id: str, since: datetime | None) -> set[Path]:
        """The folders holding the files of the list's snapshots observed since ``since``."""
        statement = select(t.snapshots.c.files).where(t.snapshots.c.list_id == list_id)
        if since is not None:
            statement = statement.where(t.snapshots.c.observed_at >= since - timedelta(minutes=1))
        with self.read() as connection:
            rows = connection.execute(statement).scalars()
            return {folder for files in rows for folder in snapshot_folders(files or [])}

    def snapshots(
        self, list_id: str, sha256: str | None = None, observed_at: datetime | None = None
    ) -> ListSnapshots:
        """:meth:`ListTransaction.snapshots` on a connection of its own (one statement)."""
        with self.read() as connection:
            return ListTransaction(connection, list_id).snapshots(sha256, observed_at)

    def latest_state_snapshot(self, list_id: str) -> SnapshotInfo | None:
        with self.read() as connection:
            return ListTransaction(connection, list_id).latest_state_snapshot()

    def latest_applied_snapshot(self, list_id: str) -> SnapshotInfo | None:
        with self.read() as connection:
            return ListTransaction(connection, list_id).latest_applied_snapshot()

    def quarantined(self, list_id: str) -> list[SnapshotInfo]:
        with self.read() as connection:
            return ListTransaction(connection, list_id).quarantined()

    def find_rejected(
        self, list_id: str, sha256: str, observed_at: datetime
    ) -> SnapshotInfo | None:
        with self.read() as connection:
            return ListTransaction(connection, list_id).find_rejected(sha256, observed_at)
