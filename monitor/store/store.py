"""Short transactions over the schema; the only module that writes SQL.

Applying a snapshot happens inside :meth:`Store.list_transaction`, which holds
a per-list lock (BEGIN IMMEDIATE on SQLite, an advisory lock on PostgreSQL)
for the whole apply, so two processes never interleave one list and a crash
leaves the database as it was before the snapshot or after it.
"""

from __future__ import annotations

import itertools
import json
import weakref
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import (
    ARRAY,
    JSON,
    Boolean,
    Connection,
    Engine,
    Executable,
    Float,
    Row,
    Table,
    Text,
    any_,
    bindparam,
    case,
    cast,
    func,
    insert,
    literal,
    null,
    select,
    union_all,
    update,
)
from sqlalchemy.exc import DatabaseError, DBAPIError, IntegrityError

from monitor.errors import StoreError
from monitor.kinds import EventKind
from monitor.records import Event, Record, parse_iso_date
from monitor.store import locks
from monitor.store import schema as t
from monitor.store.database import describe

BATCH = 2000
PIPELINED_ROWS = 500
"""The most rows a version's writes may have to go in one pipeline (ListTransaction.pipelined)."""


def plain_rows(connection: Connection, statement: Executable) -> list[Any]:
    """Every row of ``statement`` as the driver's own tuples, not SQLAlchemy rows.

    For the reads of a whole list's state (a million rows of a large list), where
    building a Row per row doubled the driver's fetch (2.5 s against 1.2 s for a
    million fingerprints on SQLite). Only for columns the driver returns as they
    are meant (text and integers): no result processing is applied.
    """
    result = connection.execute(statement)
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()


def insert_rows(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
) -> None:
    """Insert ``rows`` (each one's values in the order of ``columns``), BATCH at a time.

    Why: for the thousands of rows of a list's first version (its versions, events and
    subjects), SQLAlchemy's handling of each row's parameters cost more than SQLite's
    insert itself. On SQLite the compiled statement goes to the driver with plain
    tuples; each column's own bind processor (JSON, dates...) is applied here, once per
    distinct value where values repeat (a list's programs, a batch's timestamp), so
    the stored values are the ones SQLAlchemy writes. On PostgreSQL the rows, with the
    same bind processors applied, go to the table by one COPY (:func:`_copy_rows`), or,
    inside a transaction's pipeline (:meth:`ListTransaction.pipelined`, where no COPY can
    run), by one INSERT of a JSON array of them (:func:`_pipelined_rows`); elsewhere they
    go through SQLAlchemy as dictionaries.
    """
    names = list(columns)
    if _pipelined_rows(connection, table, names, rows) or _copy_rows(
        connection, table, names, rows
    ):
        return
    plan = _driver_insert(connection, table, names)
    if plan is None:
        dicts = (dict(zip(names, row, strict=True)) for row in rows)
        _execute_batches(connection, insert(table), dicts)
        return
    sql, order, processors = plan
    for batch in _processed_batches(rows, order, processors):
        connection.exec_driver_sql(sql, batch)


def _processed_batches(
    rows: Iterable[Sequence[Any]], order: list[int], processors: list[Any]
) -> Iterator[list[tuple[Any, ...]]]:
    """The rows as the driver takes them, BATCH at a time: their values in ``order`` and
    each one through its column's bind processor (once per distinct value, see _memo_key)."""
    # Only the columns that have a processor are looked at one by one (on SQLite: JSON,
    # dates, booleans); the others are picked out in the statement's order in one call.
    pick = itemgetter(*order) if len(order) > 1 else lambda row: (row[order[0]],)
    processed = [_Column(i, p) for i, p in enumerate(processors) if p is not None]
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        if not processed:
            batch.append(pick(row))
        else:
            values = list(pick(row))
            for column in processed:
                value = values[column.index]
                if value is None:
                    continue
                # the very same object as the row before: its result, without a call
                same = value is column.last
                values[column.index] = column.last_result if same else column.process(value)
            batch.append(tuple(values))
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


