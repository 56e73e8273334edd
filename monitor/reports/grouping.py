"""Grouping events: by list, program, country, entry type, notice, day/week/month, or subject.

An entry under several programs or in several countries counts in each of
their groups, as a reader of "by program" expects; list, type, notice and
dates put every event in exactly one group.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from monitor.countries import country_name
from monitor.kinds import EVENT_KINDS, GROUPINGS
from monitor.reports.periods import TIME_GROUPS, bucket, bucket_label
from monitor.reports.words import notice_citation, where_label

KINDS = EVENT_KINDS
# The groupings the JSON report counts (subjects are counted in its own ``subjects``).
COUNTED = tuple(g for g in GROUPINGS if g != "subject")
NONE_LABELS = {
    "program": "(no program)",
    "country": "(no country)",
    "type": "unknown",
    "notice": "(no notice)",
}


def report_day(event: dict[str, Any], clock: str) -> str:
    """The day that places an event in a period: effective date where given, else observed."""
    if clock == "effective" and event.get("effective_date"):
        return str(event["effective_date"])[:10]
    return str(event.get("observed_day") or event["observed_at"])[:10]


def group_keys(event: dict[str, Any], by: str, clock: str) -> list[str]:
    """The group(s) an event belongs to under one grouping."""
    if by == "list":
        return [where_label(event["list"], event.get("source_list") or "")]
    if by == "program":
        return list(event["programs"]) or [NONE_LABELS[by]]
    if by == "country":
        names = sorted({country_name(c) for c in event["countries"]})
        return names or [NONE_LABELS[by]]
    if by == "type":
        return [event.get("type") or NONE_LABELS[by]]
    if by == "notice":
        return [notice_citation(event.get("notice") or "") or NONE_LABELS[by]]
    if by == "subject":
        return [subject_key(event)]
    return [bucket(report_day(event, clock), by)]


def subject_key(event: dict[str, Any]) -> str:
    """The subject an event is about; an entry not linked yet is a subject of its own."""
    subject = event.get("subject")
    return f"subject {subject}" if subject is not None else f"{event['list']}:{event['key']}"


def group_title(key: str, by: str, items: Sequence[dict[str, Any]] = ()) -> str:
    if by == "subject" and items:
        return subject_title(items)
    return bucket_label(key, by) if by in TIME_GROUPS else key


def subject_title(items: Sequence[dict[str, Any]]) -> str:
    """'SENSETIME GROUP LIMITED (us-csl, us-ofac-cons)': a subject by the name its events
    give most often, and the lists they are on."""
    names = Counter(e["name"] for e in items)
    name = min(names, key=lambda n: (-names[n], n))
    lists = sorted({e["list"] for e in items})
    return f"{name} ({', '.join(lists)})"


def grouped(
    events: Sequence[dict[str, Any]], by: str, clock: str
) -> list[tuple[str, list[dict[str, Any]]]]:
    """(group key, events) pairs: time groups in date order, others largest first."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event in events:
        for key in group_keys(event, by, clock):
            groups[key].append(event)
    if by in TIME_GROUPS or by == "list":
        return sorted(groups.items())
    if by == "subject":
        return sorted(groups.items(), key=lambda item: (subject_title(item[1]), item[0]))
    return sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))


def group_counts(
    events: Sequence[dict[str, Any]], clock: str, groupings: Sequence[str] = COUNTED
) -> dict[str, list[dict[str, Any]]]:
    """Counts of each kind per group, for every grouping: the JSON report's ``groups``."""
    out: dict[str, list[dict[str, Any]]] = {}
    for by in groupings:
        out[by] = [
            {
                "group": key,
                "count": len(items),
                **{kind: sum(1 for e in items if e["kind"] == kind) for kind in KINDS},
            }
            for key, items in grouped(events, by, clock)
        ]
    return out
