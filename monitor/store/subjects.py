"""The SQL of subjects: members, their tokens, and merging two subjects into one.

Called by :mod:`monitor.subjects.linking` inside the transaction that applies a
version (through the connection it holds), and by the read-only questions of
reports and history. Keys are looked up a chunk at a time: one IN per chunk.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    JSON,
    Connection,
    Text,
    any_,
    bindparam,
    delete,
    func,
    insert,
    literal_column,
    select,
    text,
    update,
)

from monitor.store import schema as t
from monitor.store.bulk import insert_rows

CHUNK = 500
EntryRef = tuple[str, str]


@dataclass(frozen=True, kw_only=True, slots=True)
class Holder:
    """An entry that carries a token."""

    token: str
    list_id: str
    key: str
    strength: int


@dataclass(frozen=True, kw_only=True, slots=True)
class Member:
    """One entry's place in a subject, and why it is there."""

    list_id: str
    key: str
    subject_id: int
    name: str
    strength: int
    evidence: str
    linked_list: str = ""
    linked_key: str = ""

    def moved(self, subject_id: int) -> Member:
        """The same member in another subject (dataclasses.replace, without its cost per
        call: a first version moves every one of its members from a provisional id)."""
        return Member(
            list_id=self.list_id,
            key=self.key,
            subject_id=subject_id,
            name=self.name,
            strength=self.strength,
            evidence=self.evidence,
            linked_list=self.linked_list,
            linked_key=self.linked_key,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "list": self.list_id,
            "key": self.key,
            "name": self.name,
            "strength": self.strength,
            "evidence": self.evidence,
            "linked_to": f"{self.linked_list}:{self.linked_key}" if self.linked_list else "",
        }


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _lookups(connection: Connection, values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    """``values`` as the key lookups send them: on PostgreSQL all at once (one array
    parameter, ``= ANY``), elsewhere CHUNK at a time (one IN of CHUNK parameters).

    Why: a list's first version looked its 9,000 entries' tokens and members up in
    about 50 statements of 500 parameters each, a round trip and a plan each: about
    0.8 s on PostgreSQL against 0.3 s on SQLite. An array is one parameter whatever
    its length, and the server seeks each value in the same index.
    """
    if connection.dialect.name in _ONE_PARAMETER:
        if values:
            yield values
        return
    yield from _chunks(values)


# Dialects that take a lookup's values as one parameter: an array on PostgreSQL, a JSON
# array read by json_each on SQLite. Why SQLite too: an expanding IN of 500 parameters
# is rendered into the SQL of every execution by SQLAlchemy (a first SDN version's 70
# lookups named 33,000 parameters: a sixth of its linking CPU). SQLite plans ``IN
# (SELECT value FROM json_each(?))`` as a list searched in the column's index, as the IN.
_ONE_PARAMETER = ("postgresql", "sqlite")


def _in(connection: Connection, column: Any, name: str) -> Any:
    """``column`` among the values bound as ``name``, as :func:`_lookups` sends them."""
    if connection.dialect.name == "postgresql":
        # Imported here: the PostgreSQL dialect's package is about 30 ms of a SQLite
        # command's start-up (a replay's), and an engine on PostgreSQL has it loaded.
        from sqlalchemy.dialects.postgresql import ARRAY

        return column == any_(bindparam(name, type_=ARRAY(Text)))
    if connection.dialect.name == "sqlite":
        values = func.json_each(bindparam(name, type_=JSON()))
        return column.in_(select(literal_column("value")).select_from(values))
    return column.in_(bindparam(name, expanding=True))


def _nothing_to_find(connection: Connection, table: Any, lookups: int) -> bool:
    """Whether a lookup of this many keys may be skipped because ``table`` has no row.

    Asked only of a lookup of more than CHUNK keys (a version's few changed entries are
    looked up without a question more): the first version of the first list in a new
    database (a ``replay`` into a new file) looked its 15,000 tokens and 9,000 entries
    up in three statements over empty tables, a tenth of its linking. The caller's
    transaction holds the linking's lock, so no row arrives meanwhile."""
    if lookups <= CHUNK:
        return False
    return (
        connection.execute(select(literal_column("1")).select_from(table).limit(1)).first() is None
    )


def replace_tokens(
    connection: Connection,
    list_id: str,
    tokens: Mapping[str, Iterable[tuple[str, int, str]]],
    *,
    deleted: bool = False,
) -> None:
    """The tokens of these entries of one list are now these (value, strength, label).

    ``deleted``: their old tokens are gone already (:func:`holders_replacing` did it)."""
    keys = sorted(tokens)
    c = t.subject_tokens.c
    statement = delete(t.subject_tokens).where(c.list_id == list_id, _in(connection, c.key, "keys"))
    deleted = deleted or _nothing_to_find(connection, t.subject_tokens, len(keys))
    for chunk in _lookups(connection, keys if not deleted else ()):
        connection.execute(statement, {"keys": list(chunk)})
    rows = (
        (list_id, key, value, strength, label)
        for key in keys
        for value, strength, label in tokens[key]
    )
    insert_rows(
        connection, t.subject_tokens, ("list_id", "key", "token", "strength", "label"), rows
    )


# Statements asked a chunk at a time: the values go in as one parameter (an expanding
# one, or an array on PostgreSQL), so SQLAlchemy compiles each statement once instead of
# building and compiling an IN of 500 literals per chunk (a first version's lookups cost
# 4 times the queries).
def _holders_statement(connection: Connection) -> Any:
    c = t.subject_tokens.c
    return select(c.token, c.list_id, c.key, c.strength).where(_in(connection, c.token, "values"))


def _members_statement(connection: Connection) -> Any:
    c = t.subject_members.c
    return select(t.subject_members).where(
        c.list_id == bindparam("list_id"), _in(connection, c.key, "keys")
    )


def holders(connection: Connection, values: Iterable[str]) -> list[Holder]:
    """Every entry that carries one of these tokens."""
    found: list[Holder] = []
    wanted = set(values)
    if _nothing_to_find(connection, t.subject_tokens, len(wanted)):
        return found
    statement = _holders_statement(connection)
    for chunk in _lookups(connection, sorted(wanted)):
        rows = connection.execute(statement, {"values": list(chunk)})
        found += [
            Holder(token=r.token, list_id=r.list_id, key=r.key, strength=r.strength) for r in rows
        ]
    return found


# The holders of some tokens, read while the tokens of some entries are deleted, in one
# statement: a data-modifying WITH runs with the same snapshot as the SELECT, so the SELECT
# sees the rows as they were before the delete (as the two statements did in this order),
# and it runs to completion whether the SELECT reads it or not (PostgreSQL's documented
# semantics of WITH; the rows are not RETURNed).
_PG_HOLDERS_REPLACING = text(
    "WITH gone AS (DELETE FROM subject_tokens WHERE list_id = :list_id AND key = ANY(:keys)) "
    "SELECT token, list_id, key, strength FROM subject_tokens WHERE token = ANY(:values)"
)


def holders_replacing(
    connection: Connection, values: Iterable[str], list_id: str, keys: Iterable[str]
) -> list[Holder] | None:
    """On PostgreSQL: :func:`holders` of ``values`` as they are now, and the tokens of these
    entries of ``list_id`` deleted, in one statement (then :func:`replace_tokens` with
    ``deleted``); elsewhere None, and nothing done.

    Why: a version's linking read the holders of its tokens, then deleted its entries'
    old tokens: two round trips a version where one does the same.
    """
    if connection.dialect.name != "postgresql":
        return None
    rows = connection.execute(
        _PG_HOLDERS_REPLACING,
        {"list_id": list_id, "keys": sorted(set(keys)), "values": sorted(set(values))},
    )
    return [Holder(token=r.token, list_id=r.list_id, key=r.key, strength=r.strength) for r in rows]


def members(connection: Connection, refs: Iterable[EntryRef]) -> dict[EntryRef, Member]:
    """The members among these entries (an entry never seen by the linking has none)."""
    by_list: dict[str, list[str]] = {}
    wanted = set(refs)
    found: dict[EntryRef, Member] = {}
    if _nothing_to_find(connection, t.subject_members, len(wanted)):
        return found
    for list_id, key in sorted(wanted):
        by_list.setdefault(list_id, []).append(key)
    statement = _members_statement(connection)
    for list_id, keys in by_list.items():
        for chunk in _lookups(connection, keys):
            rows = connection.execute(statement, {"list_id": list_id, "keys": list(chunk)})
            for row in rows:
                found[(row.list_id, row.key)] = _member(row)
    return found


def _member(row: Any) -> Member:
    return Member(
        list_id=row.list_id,
        key=row.key,
        subject_id=row.subject_id,
        name=row.name,
        strength=row.strength,
        evidence=row.evidence,
        linked_list=row.linked_list,
        linked_key=row.linked_key,
    )


def subject_members(connection: Connection, subject_ids: Iterable[int]) -> dict[int, list[Member]]:
    """Every member of these subjects, by subject, in list and key order."""
    c = t.subject_members.c
    out: dict[int, list[Member]] = {}
    for chunk in _chunks(sorted(set(subject_ids))):
        rows = connection.execute(
            select(t.subject_members).where(c.subject_id.in_(chunk)).order_by(c.list_id, c.key)
        )
        for row in rows:
            out.setdefault(row.subject_id, []).append(_member(row))
    return out


def subjects(connection: Connection, subject_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Subject rows by id: their name and type."""
    out: dict[int, dict[str, Any]] = {}
    for chunk in _chunks(sorted(set(subject_ids))):
        for row in connection.execute(select(t.subjects).where(t.subjects.c.id.in_(chunk))):
            out[row.id] = {"id": row.id, "name": row.name, "type": row.entry_type}
    return out


def new_subjects(
    connection: Connection,
    subjects: Sequence[tuple[str, str]],
    snapshot_id: int,
    *,
    ids: list[int] | None = None,
) -> list[int]:
    """Insert subjects (name, type); their ids, in the order given: ``ids`` when given (drawn
    by :func:`subject_ids`), else drawn now; where none can be drawn, given by the database
    (one statement per chunk: RETURNING, sorted by the order of the parameters)."""
    if not subjects:
        return []
    if ids is None:
        ids = subject_ids(connection, len(subjects))
    if ids is not None:
        rows = ((i, n, e, snapshot_id) for i, (n, e) in zip(ids, subjects, strict=True))
        insert_rows(connection, t.subjects, ("id", "name", "entry_type", "snapshot_id"), rows)
        return ids
    returned: list[int] = []
    dicts = [{"name": n, "entry_type": e, "snapshot_id": snapshot_id} for n, e in subjects]
    statement = insert(t.subjects).returning(t.subjects.c.id, sort_by_parameter_order=True)
    for chunk in _chunks(dicts):
        returned += [int(row.id) for row in connection.execute(statement, list(chunk))]
    return returned


def subject_ids(connection: Connection, count: int) -> list[int] | None:
    """The ids of ``count`` new subjects, ascending, drawn before their rows are written
    (so that the rows can go with other writes, in a pipeline on PostgreSQL); None on a
    database that gives them only as it inserts (new_subjects then has it give them).

    SQLite is given the ids it would choose itself: SQLAlchemy cannot promise the order
    of a multi-row RETURNING there, so it inserted one row per statement (9,000 for a
    list's first version, a fifth of linking it). The table has no AUTOINCREMENT, so
    SQLite numbers a new row max(id) + 1; the transaction holds SQLite's one write lock,
    so no other writer can take those ids meanwhile.

    PostgreSQL: the ids drawn from the id column's own sequence in one statement. Why: an
    INSERT ... RETURNING in the order of its parameters took one statement of 500 rows
    per chunk (19 for a first SDN version, about 1 s against SQLite's 0.1 s). The ids are
    the ones the column's default would have drawn (the same sequence), each unique even
    beside another writer; sorted, they ascend in the order given, as SQLite's and as the
    INSERT's did.
    """
    if not count:
        return []
    if connection.dialect.name == "sqlite":
        last = connection.execute(select(func.coalesce(func.max(t.subjects.c.id), 0))).scalar_one()
        return list(range(int(last) + 1, int(last) + 1 + count))
    if connection.dialect.name == "postgresql":
        drawn = connection.execute(_PG_SUBJECT_IDS, {"n": count}).scalars()
        return sorted(int(i) for i in drawn)
    return None


# As many numbers of the subjects' id sequence as asked, from the sequence the column's
# default draws from (whatever its name, and the same when the search path names the schema).
_PG_SUBJECT_IDS = text(
    "SELECT nextval(pg_get_serial_sequence('subjects', 'id')) FROM generate_series(1, :n)"
)


def add_members(
    connection: Connection,
    added: Sequence[Member],
    snapshot_id: int,
    *,
    subject_ids: Mapping[int, int] | None = None,
) -> None:
    """Insert these members. ``subject_ids``: a member's subject number as written, for
    the numbers it maps (a linking's provisional ones, negative, to the inserted subjects').

    Why here and not by moving each member first: a first version's 9,000 members all
    name a provisional subject, and a moved copy of each cost more than its row."""
    renumber = subject_ids or {}
    rows = (
        (
            m.list_id,
            m.key,
            renumber.get(m.subject_id, m.subject_id),
            m.name,
            m.strength,
            m.evidence,
            m.linked_list,
            m.linked_key,
            snapshot_id,
        )
        for m in added
    )
    insert_rows(connection, t.subject_members, _MEMBER_COLUMNS, rows)


_MEMBER_COLUMNS = (
    "list_id",
    "key",
    "subject_id",
    "name",
    "strength",
    "evidence",
    "linked_list",
    "linked_key",
    "snapshot_id",
)


def relink_member(connection: Connection, member: Member, snapshot_id: int) -> None:
    """An existing member, with its subject or evidence changed."""
    c = t.subject_members.c
    connection.execute(
        update(t.subject_members)
        .where(c.list_id == member.list_id, c.key == member.key)
        .values(
            subject_id=member.subject_id,
            name=member.name,
            strength=member.strength,
            evidence=member.evidence,
            linked_list=member.linked_list,
            linked_key=member.linked_key,
            snapshot_id=snapshot_id,
        )
    )


def member_count(connection: Connection, subject_id: int) -> int:
    c = t.subject_members.c
    return int(
        connection.execute(
            select(func.count()).select_from(t.subject_members).where(c.subject_id == subject_id)
        ).scalar_one()
    )


def merge(connection: Connection, absorbed: int, into: int) -> None:
    """Every member of one subject moves to another; the empty subject goes."""
    c = t.subject_members.c
    connection.execute(
        update(t.subject_members).where(c.subject_id == absorbed).values(subject_id=into)
    )
    drop_if_empty(connection, absorbed)


def drop_if_empty(connection: Connection, subject_id: int) -> None:
    if not member_count(connection, subject_id):
        connection.execute(delete(t.subjects).where(t.subjects.c.id == subject_id))


def subject_ids_of(connection: Connection, refs: Iterable[EntryRef]) -> dict[EntryRef, int]:
    """The subject of each of these entries that has one."""
    return {ref: m.subject_id for ref, m in members(connection, refs).items()}


def clear_tokens(connection: Connection) -> None:
    """Forget every token (a relink computes them again from the stored records)."""
    connection.execute(delete(t.subject_tokens))


def clear_subjects(connection: Connection) -> None:
    """Forget every subject and membership (the tokens stay: they are the evidence)."""
    connection.execute(delete(t.subject_members))
    connection.execute(delete(t.subjects))