class _Column:
    """One column's bind processor, applied once per distinct value (see _memo_key).

    The last value that can be remembered is kept with its result, and the very same
    object again is answered without a look-up: a column whose rows share one value (a
    batch's timestamp, a baseline's flag and empty lists) costs a comparison a row.
    """

    __slots__ = ("index", "last", "last_result", "memo", "processor")

    def __init__(self, index: int, processor: Any) -> None:
        self.index = index
        self.processor = processor
        self.memo: dict[Any, Any] = {}
        self.last: Any = _NOTHING
        self.last_result: Any = None

    def process(self, value: Any) -> Any:
        """The processed value; kept as ``last`` when _memo_key takes it (no mutable
        value is answered by identity)."""
        key = _memo_key(value)
        if key is None:
            return self.processor(value)
        memo = self.memo
        result = memo[key] if key in memo else memo.setdefault(key, self.processor(value))
        self.last, self.last_result = value, result
        return result


_NOTHING = object()


def _copy_rows(
    connection: Connection, table: Table, names: list[str], rows: Iterable[Sequence[Any]]
) -> bool:
    """On PostgreSQL with psycopg: write ``rows`` with one ``COPY ... FROM STDIN`` inside
    the caller's transaction and return True; elsewhere False (nothing written).

    Why: psycopg runs an executemany as one execution per row (pipelined), and the
    server plans and runs each: the 50,000 rows of a first SDN version (versions,
    events, subject tokens and members, fingerprints) cost seconds of client and server
    time that a COPY does not. The values are the ones an INSERT binds: each column's
    own bind processor is applied (JSON written by the engine's serializer, booleans),
    and psycopg dumps them as it dumps parameters. Durability is the transaction's:
    the rows commit or roll back with it.
    """
    dialect = connection.dialect
    if dialect.name != "postgresql" or dialect.driver != "psycopg" or in_pipeline(connection):
        return False  # (no COPY can run in a pipeline: SQLAlchemy's INSERT writes the rows)
    if any(c.default is not None for c in table.c if c.name not in names):
        return False  # a default SQLAlchemy fills in: only its INSERT writes it
    processors = [_copy_processor(table.c[name].type, dialect) for name in names]
    batches = _processed_batches(rows, list(range(len(names))), processors)
    first = next(batches, None)
    if first is None:
        return True  # no rows: no statement, as an empty executemany sends none
    quote = dialect.identifier_preparer
    columns = ", ".join(quote.format_column(table.c[name]) for name in names)
    sql = f"COPY {quote.format_table(table)} ({columns}) FROM STDIN"
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        with cursor.copy(sql) as copy:
            for batch in itertools.chain((first,), batches):
                for values in batch:
                    copy.write_row(values)
    except dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(sql, None, exc, dialect.loaded_dbapi.Error) from exc
    finally:
        cursor.close()
    return True


def in_pipeline(connection: Connection) -> bool:
    """Whether ``connection`` is in psycopg's pipeline mode (:meth:`ListTransaction.pipelined`):
    its statements are sent without waiting for their results, and no COPY can run."""
    dialect = connection.dialect
    if dialect.name != "postgresql" or dialect.driver != "psycopg":
        return False
    dbapi_connection: Any = connection.connection.dbapi_connection
    return bool(dbapi_connection.pgconn.pipeline_status)  # pq.PipelineStatus.OFF is 0


