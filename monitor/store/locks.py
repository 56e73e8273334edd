"""Locks that keep daemons from stepping on each other.

The daemon lock: one daemon per database, unless every daemon on a
PostgreSQL database is started ``--shared`` (a shared advisory lock, which
an exclusive daemon cannot join). On SQLite it is an exclusive lock on a file
next to the database. The check lock: one process at a time checks a list,
so several daemons sharing PostgreSQL do not download and archive the same
version twice (the pipeline's own lock already makes sure it is applied
once). Both are released by the operating system or the server when the
process dies, so a crash never leaves a stale lock behind.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import threading
import time
import weakref
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from filelock import FileLock, Timeout
from sqlalchemy import Connection, text

from monitor.errors import AlreadyRunning, ConfigError, StoreError, os_reason

if TYPE_CHECKING:
    from monitor.store.store import Store

log = logging.getLogger(__name__)

NAMESPACE = 0x574D  # "WM": the first key of every advisory lock taken here


def _key(connection: Connection, name: str) -> int:
    schema = _SCHEMAS.get(connection.engine)
    if schema is None:  # the engine's URL sets it (search_path): the same on every connection
        schema = _SCHEMAS[connection.engine] = str(
            connection.execute(text("SELECT current_schema()")).scalar_one()
        )
    return zlib.crc32(f"{schema}:{name}".encode()) - (1 << 31)


# The schema of each engine's connections, asked once (it was a statement a version).
_SCHEMAS: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()


def whoami() -> str:
    return f"pid {os.getpid()} on {socket.gethostname()}"


_HOLDER = re.compile(r"pid (?P<pid>\d+) on (?P<host>\S+)(?: since (?P<since>\S+))?")


def _holder(text: str, *, since: datetime | None = None, mode: str = "exclusive") -> dict[str, Any]:
    """``pid 12 on host since 2026-12-01T10:00:00Z`` as the fields ``status`` shows."""
    match = _HOLDER.search(text)
    if match is None:
        return {"pid": None, "host": None, "since": None, "mode": mode, "holder": text}
    when = match.group("since") or (
        since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if since else None
    )
    return {
        "pid": int(match.group("pid")),
        "host": match.group("host"),
        "since": when,
        "mode": mode,
        "holder": text,
    }


def daemon_holders(store: Store) -> list[dict[str, Any]]:
    """The daemons holding this database now (pid, host, since, mode); [] when none.

    On SQLite the holder file beside the lock says who; it is removed when the daemon
    stops, and one left by a killed daemon is recognised by its process being gone (the
    lock itself is not probed: that could make a daemon starting that instant refuse).
    On PostgreSQL the server knows the advisory lock's holders and their sessions.
    """
    if store.backend == "postgresql":
        return _pg_holders(store)
    database = store.engine.url.database
    if not database or database == ":memory:":
        return []
    holder_file = Path(f"{database}.daemon.lock.holder")
    try:
        held = _holder(holder_file.read_text(encoding="utf-8").strip())
    except OSError:
        return []
    if held["host"] == socket.gethostname() and held["pid"] and not _alive(held["pid"]):
        return []
    return [held]


def _alive(pid: int) -> bool:
    if os.name == "nt":  # signal 0 is CTRL_C_EVENT there: believe the file
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, under another user
    return True


def _pg_holders(store: Store) -> list[dict[str, Any]]:
    with store.engine.connect() as connection:
        key = _key(connection, "daemon")
        rows = connection.execute(
            text(
                "SELECT a.application_name, a.backend_start, l.mode FROM pg_locks l "
                "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' "
                "AND l.granted AND l.classid = :ns AND l.objid = :key ORDER BY a.backend_start"
            ),
            {"ns": NAMESPACE, "key": key & 0xFFFFFFFF},
        ).all()
    return [
        _holder(
            name or "",
            since=started,
            mode="shared" if mode == "ShareLock" else "exclusive",
        )
        for name, started, mode in rows
    ]


@contextmanager
def daemon_lock(store: Store, *, shared: bool = False) -> Iterator[None]:
    """Hold the daemon lock for the whole life of the daemon, or raise AlreadyRunning."""
    if store.backend == "postgresql":
        with _pg_daemon_lock(store, shared=shared):
            yield
        return
    if shared:
        raise ConfigError("--shared needs PostgreSQL: daemons cannot share a SQLite database")
    database = store.engine.url.database
    if not database or database == ":memory:":
        yield
        return
    with _file_lock(Path(f"{database}.daemon.lock")):
        yield


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path`` (filelock: flock on Unix, msvcrt on Windows).

    Who holds it is written to a file beside it, since the lock file itself is
    truncated by whoever tries to take it.
    """
    holder_file = path.with_name(path.name + ".holder")
    lock = FileLock(path, timeout=0, thread_local=False)
    try:
        lock.acquire()
    except Timeout:
        try:
            holder = holder_file.read_text(encoding="utf-8").strip()
        except OSError:
            holder = ""
        raise AlreadyRunning(
            f"another daemon is already running on this database ({holder or 'another process'}; "
            f"lock file {path}); stop it first"
        ) from None
    try:
        since = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        holder_file.write_text(f"{whoami()} since {since}\n", encoding="utf-8")
        yield
    finally:
        holder_file.unlink(missing_ok=True)
        lock.release()


