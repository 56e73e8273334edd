"""Linking entries into subjects, as versions are applied: an apply hook.

For each entry a version lists or changes, its tokens (:mod:`.evidence`) are
stored, and the entries of other lists (or of the same list: a CSL row under
SDN and SSI with one OFAC number) that share one are its candidates. The entry
joins the subject of the candidate with the strongest evidence, and the link
records that evidence and the entry it rests on. A name token counts only when
unambiguous: no list holds two entries with it. A reference or an identifier
shared with entries of two subjects merges them. ``subjects.never_link`` pairs
are never linked directly, and two subjects are not merged while it would put
such a pair together; ``subjects.always_link`` pairs are linked first.

Incremental: only the entries of the version being applied are linked, in the
version's transaction. Delisted entries keep their subject (history speaks of
them). Because the configuration is read every time, a replay links the same
way; :func:`relink` rebuilds every subject from the stored versions after a
correction is added to the configuration of a database that already holds
history.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import Connection, select

from monitor.kinds import EventKind
from monitor.records import Event, Record
from monitor.store import schema as t
from monitor.store import subjects as sql
from monitor.store.bulk import pipelined
from monitor.store.locks import serialise_transaction, serialising
from monitor.store.subjects import EntryRef, Member
from monitor.subjects.evidence import Strength, token_rows

if TYPE_CHECKING:
    from monitor.config import SubjectSettings
    from monitor.ingest.pipeline import ApplyHook
    from monitor.store.store import ListTransaction

log = logging.getLogger(__name__)
FIRST = 9  # the strength stored for the entry a subject started with
STRONG = Strength.IDENTIFIER  # links at least this strong merge subjects


class Entry(NamedTuple):
    """An entry to link: who it is and its tokens (value, strength, label).

    A named tuple, not a frozen dataclass: a first version makes one per entry, and a
    frozen dataclass sets each field through object.__setattr__ (twice the cost)."""

    list_id: str
    key: str
    name: str
    entry_type: str
    tokens: tuple[tuple[str, int, str], ...]

    @property
    def ref(self) -> EntryRef:
        return (self.list_id, self.key)


@dataclass(frozen=True, kw_only=True, slots=True)
class _Option:
    strength: int
    label: str
    other: EntryRef
    subject_id: int


def subject_hook(settings: SubjectSettings) -> ApplyHook:
    """Link the entries of each applied version (run at every entry point, replay too)."""

    @serialising("subjects")  # link_events's lock, taken as the transaction begins
    def hook(tx: ListTransaction, snapshot_id: int, events: Sequence[Event], now: datetime) -> None:
        fmt = tx.snapshot_format(snapshot_id)
        link_events(tx.connection, tx.list_id, snapshot_id, events, settings, fmt=fmt)

    return hook


def snapshot_format(connection: Connection, snapshot_id: int) -> str:
    row = connection.execute(
        select(t.snapshots.c.format).where(t.snapshots.c.id == snapshot_id)
    ).first()
    return str(row.format) if row else ""


def link_events(
    connection: Connection,
    list_id: str,
    snapshot_id: int,
    events: Sequence[Event],
    settings: SubjectSettings,
    *,
    fmt: str | None = None,
) -> None:
    """Link the entries these events list or change (a delisting keeps its subject).

    ``fmt``: the snapshot's format when the caller knows it (read otherwise)."""
    if fmt is None:
        fmt = snapshot_format(connection, snapshot_id)
    entries = {
        e.key: Entry(
            list_id=list_id,
            key=e.key,
            name=e.record.name,
            entry_type=e.record.entry_type,
            tokens=token_rows(e.record, fmt),
        )
        for e in events
        if e.kind != EventKind.DELISTED
    }
    if not entries:
        return
    serialise_transaction(connection, "subjects")  # see the entries other lists just linked
    by_token, deleted = _holders_after(connection, list_id, entries)
    tokens_now = {k: e.tokens for k, e in entries.items()}

    def replace_tokens() -> None:  # written with the links (nothing below reads tokens)
        sql.replace_tokens(connection, list_id, tokens_now, deleted=deleted)

    tokens = _Writes(replace_tokens, sum(len(e.tokens) for e in entries.values()))
    link(connection, [entries[k] for k in sorted(entries)], snapshot_id, settings, by_token, tokens)


