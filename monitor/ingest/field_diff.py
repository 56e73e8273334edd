"""Which fields of a modified entry changed: the field-level diff, compared directly.

Why not DeepDiff on the whole record, as before: it cost 5-8 ms per modified
entry (a third of a 1%-changed check of a million entries), most of it
hashing every item of every list field to compare them ignoring order, for
fields that were equal anyway. The rule is simple enough to state and apply
directly, and it is the design principle: reordering is never a change, in
any field of any format, at any depth; a repeated item is no change either;
every other difference is, in every sub-field the publisher gives.

So each value is brought to a canonical form with order and repetition taken
out (a list becomes the set of its items' canonical forms, a dict the set of
its pairs), tagged with its type (an empty list is not an empty dict, nor
``None`` an empty text, nor ``1`` the same as ``1.0``), and two values differ
when their canonical forms do. That is what DeepDiff with ``ignore_order=True,
report_repetition=False`` answered, except in one place on purpose: DeepDiff
skips dict keys that start with ``__`` by default, so a change in such a
sub-field (a mapped CSV column may be named so) went unseen. A value of a type
a record never holds (anything but text, None, numbers, lists and dicts) is
still compared by DeepDiff, with that default switched off.
``tests/ingest/test_field_diff.py`` compares both on real modified entries.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

# Scalars compared by value, tagged with their type (True == 1 == 1.0 in Python).
_SCALARS = (str, int, float, bool, type(None))
# The rule above, for DeepDiff: its default of skipping ``__`` keys switched off.
_DEEPDIFF: dict[str, Any] = {
    "ignore_order": True,
    "report_repetition": False,
    "ignore_private_variables": False,
}


class _Unusual(Exception):
    """A value of a type no record field holds: left to DeepDiff."""


def canonical(value: Any) -> Hashable:
    """``value`` with every order and repetition taken out, tagged with its type."""
    kind = type(value)
    if kind in _SCALARS:
        return (kind.__name__, value)
    if kind is list or kind is tuple:
        return (kind.__name__, frozenset(canonical(item) for item in value))
    if kind is dict:
        return ("dict", frozenset((canonical(k), canonical(v)) for k, v in value.items()))
    raise _Unusual(kind.__name__)


def differs(before: Any, after: Any) -> bool:
    """Do two values of one field differ by more than order and repetition?"""
    if type(before) is str and type(after) is str:  # most fields: texts, compared as they are
        return before != after
    try:
        return canonical(before) != canonical(after)
    except _Unusual:
        # Imported here, not at module level: no record field holds such a value, and
        # importing deepdiff was about a tenth of an ``ingest`` process's imports.
        from deepdiff import DeepDiff

        return bool(DeepDiff(before, after, **_DEEPDIFF))


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """The names of the fields whose values differ, sorted; a field on one side only differs."""
    return sorted(
        name
        for name in before.keys() | after.keys()
        if name not in before or name not in after or differs(before[name], after[name])
    )
