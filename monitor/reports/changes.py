"""What a modification changed, in words, and bulk edits folded into one line.

A modified entry's stored changes are whole before/after values (every
address of a bank, the full remarks). A reader wants the difference: which
program was added, which words of the remarks were replaced. And when the
publisher makes the same edit to hundreds of entries at once (a new
identifier line, a renamed program, a reworded remark), the report says so
once, with a count and one example; the full list goes to an appendix.
Reordering is never a change: list values are compared as sets.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from monitor.countries import country_name
from monitor.reports.words import LIST_NAMES, ListName, join_words, shorten

BULK_MINIMUM = 10
SHORT_VALUE = 80

# Field names as a reader says them: (one, several).
FIELD_WORDS = {
    "programs": ("program", "programs"),
    "aliases": ("alias", "aliases"),
    "countries": ("country", "countries"),
    "addresses": ("address", "addresses"),
    "identifiers": ("identifier", "identifiers"),
    "birth_dates": ("date of birth", "dates of birth"),
    "name": ("name", "name"),
    "remarks": ("remarks", "remarks"),
    "effective_date": ("effective date", "effective date"),
    "notice": ("notice", "notice"),
    "entry_type": ("type", "type"),
    "source_list": ("list", "list"),
}
CATEGORY_WORDS = {
    "programs": "programs",
    "names": "names or aliases",
    "addresses": "addresses",
    "identifiers": "identifiers",
    "dates": "dates",
    "remarks": "remarks",
    "type": "type",
    "list": "list",
    "notice": "notice",
    "other": "other details",
}


@dataclass(frozen=True)
class Delta:
    """The visible difference in one field: items added and removed, or words replaced."""

    field: str
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    before: str = ""
    after: str = ""
    edits: tuple[tuple[str, str], ...] = ()

    @property
    def is_list(self) -> bool:
        return not self.edits and not (self.before or self.after)

    def signature(self) -> tuple[Any, ...]:
        """Equal for the same edit made to different entries."""
        return (self.field, self.removed, self.added, self.edits)

    def describe(self) -> str:
        """'programs: added X; removed Y', "remarks: 'OPEN' replaced by 'PUBLIC'"."""
        label = field_words(self.field)[1]
        if self.is_list:
            parts = []
            if self.added:
                parts.append("added " + "; ".join(shorten(v) for v in self.added))
            if self.removed:
                parts.append("removed " + "; ".join(shorten(v) for v in self.removed))
            return f"{label}: {'; '.join(parts)}"
        if len(self.before) <= SHORT_VALUE and len(self.after) <= SHORT_VALUE:
            return f"{label}: {_quoted(self.before)} → {_quoted(self.after)}"
        return f"{label}: {_edits_text(self.edits)}"


def field_words(name: str) -> tuple[str, str]:
    if name.startswith("extra:"):
        word = name.removeprefix("extra:").replace("_", " ")
        return word, word
    return FIELD_WORDS.get(name, (name.replace("_", " "), name.replace("_", " ")))


def _quoted(text: str) -> str:
    return f"'{shorten(text, SHORT_VALUE)}'" if text else "(none)"


def _edits_text(edits: Sequence[tuple[str, str]]) -> str:
    parts = []
    for old, new in edits:
        if old and new:
            parts.append(f"{_quoted(old)} replaced by {_quoted(new)}")
        elif new:
            parts.append(f"{_quoted(new)} added")
        else:
            parts.append(f"{_quoted(old)} removed")
    return "; ".join(parts)


def _item_text(field_name: str, value: Any) -> str:
    if field_name == "identifiers" and isinstance(value, list | tuple):
        kind, number, country = [*value, "", "", ""][:3]
        where = f" ({country_name(str(country))})" if country else ""
        return " ".join(str(p) for p in (kind, number) if p) + where
    if field_name == "countries":
        return country_name(str(value))
    return " ".join(str(value).split())


def _word_edits(before: str, after: str) -> tuple[tuple[str, str], ...]:
    old, new = before.split(), after.split()
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    return tuple(
        (" ".join(old[i1:i2]), " ".join(new[j1:j2]))
        for op, i1, i2, j1, j2 in matcher.get_opcodes()
        if op != "equal"
    )


def deltas(changes: Iterable[dict[str, Any]]) -> list[Delta]:
    """The visible differences of an event's stored changes; reordering yields none."""
    out: list[Delta] = []
    for change in changes:
        name, before, after = change["field"], change.get("before"), change.get("after")
        if name == "key":
            continue
        if isinstance(before, dict) or isinstance(after, dict):
            out += _dict_deltas(name, before or {}, after or {})
        elif isinstance(before, list) or isinstance(after, list):
            out += _list_delta(name, before or [], after or [])
        else:
            out += _text_delta(name, before, after)
    return out


