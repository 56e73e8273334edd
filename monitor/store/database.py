"""Opening the database: engine settings per backend, and migrations to the latest schema.

SQLite runs in WAL mode with a busy timeout so a reader never blocks the
writer and a second writer waits instead of failing; write transactions
start with BEGIN IMMEDIATE so two processes never interleave one snapshot.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.exc import (
    ArgumentError,
    DatabaseError,
    DBAPIError,
    DisconnectionError,
    ProgrammingError,
    SQLAlchemyError,
)

from monitor.errors import ConfigError, StoreError, os_reason
from monitor.store.revisions import MIGRATIONS, head_revision
from monitor.store.sqlite_read import SQLITE_BUSY_TIMEOUT_MS

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATION_WAIT_SECONDS = 300
PING_AFTER_IDLE_SECONDS = 1.0
"""A pooled connection idle longer than this is pinged before it is handed out again."""


def _ping_when_idle(engine: Engine) -> None:
    """Ping a pooled connection at checkout only when it has been idle for a while.

    Why not ``pool_pre_ping``: it pings at every checkout, and a version takes three
    connections out of the pool (its reads, the list's writer lock, its transaction):
    on PostgreSQL three round trips a version to learn that a connection used a few
    milliseconds before is still there. What the ping is for, a connection that went
    stale while idle (a restarted server under a long-running daemon), is still
    caught: a connection idle for PING_AFTER_IDLE_SECONDS is pinged, and one that
    fails is replaced, as pre-ping does.
    """

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return  # new, or in use a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError(f"stale pooled connection: {exc}") from exc


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get("immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def normalise_url(url: str) -> str:
    """Accept 'postgresql://' as psycopg 3 (the driver we install)."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _without_password(url: str) -> str:
    """The URL as it may be shown: the password masked."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "<unparseable database URL>"


def open_engine(url: str, *, migrate: bool = True) -> Engine:
    """An engine for ``url`` with the schema migrated to the latest revision."""
    try:
        engine = create_engine(normalise_url(url), future=True)
    except (ArgumentError, SQLAlchemyError, ImportError) as exc:
        shown = _without_password(url)
        reason = str(exc).replace(url, shown)
        raise ConfigError(f"database URL {shown!r} is not usable: {reason}") from None
    _ping_when_idle(engine)
    if engine.dialect.name == "sqlite":
        _sqlite_setup(engine)
    if migrate:
        upgrade(engine)
    return engine


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply pending migrations; a running deployment upgrades in place.

    A database already at the newest revision (every command but the first)
    is recognised from its ``alembic_version`` row without importing alembic,
    which would double the start-up time of every command.
    """
    shown = engine.url.render_as_string(hide_password=True)
    try:
        if revision == "head" and current_revision(engine) == head_revision():
            return
        with migration_lock(engine):  # the first commands of a fresh database take turns
            if revision == "head" and current_revision(engine) == head_revision():
                return  # another process created it while this one waited
            if revision == "head" and (_create_new_sqlite(engine) or _create_new_pg(engine)):
                return
            _migrate(engine, revision, shown)
    except DatabaseError as exc:
        raise StoreError(f"cannot open or migrate the database {shown}: {describe(exc)}") from exc


@contextmanager
def migration_lock(engine: Engine) -> Iterator[None]:
    """One process at a time creates or migrates a database; the others wait for it.

    Without it, two first commands on a fresh database both try to create the
    tables and one fails ("database is locked", or a duplicate table). SQLite:
    a file lock beside the database; PostgreSQL: an advisory lock per schema.
    """
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            schema = connection.execute(text("SELECT current_schema()")).scalar_one()
            key = zlib.crc32(f"watchlist-monitor-migrate:{schema}".encode()) - (1 << 31)
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
            connection.commit()
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                connection.commit()
        return
    path = engine.url.database
    if engine.dialect.name != "sqlite" or not path or path == ":memory:":
        yield
        return
    from filelock import FileLock, Timeout

    lock = FileLock(f"{path}.migrate.lock", thread_local=False)
    try:
        lock.acquire(timeout=MIGRATION_WAIT_SECONDS)
    except Timeout:  # (a TimeoutError, so an OSError: it must come first)
        raise StoreError(
            f"another process has been creating or migrating the database {path} for "
            f"{MIGRATION_WAIT_SECONDS} s; try again when it is done"
        ) from None
    except OSError as exc:
        raise StoreError(f"cannot open the database {path}: {os_reason(exc)}") from exc
    try:
        yield
    finally:
        lock.release()


# The version table as alembic creates it (the migrations' schema has it beside schema.py's).
_ALEMBIC_VERSION = (
    "CREATE TABLE alembic_version (\n\tversion_num VARCHAR(32) NOT NULL, "
    "\n\tCONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n)"
)


def _create_new_sqlite(engine: Engine) -> bool:
    """Give a brand-new SQLite database (not one table yet) the newest schema in one step,
    stamped with the head revision, and say whether it did.

    Why: importing alembic and running every migration in turn took about 0.2 s of the
    first command on a new database (a ``replay`` into a new file rebuilds one from the
    archive). The migrations build exactly schema.py's tables and indexes (a test compares
    the two databases' schemas), and a database with any table, or another backend, is
    migrated by alembic as before; later migrations start from the stamped revision.
    """
    if engine.dialect.name != "sqlite":
        return False
    with engine.connect().execution_options(immediate=True) as connection, connection.begin():
        if connection.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar_one():
            return False
        # No table to ask about: the count was read under this transaction's write lock
        # (BEGIN IMMEDIATE), so none appeared since (asking for each cost about 10 ms).
        _create_schema(connection, checkfirst=False)
    return True


# Relations of the current schema, of any kind (tables, views, sequences...): one is
# enough to leave the schema to alembic. NULL when the search path names no schema.
_PG_RELATIONS = (
    "SELECT current_schema() IS NOT NULL AS named, count(c.oid) AS relations "
    "FROM pg_catalog.pg_class c WHERE c.relnamespace = "
    "(SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = current_schema())"
)


def _create_new_pg(engine: Engine) -> bool:
    """Give a brand-new PostgreSQL schema (no relation in it yet) the newest schema in one
    transaction, stamped with the head revision, and say whether it did.

    Why: importing alembic and running every migration took about 0.5 s more than
    SQLite's start on the first command (a ``replay`` into a new schema). As for SQLite,
    the migrations build exactly schema.py's tables, indexes and constraints (a test
    compares both catalogs). The caller holds the schema's migration advisory lock, and
    PostgreSQL's DDL is transactional: a crash leaves the schema empty, never half made.
    A schema with any relation is migrated by alembic as before.
    """
    if engine.dialect.name != "postgresql":
        return False
    with engine.connect() as connection, connection.begin():
        named, relations = connection.exec_driver_sql(_PG_RELATIONS).one()
        if not named or relations:
            return False  # no schema to create in (alembic says why), or not a new one
        _create_schema(connection, checkfirst=False)
    return True


def _create_schema(connection: Connection, *, checkfirst: bool) -> None:
    """schema.py's tables and the version table at the head revision, in the caller's
    transaction (``checkfirst``: ask about each table before creating it)."""
    from monitor.store import schema

    schema.metadata.create_all(connection, checkfirst=checkfirst)
    connection.exec_driver_sql(_ALEMBIC_VERSION)
    connection.execute(
        text("INSERT INTO alembic_version (version_num) VALUES (:head)"), {"head": head_revision()}
    )


def _migrate(engine: Engine, revision: str, shown: str) -> None:
    """Run alembic (imported only here: most commands find the schema up to date)."""
    from alembic import command
    from alembic.util import CommandError

    try:
        command.upgrade(alembic_config(engine), revision)
    except CommandError as exc:  # a schema revision this version does not know
        raise StoreError(
            f"cannot migrate the database {shown}: {exc}; it was written by a newer "
            "watchlist-monitor or another program: upgrade watchlist-monitor, or choose "
            "another database"
        ) from exc


# What to do about the database errors a user can meet, by a phrase of the driver's message.
_HINTS = (
    (
        ("file is not a database", "malformed", "disk image"),
        "the file is damaged or is not a SQLite database: restore it from a backup, or rebuild "
        "it from the archive into a new file (watchlist-monitor --db sqlite:///new.db replay)",
    ),
    (
        ("disk is full", "no space left", "could not extend file"),
        "the disk that holds the database is full: free some space (nothing was applied)",
    ),
    (
        ("unable to open database file",),
        "check that the database file's folder exists and is writable",
    ),
    (
        ("readonly database", "read-only", "permission denied"),
        "the database cannot be written: check the permissions of its file and folder",
    ),
    (
        ("connection refused", "could not translate host name", "timeout expired"),
        "check the database URL (--db, WATCHLIST_MONITOR_DB or 'database:') and that the "
        "server is running",
    ),
    (
        ("password authentication failed", "no password supplied", 'role "', 'database "'),
        "check the user, password and database name in the database URL",
    ),
)


def describe(exc: DBAPIError) -> str:
    """The driver's message as one line, with what to do about it when that is known."""
    text = "; ".join(line.strip() for line in str(exc.orig).splitlines() if line.strip())
    lowered = text.lower()
    for phrases, hint in _HINTS:
        if any(phrase in lowered for phrase in phrases):
            return f"{text}; {hint}"
    return text


def current_revision(engine: Engine) -> str | None:
    """The database's schema revision; None when it has no version table (a new one)."""
    if engine.dialect.name == "postgresql":
        return _pg_current_revision(engine)
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        row = connection.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        return str(row[0]) if row else None


_UNDEFINED_TABLE = "42P01"  # PostgreSQL's SQLSTATE for a relation that does not exist


def _pg_current_revision(engine: Engine) -> str | None:
    """current_revision on PostgreSQL: the version table read in autocommit, one round trip;
    a table that does not exist (in the search path, as the catalog question asked) is
    the answer None.

    Why: every command starts here. The catalog question, the read, and the BEGIN and
    ROLLBACK psycopg sent around them were four round trips (and a catalog query of
    about 2 ms of server time) for one answer.
    """
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        try:
            row = connection.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        except ProgrammingError as exc:
            if getattr(exc.orig, "sqlstate", None) == _UNDEFINED_TABLE:
                return None
            raise
        return str(row[0]) if row else None
