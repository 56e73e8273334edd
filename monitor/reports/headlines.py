"""Headlines: the sentences a person would write at the top of a report, with the real numbers.

"29 entities added to the Entity List (86 FR 67319, effective 26 Nov 2021):
13 in Pakistan, 13 in China, ..." -- one sentence per list (or list inside a
consolidated list) and Federal Register notice, broken down by entry type,
program and country; modifications are summarised by what changed.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from monitor.countries import country_name
from monitor.ingest.differ import FIELD_CATEGORIES
from monitor.reports.changes import CATEGORY_WORDS, BulkEdit, Delta, deltas
from monitor.reports.words import (
    ENTRY,
    LIST_NAMES,
    TYPE_NOUNS,
    ListName,
    breakdown,
    count_noun,
    days_text,
    join_words,
    list_name,
    notice_citation,
    publication,
    type_noun,
)

VERBS = {
    "listed": "added to",
    "relisted": "added again to",
    "delisted": "removed from",
    "rekeyed": "given new keys on",
}
ORDER = ("listed", "relisted", "delisted", "rekeyed")
NOTICE_SENTENCES = 3

Group = list[dict[str, Any]]


def clock_sentence(clock: str, total: int, undated: int) -> str:
    """Which clock places events in the period, and how many had no effective date."""
    if clock == "observed":
        return "Events are placed by the date this system first observed them."
    if not total:
        return (
            "Events are placed by their effective date where the publisher gives one, "
            "else by the date first observed."
        )
    return (
        "Events are placed by their effective date where the publisher gives one, "
        f"else by the date first observed: {undated} of {total} "
        f"{'event' if total == 1 else 'events'} had no effective date."
    )


def baseline_sentence(count: int) -> str:
    if not count:
        return ""
    return (
        f"{count} of these {'event comes' if count == 1 else 'events come'} from the first "
        "version held of a list (its baseline): placed by the publisher's effective date, "
        "not seen happening."
    )


def headlines(events: Sequence[dict[str, Any]], bulk: Sequence[BulkEdit]) -> list[str]:
    """Listing sentences first (largest first), then one modification sentence per list."""
    lines: list[str] = []
    for kind in ORDER:
        lines += _kind_sentences(kind, [e for e in events if e["kind"] == kind])
    lines += _modification_sentences([e for e in events if e["kind"] == "modified"], bulk)
    return lines


def _kind_sentences(kind: str, events: Group) -> list[str]:
    by_list: dict[GroupKey, Group] = defaultdict(list)
    names: dict[GroupKey, ListName] = {}
    for event in events:
        found = list_name(event["list"], event.get("source_list") or "", event["programs"])
        by_list[(found.name, event["list"])].append(event)
        names[(found.name, event["list"])] = found
    also = republications(by_list)
    folded = {key for keys in also.values() for key in keys}
    shared = Counter(name for name, list_id in by_list if (name, list_id) not in folded)
    ranked = sorted(by_list.items(), key=lambda item: (-len(item[1]), item[0]))
    lines: list[str] = []
    for (name, list_id), items in ranked:
        if (name, list_id) in folded:
            continue
        label = name
        if shared[name] > 1 and LIST_NAMES.get(list_id, ListName(list_id)).name != name:
            label = f"{name} in {LIST_NAMES.get(list_id, ListName(list_id)).name}"
        where = Where()
        if (name, list_id) in also:
            where = Where(
                publication=publication(list_id),
                also=tuple(publication(other) for _, other in also[(name, list_id)]),
            )
        lines += _notice_sentences(kind, label, names[(name, list_id)], items, where)
    return lines


GroupKey = tuple[str, str]  # (the list's name in a sentence, list id)


@dataclass(frozen=True)
class Where:
    """The publication a sentence's change is told from, and the others it appears in."""

    publication: str = ""
    also: tuple[str, ...] = ()


def _subjects(items: Group) -> frozenset[Any] | None:
    """The subjects of a group's events, or None when one is not linked (then no merging)."""
    found = [e.get("subject") for e in items]
    return None if None in found else frozenset(found)


def republications(groups: dict[GroupKey, Group]) -> dict[GroupKey, list[GroupKey]]:
    """Groups that tell the same change of the same subjects in another publication.

    A group whose subjects are all in a group of the same name (the NS-CMIC list) on
    another list is folded into it, so one change is told once. The group told is the
    publisher's own (its events carry no inner list: OFAC's file, not the CSL that
    republishes it), then the larger.
    """
    order = sorted(
        groups,
        key=lambda k: (any(e.get("source_list") for e in groups[k]), -len(groups[k]), k),
    )
    folded: dict[GroupKey, list[GroupKey]] = {}
    taken: set[GroupKey] = set()
    for first in order:
        mine = _subjects(groups[first])
        if first in taken or mine is None:
            continue
        for other in order:
            if other == first or other in taken or other in folded or other[0] != first[0]:
                continue
            theirs = _subjects(groups[other])
            if other[1] != first[1] and theirs is not None and theirs <= mine:
                folded.setdefault(first, []).append(other)
                taken.add(other)
    return folded


