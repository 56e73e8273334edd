"""Point in time: a list as it stood on a date, and "was X on list L on date D?".

The state comes from the temporal versions: an entry was on the list at a
moment when its version started at a snapshot observed at or before it and
was not closed by one observed at or before it. Every answer names the
snapshot it rests on; when the archive holds no version of a list that old,
the answer is "unknown", never "no".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from monitor.dates import utc_iso
from monitor.names import WILDCARDS, fold, search_fold
from monitor.reports.words import countries_text, day_text
from monitor.store.queries import (
    entry_history,
    first_snapshot,
    list_ids,
    public_snapshot,
    snapshot_as_of,
    versions_as_of,
)

STATE_COLUMNS = (
    "list",
    "key",
    "name",
    "type",
    "source_list",
    "programs",
    "countries",
    "aliases",
    "identifiers",
    "effective_date",
    "notice",
    "version_since",
    "snapshot_sha256",
    "snapshot_observed_at",
)


def state_as_of(connection: Connection, lists: Sequence[str], moment: datetime) -> dict[str, Any]:
    """Each list's entries at a moment, with the snapshot that state was read from."""
    out = []
    for list_id in lists or list_ids(connection):
        snapshot = snapshot_as_of(connection, list_id, moment)
        entries = (
            [_flat(v) for v in versions_as_of(connection, list_id, moment)] if snapshot else []
        )
        shown = public_snapshot(snapshot) if snapshot else None
        out.append({"list": list_id, "snapshot": shown, "count": len(entries), "entries": entries})
    return {"as_of": utc_iso(moment), "lists": out}


def _flat(version: dict[str, Any]) -> dict[str, Any]:
    record = version["record"]
    return {
        "key": version["key"],
        "name": record["name"],
        "type": record.get("entry_type", ""),
        "source_list": record.get("source_list", ""),
        "programs": record.get("programs", []),
        "countries": record.get("countries", []),
        "aliases": record.get("aliases", []),
        "identifiers": [" ".join(p for p in i[:2] if p) for i in record.get("identifiers", [])],
        "effective_date": record.get("effective_date"),
        "notice": record.get("notice", ""),
        "version_since": version["version_since"],
    }


def state_csv(state: dict[str, Any]) -> str:
    """One row per entry per list; a spreadsheet formula in a value is defused."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(STATE_COLUMNS)
    for item in state["lists"]:
        snapshot = item["snapshot"] or {}
        for entry in item["entries"]:
            row = [item["list"], *[_joined(entry[c]) for c in STATE_COLUMNS[1:12]]]
            row += [snapshot.get("sha256", ""), snapshot.get("observed_at", "")]
            writer.writerow([_defused(v) for v in row])
    return buffer.getvalue()


def _joined(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _defused(text: str) -> str:
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


def matches(query: str, key: str, record: dict[str, Any]) -> str | None:
    """The name or alias the query matches (folded, as a substring), or the key itself.

    A query holding a SQL wildcard ('%', '_') is matched as typed, case ignored."""
    if key == query:
        return key
    folded = search_fold(query)
    literal = query.casefold() if WILDCARDS & set(query) else ""
    for name in (record.get("name", ""), *record.get("aliases", [])):
        if (folded and folded in fold(name)) or (literal and literal in str(name).casefold()):
            return str(name)
    return None


def answer(
    connection: Connection, query: str, lists: Sequence[str], moment: datetime, day: str
) -> dict[str, Any]:
    """Was an entry matching the query on each list at the moment? yes, no or unknown."""
    history = entry_history(connection, query, lists)
    results = [
        _list_answer(connection, query, list_id, moment, history)
        for list_id in (lists or list_ids(connection))
    ]
    answers = {r["answer"] for r in results}
    overall = "yes" if "yes" in answers else "no" if answers == {"no"} else "unknown"
    return {
        "query": query,
        "as_of": utc_iso(moment),
        "date": day,
        "answer": overall,
        "lists": results,
    }


def _list_answer(
    connection: Connection,
    query: str,
    list_id: str,
    moment: datetime,
    history: Sequence[dict[str, Any]],
) -> dict[str, Any]:
    snapshot = snapshot_as_of(connection, list_id, moment)
    other = [_other_time(e) for e in history if e["list"] == list_id]
    if snapshot is None:
        first = first_snapshot(connection, list_id)
        reason = "the archive holds no version of this list observed on or before that date"
        if first:
            reason += f"; the first held is of {day_text(first['observed_at'])}"
        return {
            "list": list_id,
            "answer": "unknown",
            "reason": reason,
            "snapshot": public_snapshot(first) if first else None,
            "matches": [],
            "other_times": other,
        }
    found = []
    for version in versions_as_of(connection, list_id, moment):
        matched = matches(query, version["key"], version["record"])
        if matched:
            found.append(_evidence(version, matched))
    reason = (
        f"{len(found)} matching {'entry' if len(found) == 1 else 'entries'} in the version "
        f"observed {snapshot['observed_at']}"
        if found
        else f"no entry matches in the version observed {snapshot['observed_at']}"
    )
    return {
        "list": list_id,
        "answer": "yes" if found else "no",
        "reason": reason,
        "snapshot": public_snapshot(snapshot),
        "matches": found,
        "other_times": other,
    }


def _evidence(version: dict[str, Any], matched: str) -> dict[str, Any]:
    record = version["record"]
    return {
        "key": version["key"],
        "name": record["name"],
        "matched": matched,
        "type": record.get("entry_type", ""),
        "programs": record.get("programs", []),
        "countries": countries_text(record.get("countries", [])),
        "effective_date": record.get("effective_date"),
        "version_since": version["version_since"],
    }


def _other_time(event: dict[str, Any]) -> dict[str, Any]:
    """A recorded event of a matching entry: context for a 'no' or an 'unknown'."""
    return {
        "kind": event["kind"],
        "key": event["key"],
        "name": event["name"],
        "observed_at": event["observed_at"],
        "effective_date": event["effective_date"],
        "baseline": event["baseline"],
    }