class _Writes(NamedTuple):
    """Writes of the caller's that go with the links' own (_Batch.write), and their rows."""

    write: Callable[[], None]
    rows: int


def _holders_after(
    connection: Connection, list_id: str, entries: dict[str, Entry]
) -> tuple[dict[str, set[EntryRef]], bool]:
    """Token -> the entries that will carry it once these entries' tokens replace their old
    ones, read before the replacement: the stored holders but these entries, and these;
    and whether the entries' old tokens were deleted by the same statement (PostgreSQL).

    Only the tokens that two entries or more will carry are given: a token one entry alone
    carries links it to nothing (:func:`_options` passes it by alike), and those are
    nearly all of a first version's (15,000 tokens of 9,000 entries, each a set of one).

    Why not read after writing: the entries' own tokens would come back from the database
    (a first version of 9,000 entries read back its 15,000 token rows, to learn what it
    had just written)."""
    values = {value for e in entries.values() for value, _, _ in e.tokens}
    found = sql.holders_replacing(connection, values, list_id, entries)
    deleted = found is not None
    if found is None:
        found = sql.holders(connection, values)
    by_token: dict[str, set[EntryRef]] = {}
    for h in found:
        if h.list_id != list_id or h.key not in entries:
            by_token.setdefault(h.token, set()).add((h.list_id, h.key))
    first: dict[str, EntryRef] = {}  # a token none of the above carries: its first entry
    for entry in entries.values():
        ref = entry.ref
        for value, _, _ in entry.tokens:
            holders = by_token.get(value)
            if holders is not None:
                holders.add(ref)
                continue
            other = first.setdefault(value, ref)
            if other != ref:  # a second entry carries it (an entry's tokens differ)
                by_token[value] = {other, ref}
    return by_token, deleted


def link(
    connection: Connection,
    entries: Sequence[Entry],
    snapshot_id: int,
    settings: SubjectSettings,
    by_token: dict[str, set[EntryRef]] | None = None,
    also: _Writes | None = None,
) -> None:
    """Give each entry its subject; their tokens are stored already (``by_token``: who
    carries each of their tokens, when the caller knows it, else it is read; a token it
    leaves out is one an entry alone carries), or are written by ``also`` with the links."""
    if by_token is None:
        by_token = {}
        for h in sql.holders(connection, {value for e in entries for value, _, _ in e.tokens}):
            by_token.setdefault(h.token, set()).add((h.list_id, h.key))
    mine = {e.ref for e in entries}
    forced = _always(settings, mine)
    wanted = {ref for refs in by_token.values() for ref in refs} | mine
    wanted |= {other for pairs in forced.values() for other in pairs}
    batch = _Batch(connection, sql.members(connection, wanted), snapshot_id, settings)
    none: list[_Option] = []  # shared, never changed: most entries have no option
    for entry in entries:
        forced_to = forced.get(entry.ref)
        if forced_to is None:
            for value, _, _ in entry.tokens:
                if value in by_token:
                    break
            else:  # no other entry shares a token: nothing to look at (most of a first version)
                batch.place(entry, none)
                continue
        options = _options(entry, by_token, forced_to or set(), batch.known, settings)
        batch.place(entry, options)
    batch.write(also)


def _always(settings: SubjectSettings, refs: set[EntryRef]) -> dict[EntryRef, set[EntryRef]]:
    out: dict[EntryRef, set[EntryRef]] = {}
    for a, b in settings.always_link:
        if a in refs:
            out.setdefault(a, set()).add(b)
        if b in refs:
            out.setdefault(b, set()).add(a)
    return out


def _options(
    entry: Entry,
    by_token: dict[str, set[EntryRef]],
    forced: set[EntryRef],
    known: dict[EntryRef, Member],
    settings: SubjectSettings,
) -> list[_Option]:
    """The entries this one could be linked to, strongest evidence first."""
    me = entry.ref
    found = [
        _Option(
            strength=Strength.CONFIGURED,
            label="subjects.always_link",
            other=other,
            subject_id=known[other].subject_id,
        )
        for other in (sorted(forced) if forced else ())
        if other in known
    ]
    for value, strength, label in entry.tokens:
        holders = by_token.get(value)
        # Most tokens are carried by this entry alone (a first version: nearly all of them):
        # no other entry to link to, whatever the strength, and nothing to sort.
        if not holders or (len(holders) == 1 and me in holders):
            continue
        if strength == Strength.NAME and _ambiguous(holders):
            continue
        for other in sorted(holders - {me}):
            if other in known and not settings.never(me, other):
                found.append(
                    _Option(
                        strength=strength,
                        label=label,
                        other=other,
                        subject_id=known[other].subject_id,
                    )
                )
    if len(found) < 2:
        return found  # nothing to order (most entries of a first version: nothing at all)
    return sorted(found, key=lambda o: (o.strength, o.subject_id, o.other))


