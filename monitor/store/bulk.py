"""Reading and writing many rows fast: bulk inserts, plain reads and key lookups.

The writes of a list's versions, events, subjects and fingerprints go through
:func:`insert_rows` (the driver's own executemany on SQLite, COPY or a pipelined
JSON recordset on PostgreSQL), and the lookups of many keys bind them as
:func:`key_among` says; :func:`pipelined` sends a small version's writes together.
"""

from __future__ import annotations

import itertools
import json
import weakref
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    ARRAY,
    JSON,
    Connection,
    Executable,
    Float,
    Table,
    Text,
    any_,
    bindparam,
    insert,
)
from sqlalchemy.exc import DBAPIError

BATCH = 2000
PIPELINED_ROWS = 500
"""The most rows a version's writes may have to go in one pipeline
(monitor.store.store.ListTransaction.pipelined)."""


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
    inside a transaction's pipeline (:meth:`~monitor.store.store.ListTransaction.pipelined`,
    where no COPY can run), by one INSERT of a JSON array of them (:func:`_pipelined_rows`);
    elsewhere they go through SQLAlchemy as dictionaries.
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
    """Whether ``connection`` is in psycopg's pipeline mode
    (:meth:`~monitor.store.store.ListTransaction.pipelined`): its statements are sent
    without waiting for their results, and no COPY can run."""
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