def _pipelined_rows(
    connection: Connection, table: Table, names: list[str], rows: Iterable[Sequence[Any]]
) -> bool:
    """In psycopg's pipeline mode: write ``rows`` by one prepared INSERT a BATCH, its rows one
    JSON array parameter read by ``json_to_recordset``, and return True; else False.

    Why: a COPY cannot run in a pipeline, and it cost two round trips of its own (the
    server's go-ahead, then its result). A statement of the same text for any number of
    rows is prepared once and queued with the others of the pipeline. The values are the
    COPY's (:func:`_copy_processor`): JSON columns travel as their JSON text and are cast,
    so the stored text is the one an INSERT writes; dates and times as ISO 8601 text, read
    by the column types' own input (an aware time keeps its offset, as psycopg sends it).
    """
    if not in_pipeline(connection):
        return False
    if any(c.default is not None for c in table.c if c.name not in names):
        return False  # a default SQLAlchemy fills in: only its INSERT writes it
    if any(isinstance(table.c[name].type, Float) for name in names):
        return False  # JSON has no NaN or infinity: SQLAlchemy's INSERT writes them
    dialect = connection.dialect
    sql = _recordset_insert(dialect, table, tuple(names))
    processors = [_copy_processor(table.c[name].type, dialect) for name in names]
    fields = [f"c{i}" for i in range(len(names))]
    for batch in _processed_batches(rows, list(range(len(names))), processors):
        payload = [dict(zip(fields, values, strict=True)) for values in batch]
        text = json.dumps(payload, ensure_ascii=False, allow_nan=False, default=_iso)
        connection.exec_driver_sql(sql, (text,))
    return True


def _iso(value: Any) -> str:
    """A date or time as JSON carries it to _pipelined_rows' statement: ISO 8601 text."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} cannot be written in a pipeline")


def _recordset_insert(dialect: Any, table: Table, names: tuple[str, ...]) -> str:
    """The INSERT of _pipelined_rows for these columns: field ``c<i>`` of each JSON object
    is column ``names[i]``, read as the column's type (a JSON column: as text, then cast)."""
    key = (table, names)
    cached = _RECORDSET_INSERTS.setdefault(dialect, {})
    if key not in cached:
        quote = dialect.identifier_preparer
        fields, picked = [], []
        for i, name in enumerate(names):
            column_type = table.c[name].type
            is_json = isinstance(column_type, JSON)
            fields.append(f"c{i} {'TEXT' if is_json else column_type.compile(dialect=dialect)}")
            picked.append(f"r.c{i}::JSON" if is_json else f"r.c{i}")
        columns = ", ".join(quote.format_column(table.c[name]) for name in names)
        cached[key] = (
            f"INSERT INTO {quote.format_table(table)} ({columns}) "
            f"SELECT {', '.join(picked)} FROM json_to_recordset(%s::JSON) AS r({', '.join(fields)})"
        )
    return cached[key]


_RECORDSET_INSERTS: weakref.WeakKeyDictionary[Any, dict[tuple[Table, tuple[str, ...]], str]]
_RECORDSET_INSERTS = weakref.WeakKeyDictionary()


@contextmanager
def pipelined(connection: Connection, rows: int) -> Iterator[None]:
    """Send the writes made inside (statements whose results nobody reads) together:
    on PostgreSQL with psycopg, for writes of at most PIPELINED_ROWS ``rows``, in one
    pipeline that ends with one round trip; elsewhere one by one, as without it.

    Why: a steady version's writes (the versions it closes, its new versions and events,
    the fingerprints it drops and adds, the fingerprint set's marker) were nine round
    trips on PostgreSQL, three COPYs of two each among them, for a few dozen rows: on
    a loaded machine each round trip waits for the server to be scheduled, and back.
    Queued, they are sent at once and their results read at the end; the rows go by
    prepared INSERTs (no COPY in a pipeline: :func:`insert_rows`), which cost the
    server and the client a little more a row than a COPY, hence the limit. The
    statements run in order in the transaction as before, and the first error raised
    at the end is raised as SQLAlchemy raises a statement's (an IntegrityError stays
    one): the transaction then rolls back, as it would have. Inside, no statement may
    be asked for rows or a row count (they come at the end). Inside another pipeline, the
    writes join it.
    """
    dialect = connection.dialect
    if rows > PIPELINED_ROWS or dialect.driver != "psycopg" or in_pipeline(connection):
        yield
        return
    dbapi_connection: Any = connection.connection.dbapi_connection
    error = dialect.loaded_dbapi.Error
    try:
        with dbapi_connection.pipeline():
            yield
    except error as exc:  # raised at the end, by the statement that failed
        raise DBAPIError.instance(None, None, exc, error) from exc