def _ambiguous(holders: set[EntryRef]) -> bool:
    """Two entries of one list share the name: it does not say which one is meant."""
    return max(Counter(lid for lid, _ in holders).values(), default=0) > 1


class _Batch:
    """The linking of one batch of entries: new subjects and members are kept here (with
    provisional negative ids) and written at the end in bulk; merges of stored subjects
    are written as they happen."""

    def __init__(
        self,
        connection: Connection,
        known: dict[EntryRef, Member],
        snapshot_id: int,
        settings: SubjectSettings,
    ) -> None:
        self.connection = connection
        self.known = known
        self.snapshot_id = snapshot_id
        self.settings = settings
        self.new_subjects: dict[int, tuple[str, str]] = {}
        # The last provisional number given: never reused, though a merge drops a new
        # subject (numbered by the count of new subjects, the next one took the number of
        # a subject still in use, and its entry joined that subject).
        self.last_provisional = 0
        # In the order placed (the entries' order: sorted, so sorting them again to write
        # them costs one pass, not a sort of 9,000 entries in a set's order).
        self.new_members: dict[EntryRef, None] = {}
        self.changed: set[EntryRef] = set()

    def place(self, entry: Entry, options: list[_Option]) -> None:
        me = entry.ref
        current = self.known.get(me)
        if current is not None:
            options = [o for o in options if self._may_merge(current.subject_id, o.subject_id)]
        if not options:
            if current is None:
                self.last_provisional -= 1
                subject_id = self.last_provisional
                self.new_subjects[subject_id] = (entry.name, entry.entry_type)
                self._set(
                    Member(
                        list_id=entry.list_id,
                        key=entry.key,
                        subject_id=subject_id,
                        name=entry.name,
                        strength=FIRST,
                        evidence="first entry of its subject",
                    ),
                    new=True,
                )
            return
        best = options[0]
        if current is not None and current.subject_id != best.subject_id:
            self._merge(current.subject_id, best.subject_id)
        member = Member(
            list_id=entry.list_id,
            key=entry.key,
            subject_id=self.known[best.other].subject_id,
            name=entry.name,
            strength=best.strength,
            evidence=best.label,
            linked_list=best.other[0],
            linked_key=best.other[1],
        )
        if current is None or _changed(self.known[me], member):
            self._set(member, new=current is None)
        # Strong evidence shared with entries of other subjects: they are one subject too.
        for option in options[1:]:
            if option.strength <= STRONG:
                self._merge(self.known[option.other].subject_id, self.known[me].subject_id)

    def _set(self, member: Member, *, new: bool) -> None:
        ref = (member.list_id, member.key)
        self.known[ref] = member
        if new:
            self.new_members[ref] = None
        else:
            self.changed.add(ref)

    def _may_merge(self, a: int, b: int) -> bool:
        """Whether two subjects may become one: no never_link pair would end up together."""
        if a == b or not self.settings.never_link:
            return True
        left = self._refs_of(a)
        right = self._refs_of(b)
        return not any(self.settings.never(x, y) for x in left for y in right)

    def _refs_of(self, subject_id: int) -> set[EntryRef]:
        refs = {ref for ref, m in self.known.items() if m.subject_id == subject_id}
        if subject_id > 0:
            stored = sql.subject_members(self.connection, (subject_id,)).get(subject_id, [])
            refs |= {(m.list_id, m.key) for m in stored}
        return refs

    def _merge(self, absorbed: int, into: int) -> None:
        if absorbed == into or not self._may_merge(absorbed, into):
            return
        if absorbed > 0 and into < 0:  # keep the stored subject: fewer rows to move
            absorbed, into = into, absorbed
        if absorbed > 0:
            sql.merge(self.connection, absorbed, into)
        else:
            self.new_subjects.pop(absorbed, None)
        for ref, member in list(self.known.items()):
            if member.subject_id == absorbed:
                self.known[ref] = member.moved(into)
                if ref not in self.new_members:
                    self.changed.add(ref)
        log.debug("subject %s merged into %s", absorbed, into)

    def write(self, also: _Writes | None = None) -> None:
        """Insert the new subjects and members, and rewrite the changed members; with the
        caller's writes ``also`` first, sent together (store.pipelined: on PostgreSQL one
        round trip where the tokens, the subjects and the members were a COPY of two each).
        The new subjects' ids are drawn before: a read cannot go in a pipeline."""
        subjects = [
            (name, entry_type)
            for _, (name, entry_type) in sorted(self.new_subjects.items(), reverse=True)
        ]
        drawn = sql.subject_ids(self.connection, len(subjects))
        relinked = sorted(self.changed - self.new_members.keys())
        rows = len(subjects) + len(self.new_members) + len(relinked) + (also.rows if also else 0)
        with pipelined(self.connection, rows):
            if also is not None:
                also.write()
            self._write(subjects, drawn, relinked)

    def _write(
        self, subjects: list[tuple[str, str]], drawn: list[int] | None, relinked: list[EntryRef]
    ) -> None:
        """The rows of write: ``subjects`` with their ``drawn`` ids, the new members, and the
        ``relinked`` members rewritten."""
        ids = sql.new_subjects(self.connection, subjects, self.snapshot_id, ids=drawn)
        real = dict(zip(sorted(self.new_subjects, reverse=True), ids, strict=True))

        def resolved(ref: EntryRef) -> Member:
            member = self.known[ref]
            if member.subject_id > 0:
                return member
            return member.moved(real.get(member.subject_id, member.subject_id))

        known = self.known
        sql.add_members(
            self.connection,
            [known[r] for r in sorted(self.new_members)],
            self.snapshot_id,
            subject_ids=real,
        )
        for ref in relinked:
            sql.relink_member(self.connection, resolved(ref), self.snapshot_id)