@contextmanager
def _pg_daemon_lock(store: Store, *, shared: bool) -> Iterator[None]:
    with store.engine.connect() as connection:
        connection.execute(
            text("SELECT set_config('application_name', :name, false)"),
            {"name": f"watchlist-monitor daemon {whoami()}"[:63]},
        )
        key = _key(connection, "daemon")
        function = "pg_try_advisory_lock_shared" if shared else "pg_try_advisory_lock"
        taken = connection.execute(
            text(f"SELECT {function}(:ns, :key)"), {"ns": NAMESPACE, "key": key}
        ).scalar_one()
        connection.commit()
        if not taken:
            raise AlreadyRunning(_pg_refusal(connection, key, shared))
        try:
            yield
        finally:
            unlock = "pg_advisory_unlock_shared" if shared else "pg_advisory_unlock"
            connection.execute(text(f"SELECT {unlock}(:ns, :key)"), {"ns": NAMESPACE, "key": key})
            connection.commit()


def _pg_refusal(connection: Connection, key: int, shared: bool) -> str:
    holders = connection.execute(
        text(
            "SELECT DISTINCT a.application_name FROM pg_locks l "
            "JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = :ns AND l.objid = :key"
        ),
        {"ns": NAMESPACE, "key": key & 0xFFFFFFFF},
    ).scalars()
    who = ", ".join(h for h in holders if h) or "another process"
    if shared:
        return f"a daemon without --shared is running on this database ({who}); stop it first"
    return (
        f"another daemon is already running on this database ({who}); stop it first, "
        "or start every daemon with --shared to share the work"
    )


@contextmanager
def check_lock(store: Store, list_id: str) -> Iterator[bool]:
    """True when this process may check the list now; False when another one is at it."""
    if store.backend != "postgresql":
        yield True
        return
    with store.engine.connect() as connection:
        key = _key(connection, f"check:{list_id}")
        params = {"ns": NAMESPACE + 1, "key": key}
        taken = connection.execute(
            text("SELECT pg_try_advisory_lock(:ns, :key)"), params
        ).scalar_one()
        connection.commit()
        try:
            yield bool(taken)
        finally:
            if taken:
                connection.execute(text("SELECT pg_advisory_unlock(:ns, :key)"), params)
                connection.commit()


def serialise_transaction(connection: Connection, name: str) -> None:
    """Queue this transaction behind any other holding ``name``, until it commits.

    For work that reads what other lists' transactions write (subjects link entries
    across lists): on PostgreSQL two such transactions would each miss the other's
    uncommitted rows, so the second waits for the first to commit and then reads them.
    SQLite has one writer at a time already.
    """
    if connection.dialect.name != "postgresql":
        return
    taken = connection.info.get(_SERIALISED)
    if taken is not None and taken[0] is connection.get_transaction() and name in taken[1]:
        return  # taken with the list's lock when this transaction began (begin_list_locked)
    params = {"ns": NAMESPACE + 3, "key": _key(connection, name)}
    connection.execute(text("SELECT pg_advisory_xact_lock(:ns, :key)"), params)