def _copy_processor(column_type: Any, dialect: Any) -> Any:
    """The processor of a value for _copy_rows: the column's bind processor, except that a
    JSON value is written as the JSON text psycopg would have dumped (the dialect's
    serializer, else json.dumps), which the server reads as the column's value.

    Why: the bind processor wraps the value for psycopg, which serialized it again for
    each row; as text, _processed_batches keeps one serialized copy per distinct value
    (the 36,000 JSON values of a first SDN version's events are a few hundred distinct
    ones: programs, countries, empty categories and changes).
    """
    if isinstance(column_type, JSON):
        dumps = getattr(dialect, "_json_serializer", None) or json.dumps
        return dumps
    return column_type.dialect_impl(dialect).bind_processor(dialect)


def _driver_insert(
    connection: Connection, table: Table, names: list[str]
) -> tuple[str, list[int], list[Any]] | None:
    """The SQL, the columns' positions in a row and their bind processors, for insert_rows
    on SQLite; None where the rows go through SQLAlchemy (another backend, or a statement
    that would take more columns than given, e.g. a default). Made once per dialect,
    table and columns (compiling took half a millisecond, several times a version)."""
    dialect = connection.dialect
    if dialect.name != "sqlite" or dialect.paramstyle != "qmark":
        return None
    plans = _DRIVER_INSERTS.setdefault(dialect, {})
    key = (table, tuple(names))
    if key not in plans:
        compiled = insert(table).compile(dialect=dialect, column_keys=names)
        order = list(compiled.positiontup or ())
        if sorted(order) != sorted(names):
            plans[key] = None
        else:
            processors = [
                table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in order
            ]
            plans[key] = (str(compiled), [names.index(n) for n in order], processors)
    return plans[key]


_DriverInsert = tuple[str, list[int], list[Any]]
# By dialect (an engine's: its JSON serializer is the processors'), held no longer than it.
_DRIVER_INSERTS: weakref.WeakKeyDictionary[
    Any, dict[tuple[Table, tuple[str, ...]], _DriverInsert | None]
]
_DRIVER_INSERTS = weakref.WeakKeyDictionary()


def _memo_key(value: Any) -> Any:
    """A key under which a processed value may be remembered: exact type and value, for
    values that cannot stand for another (tuples only of strings), else None."""
    kind = type(value)
    if kind is tuple:
        return (kind, value) if all(type(item) is str for item in value) else None
    if kind is datetime:  # equal instants in two zones are written differently
        return (kind, value, value.utcoffset())
    if kind in _MEMO_TYPES:
        return (kind, value)
    return None


_MEMO_TYPES = frozenset({str, int, bool, date})


def _execute_batches(
    connection: Connection, statement: Executable, rows: Iterable[dict[str, Any]]
) -> None:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            connection.execute(statement, batch)
            batch = []
    if batch:
        connection.execute(statement, batch)


def _current_of_keys(keys: Any) -> Any:
    """The current versions of these keys (a :func:`key_among` condition), for a lookup by key.

    "Current" is written so that no index can serve it: SQLite has no statistics,
    takes ix_versions_current (list, valid_to) for ``valid_to IS NULL``, which every
    current row matches, and so scanned the whole list once per batch of keys (4 s
    for the 6,700 changed keys of a million-entry list) instead of seeking each key
    in ix_versions_list_key. Snapshot ids start at 1, so 0 stands for "none".
    """
    v = t.entity_versions
    return (func.coalesce(v.c.valid_to, 0) == 0) & keys


def key_among(column: Any, name: str, *, array: bool) -> Any:
    """``column`` is one of the values bound as ``name``: with ``array`` (PostgreSQL) one
    array parameter, ``= ANY``; else an expanding IN, one parameter per value.

    Why an array on PostgreSQL: an expanding IN is a statement of another text for each
    number of values, so the server parsed and planned each version's key lookups anew
    (about 0.7 ms of its time for a lookup of a few keys, three lookups a version: a
    third of its work in a steady version of the real SDN series) and psycopg never
    prepared them. An array is one parameter: the text is the same for every version, it
    is prepared after a few executions and its plan is kept; each value is still sought
    in the same index. (The generic ARRAY type: importing the PostgreSQL dialect's costs
    a SQLite command's start-up about 30 ms.)
    """
    if array:
        return column == any_(bindparam(name, type_=ARRAY(Text)))
    return column.in_(bindparam(name, expanding=True))


