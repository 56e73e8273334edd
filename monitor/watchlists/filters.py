"""A watchlist's filters: which lists, programs, countries and event kinds it looks at.

Programs match exactly or as a prefix before a dash, because publishers
rename them over time: OFAC's "CMIC-EO" of 2021 is "CMIC-EO13959" in 2025, and
a filter on "CMIC" should follow both.
"""

from __future__ import annotations

from monitor.records import Event
from monitor.watchlists.config import WatchFilters
from monitor.watchlists.matching import ListedEntry
from monitor.watchlists.places import country_key, in_place


def _program_matches(wanted: str, program: str) -> bool:
    wanted, program = wanted.casefold(), program.casefold()
    return program == wanted or program.startswith(wanted + "-")


def entry_passes(filters: WatchFilters, list_id: str, listed: ListedEntry) -> bool:
    """Lists, programs and countries: what applies to an entry whatever happened to it."""
    if filters.lists and list_id not in filters.lists:
        return False
    programs = listed.record.programs
    if filters.programs and not any(
        _program_matches(w, p) for w in filters.programs for p in programs
    ):
        return False
    return not filters.countries or any(
        in_place(listed.places, country_key(c)) for c in filters.countries
    )


def event_passes(filters: WatchFilters, event: Event, listed: ListedEntry) -> bool:
    """The entry filters, and the kind of change (listed, delisted, modified...)."""
    if filters.kinds and event.kind not in filters.kinds:
        return False
    return entry_passes(filters, event.list_id, listed)