def _simple_query(connection: Connection, statements: str) -> None:
    """Send ``statements`` (several, separated by semicolons, no parameters) in one round
    trip: without parameters psycopg sends them as one simple query, and never prepares it.
    (The option is this call's only: SQLAlchemy 2 changes a Connection's own in place.)"""
    connection.exec_driver_sql(statements, execution_options={"no_parameters": True})


# The names serialise_transaction need not lock again: (the transaction, its names).
_SERIALISED = "watchlist_monitor_serialised"
_F = TypeVar("_F", bound=Callable[..., Any])


def serialising(*names: str) -> Callable[[_F], _F]:
    """Mark an apply hook as one that calls serialise_transaction for ``names``: the list's
    transaction then takes those locks as it begins (:func:`serialised_by`)."""

    def mark(hook: _F) -> _F:
        setattr(hook, "serialises", names)  # noqa: B010 (a function's attribute)
        return hook

    return mark


def serialised_by(hooks: Iterable[object]) -> tuple[str, ...]:
    """The names the hooks serialise their transaction on (see :func:`serialising`)."""
    names = (name for hook in hooks for name in getattr(hook, "serialises", ()))
    return tuple(dict.fromkeys(names))


def begin_list_locked(connection: Connection, list_key: int, serialise: Sequence[str]) -> None:
    """BEGIN a list's transaction on PostgreSQL holding its lock, and the locks of
    ``serialise`` (serialise_transaction's), in one round trip.

    Why: psycopg sends its BEGIN on its own before the first statement, then the list's
    lock and, later in the apply, the subjects' lock were a statement each: three round
    trips a version where one does. ``connection`` is in autocommit at the driver (it
    sends no BEGIN of its own; its COMMIT or ROLLBACK still ends the transaction), and
    the statements go as one simple query, each in turn as before: the locks are held
    from the transaction's first statement to its end, and each later statement sees
    what the holders before it committed. A serialised lock is taken where its transaction
    begins instead of where the hook asks: after the list's lock, as before, and only
    for the few milliseconds of the apply more. Lock keys are integers, so they are
    written into the statement.
    """
    locks = [f"pg_advisory_xact_lock({int(list_key)})"]
    locks += [f"pg_advisory_xact_lock({NAMESPACE + 3}, {_key(connection, n)})" for n in serialise]
    _simple_query(connection, "BEGIN; SELECT " + ", ".join(locks))
    connection.info[_SERIALISED] = (connection.get_transaction(), frozenset(serialise))


WRITER_WAIT_SECONDS = 600.0
_POLL_SECONDS = 0.2


@contextmanager
def list_writer(store: Store, list_id: str, *, wait: float | None = None) -> Iterator[bool]:
    """Writers of one list queue here, from reading its state to applying a version.

    Two processes applying versions of the same list at once would each parse
    against a state the other then changes; instead the second waits (a bounded,
    logged wait) and reads the state the first one left. Readers never wait.
    SQLite: a file lock per list beside the database; PostgreSQL: a session
    advisory lock per schema and list, released by the server if the process dies.
    A thread that already holds it goes on (it finishes an earlier version first).

    Yields whether another writer may have changed the list since the caller last
    read it: True when this process had to wait (or already held the lock), False
    when the lock was free at once.
    """
    limit = WRITER_WAIT_SECONDS if wait is None else wait
    held: dict[tuple[str, str], WriterSession | None]
    held = _held_writers.__dict__.setdefault("keys", {})
    key = (store.engine.url.render_as_string(hide_password=False), list_id)
    if key in held:  # this thread already writes this list (a version finished first)
        outer = held[key]
        if outer is not None:
            outer.nested += 1  # only the frame that took the lock may let it go
        try:
            yield True
        finally:
            if outer is not None:
                outer.nested -= 1
        return
    held[key] = None
    try:
        with _writer(store, list_id, limit) as (waited, session):
            held[key] = session
            yield waited
    finally:
        held.pop(key, None)


_held_writers = threading.local()


@dataclass(eq=False)
class WriterSession:
    """The connection holding this thread's writer lock on a list (PostgreSQL), lent to
    the list's transactions on the thread (:func:`lent_writer`)."""

    connection: Connection
    unlock: str  # the statement releasing the lock, its integer keys written in
    nested: int = 0  # list_writer frames of the list inside the one that took the lock
    released: bool = False  # by the COMMIT of the last transaction (commit_releasing)