def uses_arrays(connection: Connection) -> bool:
    """Whether key lookups on this connection take their values as one array (PostgreSQL)."""
    return connection.dialect.name == "postgresql"


def lookup_batches(connection: Connection, values: Sequence[Any]) -> Iterator[list[Any]]:
    """``values`` as the key lookups of :func:`key_among` send them: as one array, all at
    once (none when there is none), where :func:`uses_arrays`; else BATCH at a time (an IN
    of BATCH parameters stays within SQLite's limit on a statement's parameters)."""
    size = len(values) if uses_arrays(connection) else BATCH
    for start in range(0, len(values), max(size, 1)):
        yield list(values[start : start + size])


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


def _snapshots_statement() -> Executable:
    """The one statement of :meth:`ListTransaction.snapshots`: each part's rows tagged with
    the part, as a UNION ALL of the queries the single reads run (same order, same limits).
    Built once: its parameters are bound at each call."""
    s = t.snapshots
    mine = s.c.list_id == bindparam("list_id")
    newest = (s.c.observed_at.desc(), s.c.id.desc())

    def part(name: str, *where: Any, order: Any, limit: int | None = None) -> Any:
        inner = select(s, literal(name).label("part")).where(mine, *where).order_by(*order)
        return select(inner.limit(limit).subquery() if limit else inner.subquery())

    # The list's own row, when asked (:meth:`Store.ensure_list`): its title and format in
    # the columns of the same names' kind, every other column an empty one of its type.
    carried = {"message": t.lists.c.title, "format": t.lists.c.format}
    list_row = select(
        *(carried.get(c.name, cast(null(), c.type)).label(c.name) for c in s.c),
        literal("list").label("part"),
    ).where(t.lists.c.id == bindparam("list_id"), bindparam("with_list", type_=Boolean))
    return union_all(
        part("state", s.c.status.in_(("applied", "unchanged")), order=newest, limit=1),
        part("applied", s.c.status == "applied", order=newest, limit=1),
        part("quarantined", s.c.status == "quarantined", order=(s.c.observed_at, s.c.id)),
        part(
            "known",
            s.c.sha256 == bindparam("sha256"),
            s.c.observed_at == bindparam("observed_at"),
            s.c.status != "rejected",
            order=(s.c.id,),
            limit=1,
        ),
        list_row,
    )


_SNAPSHOTS = _snapshots_statement()


def _before_changes_statement(*, array: bool) -> Executable:
    """The statement of :meth:`ListTransaction.before_changes`, for one batch of keys (bound
    at each call: "list_id", "keys"): every version row of the keys, each with its record
    only when current. Built once per way of binding keys (:func:`key_among`): a statement
    built anew for each version was compiled into its cache key again each time (so were
    the other statements below)."""
    v = t.entity_versions
    record = case((func.coalesce(v.c.valid_to, 0) == 0, v.c.record), else_=null())
    keys = key_among(v.c.key, "keys", array=array)
    return select(v.c.key, record).where(v.c.list_id == bindparam("list_id"), keys)


def _close_versions_statement(*, array: bool) -> Executable:
    """The current versions of a batch of keys ("keys") of list "of_list" closed by snapshot
    "closed" (:meth:`ListTransaction.apply_changes`)."""
    v = t.entity_versions
    return (
        update(v)
        .where(
            v.c.list_id == bindparam("of_list"),  # (not a column's name)
            _current_of_keys(key_among(v.c.key, "keys", array=array)),
        )
        .values(valid_to=bindparam("closed"))
    )