def _list_delta(name: str, before: list[Any], after: list[Any]) -> list[Delta]:
    old = {_item_text(name, v) for v in before}
    new = {_item_text(name, v) for v in after}
    if old == new:
        return []
    return [Delta(field=name, added=tuple(sorted(new - old)), removed=tuple(sorted(old - new)))]


def _text_delta(name: str, before: Any, after: Any) -> list[Delta]:
    old = " ".join(str(before or "").split())
    new = " ".join(str(after or "").split())
    if old == new:
        return []
    return [Delta(field=name, before=old, after=new, edits=_word_edits(old, new))]


def _dict_deltas(name: str, before: dict[str, Any], after: dict[str, Any]) -> list[Delta]:
    out: list[Delta] = []
    for key in sorted(set(before) | set(after)):
        out += _text_delta(f"{name}:{key}", before.get(key), after.get(key))
    return out


@dataclass
class BulkEdit:
    """One edit the publisher made to many entries of one list at once."""

    number: int
    list_id: str
    delta: Delta
    entries: list[dict[str, Any]] = field(default_factory=list)

    def sentence(self) -> str:
        where = LIST_NAMES.get(self.list_id, ListName(self.list_id)).name
        return f"{len(self.entries)} entries on {where} {_bulk_verb(self.delta)}"

    def as_dict(self) -> dict[str, Any]:
        example = self.entries[0]
        return {
            "number": self.number,
            "list": self.list_id,
            "field": self.delta.field,
            "count": len(self.entries),
            "sentence": self.sentence(),
            "example": {"name": example["name"], "key": example["key"]},
            "entries": [{"name": e["name"], "key": e["key"]} for e in self.entries],
        }


def _bulk_verb(delta: Delta) -> str:
    one, several = field_words(delta.field)
    if delta.is_list:
        if delta.added and delta.removed:
            return (
                f"had {one} {join_words(list(delta.removed))} "
                f"replaced by {join_words(list(delta.added))}"
            )
        values = delta.added or delta.removed
        noun = one if len(values) == 1 else several
        verb = "gained" if delta.added else "lost"
        return f"{verb} {noun} {join_words([shorten(v) for v in values])}"
    if len(delta.edits) == 1:
        old, new = delta.edits[0]
        if old and new:
            return f"had {_quoted(old)} replaced by {_quoted(new)} in their {several}"
        if new:
            return f"had {_quoted(new)} added to their {several}"
        return f"had {_quoted(old)} removed from their {several}"
    return f"had the same edit to their {several}: {_edits_text(delta.edits)}"


def find_bulk_edits(
    events: Sequence[dict[str, Any]], minimum: int = BULK_MINIMUM
) -> list[BulkEdit]:
    """Edits shared by at least ``minimum`` modified entries of one list, largest first."""
    shared: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    first: dict[tuple[Any, ...], Delta] = {}
    for event in events:
        if event["kind"] != "modified":
            continue
        for delta in deltas(event["changes"]):
            signature = (event["list"], *delta.signature())
            shared[signature].append(event)
            first.setdefault(signature, delta)
    found = [
        (signature, sorted(items, key=lambda e: (e["name"].casefold(), e["key"])))
        for signature, items in shared.items()
        if len(items) >= minimum
    ]
    found.sort(key=lambda item: (-len(item[1]), str(item[0])))
    return [
        BulkEdit(number=n, list_id=str(sig[0]), delta=first[sig], entries=items)
        for n, (sig, items) in enumerate(found, start=1)
    ]


def bulk_index(bulk: Sequence[BulkEdit]) -> dict[tuple[Any, ...], int]:
    """{(list, signature): bulk edit number}, to tell an entry's own changes from bulk ones."""
    return {(b.list_id, *b.delta.signature()): b.number for b in bulk}


def split_changes(
    event: dict[str, Any], index: dict[tuple[Any, ...], int]
) -> tuple[list[Delta], list[int]]:
    """An event's own changes, and the numbers of the bulk edits that cover the rest."""
    own: list[Delta] = []
    numbers: list[int] = []
    for delta in deltas(event["changes"]):
        number = index.get((event["list"], *delta.signature()))
        if number is None:
            own.append(delta)
        elif number not in numbers:
            numbers.append(number)
    return own, sorted(numbers)