def _notice_sentences(
    kind: str, label: str, name: ListName, items: Group, where: Where = Where()
) -> list[str]:
    """One sentence per notice, largest first; small notices folded into one more sentence."""
    by_notice: dict[str, Group] = defaultdict(list)
    for event in items:
        by_notice[notice_citation(event.get("notice") or "")].append(event)
    ranked = sorted(by_notice.items(), key=lambda item: (-len(item[1]), item[0]))
    shown, rest = ranked[:NOTICE_SENTENCES], ranked[NOTICE_SENTENCES:]
    lines = [_sentence(kind, label, name, group, notice, where) for notice, group in shown]
    if len(rest) == 1:
        lines.append(_sentence(kind, label, name, rest[0][1], rest[0][0], where))
    elif rest:
        folded = [e for _, group in rest for e in group]
        more = f"under {len(rest)} other notices"
        lines.append(_sentence(kind, label, name, folded, more, where, more=True))
    return lines


def _sentence(
    kind: str,
    label: str,
    name: ListName,
    items: Group,
    notice: str,
    where: Where = Where(),
    more: bool = False,
) -> str:
    noun = name.noun or type_noun(e["type"] for e in items)
    head = f"{count_noun(len(items), noun)} {VERBS[kind]} {label}"
    if more:
        head = f"{len(items)} more {noun[0] if len(items) == 1 else noun[1]} {VERBS[kind]} {label}"
    dates = _dates(items)
    first = [where.publication] if where.publication else []
    first += ([notice] if notice else []) + dates[:1]
    also = [f"also in the {join_words(list(where.also))}"] if where.also else []
    context = "; ".join([", ".join(first), *dates[1:], *also])
    parts = _parts(items, type_breakdown=name.noun is None and noun == ENTRY)
    return (
        head
        + (f" ({context})" if context else "")
        + (f": {'; '.join(parts)}" if parts else "")
        + "."
    )


def _dates(items: Group) -> list[str]:
    effective = [e["effective_date"] for e in items if e["effective_date"]]
    observed = [
        (e.get("observed_day") or e["observed_at"])[:10] for e in items if not e["effective_date"]
    ]
    out = [f"effective {days_text(effective)}"] if effective else []
    if observed and effective:
        out.append(f"{len(observed)} without an effective date, observed {days_text(observed)}")
    elif observed:
        out.append(f"observed {days_text(observed)}")
    return out


def _parts(items: Group, type_breakdown: bool) -> list[str]:
    parts: list[str] = []
    types = Counter(e["type"] or "unknown" for e in items)
    if type_breakdown and len(types) > 1:
        named = [
            count_noun(n, TYPE_NOUNS.get(t, ("of unknown type", "of unknown type")))
            for t, n in sorted(types.items(), key=lambda item: (-item[1], item[0]))
        ]
        parts.append(join_words(named))
    programs = Counter(p for e in items for p in e["programs"])
    if programs:
        parts.append(breakdown(programs, "under", "programs"))
    countries = Counter(c for e in items for c in {country_name(v) for v in e["countries"]})
    if countries:
        parts.append(breakdown(countries, "in", "countries"))
    return parts


def visible_categories(changes: Sequence[Delta]) -> list[str]:
    """Categories of the visible changes (the stored ones may include reordering)."""
    names = {FIELD_CATEGORIES.get(d.field.split(":")[0], "other") for d in changes}
    return sorted(names)


def _modification_sentences(events: Group, bulk: Sequence[BulkEdit]) -> list[str]:
    by_list: dict[str, Group] = defaultdict(list)
    for event in events:
        by_list[event["list"]].append(event)
    lines = []
    for list_id, items in sorted(by_list.items()):
        name = LIST_NAMES.get(list_id, ListName(list_id)).name
        categories: Counter[str] = Counter()
        remarks_only = 0
        for event in items:
            found = visible_categories(deltas(event["changes"]))
            categories.update(CATEGORY_WORDS.get(c, c) for c in found)
            remarks_only += found == ["remarks"]
        line = f"{count_noun(len(items), ENTRY)} modified on {name}: "
        line += breakdown(categories, "in", "other parts", limit=len(categories))
        if remarks_only:
            line += f"; {remarks_only} in remarks only"
        edits = [b for b in bulk if b.list_id == list_id]
        if edits:
            line += f"; {_count_edits(len(edits))} below"
        lines.append(line + ".")
    return lines


def _count_edits(count: int) -> str:
    return (
        "1 edit made to many entries at once is summarised"
        if count == 1
        else (f"{count} edits made to many entries at once are summarised")
    )