def _current_of_statement(column: str, *, array: bool) -> Executable:
    """(key, ``column``) of the current versions of a batch of keys ("keys") of list
    "list_id" (:meth:`ListTransaction._current_of`)."""
    v = t.entity_versions
    keys = _current_of_keys(key_among(v.c.key, "keys", array=array))
    return select(v.c.key, v.c[column]).where(v.c.list_id == bindparam("list_id"), keys)


def _seen_before_statement(*, array: bool) -> Executable:
    """The keys of a batch ("keys") that have a version of list "list_id", current or past."""
    v = t.entity_versions
    keys = key_among(v.c.key, "keys", array=array)
    return select(v.c.key).distinct().where(v.c.list_id == bindparam("list_id"), keys)


# Each statement that looks keys up, in both ways of binding them (key_among), by
# ``array``; picked at each call by the connection's dialect (uses_arrays).
_BOTH = (False, True)
_BEFORE_CHANGES = {array: _before_changes_statement(array=array) for array in _BOTH}
_CLOSE_VERSIONS = {array: _close_versions_statement(array=array) for array in _BOTH}
_CURRENT_OF = {
    (column, array): _current_of_statement(column, array=array)
    for column in ("content_hash", "record")
    for array in _BOTH
}
_SEEN_BEFORE = {array: _seen_before_statement(array=array) for array in _BOTH}
# A snapshot row, its values bound at each call (:meth:`ListTransaction.record_snapshot`).
_INSERT_SNAPSHOT = insert(t.snapshots)
_new_tuple = tuple.__new__


class Listing(NamedTuple):
    """One entry of a list's first version as the store writes it: its version and its event.

    Plain values only (strings and tuples of strings), so that a baseline can wait
    on disk between the parse and the apply (:mod:`monitor.ingest.spill`) and be
    written without rebuilding a :class:`Record` per entry: rebuilding them cost
    about as much as parsing the file again.
    """

    key: str
    content_hash: str
    name: str
    record: str  # the stored JSON of the record
    entry_type: str
    source_list: str
    programs: tuple[str, ...]
    countries: tuple[str, ...]
    notice: str
    effective_date: str | None

    @classmethod
    def of(cls, record: Record) -> Listing:
        """The values of ``record``, in the fields' order: made by tuple.__new__ in C, as
        the named tuple's own __new__ (keyword arguments, in Python) cost four times as
        much for every entry of a first version."""
        return _new_tuple(
            cls,
            (
                record.key,
                record.content_hash(),
                record.name,
                record.to_json(),
                record.entry_type,
                record.source_list,
                record.programs,
                record.countries,
                record.notice,
                record.effective_date,
            ),
        )


class ListTransaction:
    """One locked transaction on one list: read its current state, write a snapshot."""

    def __init__(self, connection: Connection, list_id: str) -> None:
        self.connection = connection
        self.list_id = list_id
        self._formats: dict[int, str] = {}  # of the snapshot rows this transaction inserted
        self.ends_writer = False  # see end_writer

    def pipelined(self, rows: int) -> AbstractContextManager[None]:
        """:func:`pipelined` on this transaction's connection."""
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
            _SNAPSHOTS,
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

        Fetched in one ``fetchall`` as the driver's tuples (:func:`plain_rows`): row by
        row it was a tenth of the apply on the real SDN series.
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
        (:func:`lookup_batches`)."""
        statement = _CURRENT_OF[column, uses_arrays(self.connection)]
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
        statement = _BEFORE_CHANGES[uses_arrays(self.connection)]
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
        statement = _SEEN_BEFORE[uses_arrays(self.connection)]
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
            _INSERT_SNAPSHOT,
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
        statement = _CLOSE_VERSIONS[uses_arrays(self.connection)]
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
        # one encoded once a batch (_memo_key), where lists were encoded row by row
        record.programs,
        record.countries,
        record.notice,
        event.effective_date,
        event.observed_at,
        event.baseline,
        event.categories,
        # none (a listing, a delisting): an empty tuple, the same JSON array as an empty
        # list but written once a batch (_memo_key), where each list was encoded anew
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