def _changed(old: Member, new: Member) -> bool:
    return (old.subject_id, old.strength, old.evidence, old.linked_key, old.name) != (
        new.subject_id,
        new.strength,
        new.evidence,
        new.linked_key,
        new.name,
    )


def relink(connection: Connection, settings: SubjectSettings) -> int:
    """Rebuild every subject, in the order entries first appeared: the evidence of each
    entry is computed again from its latest stored version (so a database that held
    history before subjects existed is linked too), then linked as the versions were
    applied, with the configuration's corrections. Returns the number of subjects."""
    serialise_transaction(connection, "subjects")
    formats = {
        row.id: row.format
        for row in connection.execute(select(t.snapshots.c.id, t.snapshots.c.format))
    }
    v = t.entity_versions.c
    first: dict[EntryRef, int] = {}
    latest: dict[EntryRef, tuple[str, int]] = {}
    rows = connection.execute(
        select(v.list_id, v.key, v.valid_from, v.record).order_by(v.valid_from, v.id)
    )
    for row in rows:
        ref = (row.list_id, row.key)
        first.setdefault(ref, row.valid_from)
        latest[ref] = (row.record, row.valid_from)
    entries: dict[EntryRef, Entry] = {}
    for ref, (stored, snapshot_id) in latest.items():
        record = Record.from_dict(json.loads(stored))
        entries[ref] = Entry(
            list_id=ref[0],
            key=ref[1],
            name=record.name,
            entry_type=record.entry_type,
            tokens=token_rows(record, formats.get(snapshot_id, "")),
        )
    sql.clear_subjects(connection)
    sql.clear_tokens(connection)
    by_list: dict[str, dict[str, Entry]] = {}
    for ref, entry in entries.items():
        by_list.setdefault(ref[0], {})[ref[1]] = entry
    for list_id, keyed in by_list.items():
        sql.replace_tokens(connection, list_id, {k: e.tokens for k, e in keyed.items()})
    by_snapshot: dict[int, list[Entry]] = {}
    for ref, snapshot_id in first.items():
        by_snapshot.setdefault(snapshot_id, []).append(entries[ref])
    for snapshot_id in sorted(by_snapshot):
        batch = sorted(by_snapshot[snapshot_id], key=lambda e: e.ref)
        link(connection, batch, snapshot_id, settings)
    return _count_subjects(connection)


def _count_subjects(connection: Connection) -> int:
    return len(connection.execute(select(t.subjects.c.id)).all())
