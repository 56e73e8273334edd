"""What history and alerts ask of subjects: which subjects some entries belong to, and a
subject told as one timeline across the lists it is on."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection

from monitor.store import subjects as sql
from monitor.store.subjects import EntryRef, Member


def subjects_of(
    connection: Connection, refs: Iterable[EntryRef]
) -> tuple[dict[int, dict[str, Any]], dict[int, list[Member]]]:
    """The subjects of these entries, and every member of each (on every list)."""
    found = sql.members(connection, refs)
    ids = {m.subject_id for m in found.values()}
    return sql.subjects(connection, ids), sql.subject_members(connection, ids)


def presence(entry: dict[str, Any], member: Member | None) -> dict[str, Any]:
    """One entry of a subject: on which list, under which key, listed since when (the
    effective date of its first listing, else the day it was observed; none for an undated
    entry of a list's first version held), held since when, until when, and the evidence
    that links it."""
    events = entry.get("events", [])
    listings = [e for e in events if e["kind"] in ("listed", "relisted")]
    first = listings[0] if listings else (events[0] if events else None)
    delisted = [e for e in events if e["kind"] == "delisted"]
    current = bool(entry.get("versions")) and entry["versions"][-1]["valid_to"] is None
    return {
        "list": entry["list"],
        "key": entry["key"],
        "name": entry["name"],
        "status": "listed" if current else ("delisted" if delisted else "unknown"),
        "since": _since(first),
        "held_since": first["observed_at"][:10] if first else None,
        "until": None if current or not delisted else delisted[-1]["observed_at"][:10],
        "evidence": member.evidence if member else "",
        "linked_to": member.as_dict()["linked_to"] if member else "",
    }


def _since(first: dict[str, Any] | None) -> str | None:
    if first is None:
        return None
    if first.get("effective_date"):
        return str(first["effective_date"])
    return None if first.get("baseline") else str(first["observed_at"][:10])


def subject_histories(
    entries: Sequence[dict[str, Any]],
    subjects: dict[int, dict[str, Any]],
    members: dict[int, list[Member]],
) -> list[dict[str, Any]]:
    """Each subject once: its presence on every list and one timeline of every step
    (each naming its list and key, and the snapshot it was read from). An entry not
    linked to a subject is a subject of its own (id None)."""
    by_ref = {(e["list"], e["key"]): e for e in entries}
    member_of = {(m.list_id, m.key): m for group in members.values() for m in group}
    out: list[dict[str, Any]] = []
    placed: set[EntryRef] = set()
    for subject_id in sorted(subjects, key=lambda s: (subjects[s]["name"].casefold(), s)):
        refs = [r for m in members.get(subject_id, []) if (r := (m.list_id, m.key)) in by_ref]
        if not refs:
            continue
        placed |= set(refs)
        out.append(_subject(subjects[subject_id], [by_ref[r] for r in refs], member_of))
    for ref, entry in sorted(by_ref.items()):
        if ref not in placed:
            alone = {"id": None, "name": entry["name"], "type": ""}
            out.append(_subject(alone, [entry], member_of))
    return out


def _subject(
    subject: dict[str, Any], entries: list[dict[str, Any]], member_of: dict[EntryRef, Member]
) -> dict[str, Any]:
    timeline = [
        {"list": e["list"], "key": e["key"], **step} for e in entries for step in e["steps"]
    ]
    timeline.sort(key=lambda s: (s["observed_at"], s["list"], s["key"]))
    return {
        "id": subject["id"],
        "name": subject["name"],
        "type": subject["type"],
        "presence": [presence(e, member_of.get((e["list"], e["key"]))) for e in entries],
        "timeline": timeline,
    }
