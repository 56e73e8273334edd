"""One entry of a list's first version as the store writes it (:class:`Listing`): plain
values, so that a baseline can wait on disk between the parse and the apply."""

from __future__ import annotations

from typing import NamedTuple

from monitor.records import Record

_new_tuple = tuple.__new__


class Listing(NamedTuple):
    """One entry of a list's first version as the store writes it: its version and its event.

    Plain values only (strings and tuples of strings), so that a baseline can wait
    on disk between the parse and the apply (:mod:`monitor.ingest.spill`) and be
    written without rebuilding a :class:`Record` per entry: rebuilding them cost
    about as much as parsing the file again.
    """

    key: str
    content_hash: str
    name: str
    record: str  # the stored JSON of the record
    entry_type: str
    source_list: str
    programs: tuple[str, ...]
    countries: tuple[str, ...]
    notice: str
    effective_date: str | None

    @classmethod
    def of(cls, record: Record) -> Listing:
        """The values of ``record``, in the fields' order: made by tuple.__new__ in C, as
        the named tuple's own __new__ (keyword arguments, in Python) cost four times as
        much for every entry of a first version."""
        return _new_tuple(
            cls,
            (
                record.key,
                record.content_hash(),
                record.name,
                record.to_json(),
                record.entry_type,
                record.source_list,
                record.programs,
                record.countries,
                record.notice,
                record.effective_date,
            ),
        )