def lent_writer(store: Store, list_id: str) -> WriterSession | None:
    """The connection of this thread's writer lock on the list, for its transaction.

    Why: the transaction took a connection of its own out of the pool while the
    writer's sat idle beside it; on the writer's one, the last transaction's COMMIT
    and the lock's release go as one round trip (:func:`commit_releasing`). A session
    advisory lock and the transaction's own locks do not interfere on one connection.
    None on SQLite, without the lock, or while its connection is in a transaction.
    """
    held = _held_writers.__dict__.get("keys", {})
    session = held.get((store.engine.url.render_as_string(hide_password=False), list_id))
    if session is None or session.released or session.connection.engine is not store.engine:
        return None
    return None if session.connection.in_transaction() else session


def commit_releasing(session: WriterSession) -> None:
    """COMMIT the transaction on the writer's connection and release the writer lock in
    the same round trip: for the transaction after which the writer applies nothing more.

    The lock is released after the COMMIT, as list_writer's exit would have released
    it, and only once the transaction committed; list_writer's exit then sends nothing.
    A frame of list_writer inside the one that took the lock (an earlier version
    finished first) does not end it: its COMMIT goes alone.
    """
    if session.nested:
        return
    statement = f"COMMIT; {session.unlock}"
    _simple_query(session.connection, statement)
    session.released = True


@contextmanager
def _writer(
    store: Store, list_id: str, limit: float
) -> Iterator[tuple[bool, WriterSession | None]]:
    """The lock of list_writer; yields whether it had to wait for it, and on PostgreSQL the
    connection holding it."""
    if store.backend == "postgresql":
        with _pg_writer(store, list_id, limit) as (waited, session):
            yield waited, session
        return
    database = store.engine.url.database
    if not database or database == ":memory:":
        yield False, None
        return
    folder = Path(f"{database}.locks")
    lock = FileLock(folder / f"{list_id}.lock", thread_local=False)
    waited = False
    try:
        folder.mkdir(exist_ok=True)
        lock.acquire(timeout=0)
    except Timeout:  # (a TimeoutError, so an OSError: it must come first)
        waited = True
        _log_waiting(list_id, limit)
        try:
            lock.acquire(timeout=limit)
        except Timeout:
            raise _still_busy(list_id, limit) from None
    except OSError as exc:
        raise StoreError(f"list {list_id}: cannot lock {folder}: {os_reason(exc)}") from exc
    try:
        yield waited, None
    finally:
        lock.release()


@contextmanager
def _pg_writer(store: Store, list_id: str, limit: float) -> Iterator[tuple[bool, WriterSession]]:
    """A session advisory lock, taken and released in autocommit: the lock belongs to
    the session, not to a transaction, so a BEGIN and COMMIT around each of its two
    statements were four round trips a version for nothing. Its release is sent with the
    COMMIT of the list's last transaction when that ran on this connection."""
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        key = _key(connection, f"writer:{list_id}")
        params = {"ns": NAMESPACE + 2, "key": key}
        deadline = time.monotonic() + limit
        waited = False
        while not connection.execute(
            text("SELECT pg_try_advisory_lock(:ns, :key)"), params
        ).scalar_one():
            connection.commit()
            if not waited:
                _log_waiting(list_id, limit)
                waited = True
            if time.monotonic() > deadline:
                raise _still_busy(list_id, limit)
            time.sleep(_POLL_SECONDS)
        connection.commit()
        session = WriterSession(connection, f"SELECT pg_advisory_unlock({NAMESPACE + 2}, {key})")
        try:
            yield waited, session
        finally:
            if not session.released and not connection.invalidated:
                connection.execute(text("SELECT pg_advisory_unlock(:ns, :key)"), params)
                connection.commit()


def _log_waiting(list_id: str, limit: float) -> None:
    log.warning(
        "list %s: another process is applying a version; waiting for it (up to %g s)",
        list_id,
        limit,
    )


def _still_busy(list_id: str, limit: float) -> StoreError:
    return StoreError(
        f"list {list_id}: another process has been applying a version for more than "
        f"{limit:g} s; nothing was applied; try again when it is done"
    )
