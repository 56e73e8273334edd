"""Watchlist alerts per subject: one alert for one change of one subject, naming every
list where it shows.

The alerts themselves stay one per watch entry and event (the ``alerts`` table and
command keep every match). What is sent is decided here: among the alerts about to be
delivered, those of one watch entry about one subject and one kind of change are one
alert; and an alert repeating one already delivered for the same watch entry, subject
and kind on another list, for the same change (the same effective date, or, without
one, observed within :data:`SAME_CHANGE` of it), is not sent again: the CSL
republishing OFAC's listing of a company days later is not news.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, select

from monitor.store import schema as t
from monitor.store import subjects as sql
from monitor.store.store import as_utc
from monitor.store.subjects import EntryRef, Member
from monitor.watchlists.alerts import Alert

SAME_CHANGE = timedelta(days=14)


@dataclass(frozen=True, kw_only=True)
class SubjectAlert:
    """What is sent: the first alert of a subject's change, the others folded into it."""

    alert: Alert
    folded: tuple[Alert, ...]
    subject_id: int | None
    lists: tuple[str, ...]  # '<list> <key>' of every entry of the subject

    def to_json(self) -> dict[str, Any]:
        return {
            **self.alert.to_json(),
            "subject": {"id": self.subject_id, "lists": list(self.lists)},
        }


def _ref(alert: Alert) -> EntryRef:
    return (str(alert.event["list"]), str(alert.event["key"]))


def per_subject(connection: Connection, alerts: Sequence[Alert]) -> list[SubjectAlert]:
    """The alerts to send, one per watch entry, subject and kind of change."""
    members = sql.members(connection, [_ref(a) for a in alerts])
    ids = {m.subject_id for m in members.values()}
    groups = sql.subject_members(connection, ids)
    chosen: dict[tuple[str, str, Any, str], list[Alert]] = {}
    for alert in alerts:
        member = members.get(_ref(alert))
        subject: Any = member.subject_id if member else _ref(alert)
        chosen.setdefault(
            (alert.watchlist, alert.watch_entry, subject, str(alert.event["kind"])), []
        ).append(alert)
    out = []
    for (_, _, subject, _), items in chosen.items():
        subject_id = subject if isinstance(subject, int) else None
        everyone = groups.get(subject_id, []) if subject_id is not None else []
        if subject_id is not None and _sent_before(connection, items[0], everyone):
            continue
        lists = tuple(f"{m.list_id} {m.key}" for m in everyone) or (
            f"{items[0].event['list']} {items[0].event['key']}",
        )
        out.append(
            SubjectAlert(
                alert=items[0], folded=tuple(items[1:]), subject_id=subject_id, lists=lists
            )
        )
    return out


def _sent_before(connection: Connection, alert: Alert, everyone: Sequence[Member]) -> bool:
    """Whether this change of this subject was already sent to this watch entry, from
    another list."""
    others = [(m.list_id, m.key) for m in everyone if (m.list_id, m.key) != _ref(alert)]
    if not others:
        return False
    a, e = t.alerts.c, t.events.c
    rows = connection.execute(
        select(e.list_id, e.key, e.effective_date, e.observed_at)
        .join(t.alerts, a.event_id == e.id)
        .where(
            a.watchlist == alert.watchlist,
            a.watch_entry == alert.watch_entry,
            a.delivered_at.is_not(None),
            a.id != alert.id,
            e.kind == alert.event["kind"],
            e.list_id != alert.event["list"],
            and_(e.list_id.in_({lid for lid, _ in others}), e.key.in_({k for _, k in others})),
        )
    ).all()
    effective = alert.event.get("effective_date")
    observed = _moment(alert.event.get("observed_at"))
    for row in rows:
        if (row.list_id, row.key) not in others:
            continue
        if effective and row.effective_date and row.effective_date.isoformat() == effective:
            return True
        earlier = as_utc(row.observed_at)
        undated = not (effective and row.effective_date)
        if undated and observed and earlier and abs(observed - earlier) <= SAME_CHANGE:
            return True
    return False


def _moment(value: object) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
