"""Whether the stored subjects honour the configured linking corrections.

``subjects.never_link`` and ``always_link`` are read each time entries are
linked, so an apply or a replay follows them; but a correction added to the
configuration of a database that already holds history changes nothing stored
until ``db relink-subjects`` runs. Until then every report and alert groups
those entries the old way, silently. This check finds such corrections, so
``verify`` can name them and the command that applies them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from monitor.store.subjects import EntryRef, subject_ids_of

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from monitor.config import SubjectSettings

RELINK_HINT = "run `watchlist-monitor db relink-subjects`"


def unapplied(connection: Connection, settings: SubjectSettings) -> list[str]:
    """One line for each correction the stored subjects contradict.

    A pair with an entry the linking has never seen (not listed yet, or a typo)
    is not contradicted: there is nothing stored to correct.
    """
    pairs = [*settings.never_link, *settings.always_link]
    subject_of = subject_ids_of(connection, [ref for pair in pairs for ref in pair])
    found = []
    for a, b in settings.never_link:
        if a in subject_of and subject_of.get(a) == subject_of.get(b):
            found.append(f"never_link {_label(a)} and {_label(b)}: both are in one subject")
    for a, b in settings.always_link:
        if a in subject_of and b in subject_of and subject_of[a] != subject_of[b]:
            found.append(f"always_link {_label(a)} and {_label(b)}: they are in two subjects")
    return found


def _label(ref: EntryRef) -> str:
    return f"{ref[0]}:{ref[1]}"
