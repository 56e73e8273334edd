"""The closed vocabularies of the tool: event kinds, snapshot statuses, report formats, clocks.

They are StrEnums, so each value is also the plain string stored in the
database, printed in JSON and typed on the command line; code names the
member, and a typo is an error instead of a silent mismatch. This module
imports nothing heavy: the CLI builds its option choices from it at start-up.
"""

from __future__ import annotations

from enum import StrEnum


class EventKind(StrEnum):
    """What happened to one entry between two snapshots."""

    LISTED = "listed"
    DELISTED = "delisted"
    RELISTED = "relisted"
    MODIFIED = "modified"
    REKEYED = "rekeyed"


class IngestStatus(StrEnum):
    """What became of one snapshot handed to the pipeline."""

    BASELINE = "baseline"  # the first snapshot of a list: recorded, never alerted on
    APPLIED = "applied"
    UNCHANGED = "unchanged"  # the same content as the current state
    SKIPPED = "skipped"  # this snapshot was already recorded (a re-run, a replay)
    REJECTED = "rejected"  # a safety check refused it: nothing changed
    QUARANTINED = "quarantined"  # held until a person approves or rejects it


class ReportFormat(StrEnum):
    """The formats a report (digest or run report) renders to."""

    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"
    JSON = "json"
    CSV = "csv"
    ATOM = "atom"


class DateClock(StrEnum):
    """Which date places an event in a period."""

    EFFECTIVE = "effective"  # the publisher's date, falling back to observed_at
    OBSERVED = "observed"  # when this system first saw the snapshot


class Period(StrEnum):
    """Digest periods."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"


AUTO_FORMAT = "auto"
"""The input format that means: recognise it from the content."""

# Plain strings (the values): click shows and accepts an enum's member names otherwise.
EVENT_KINDS: tuple[str, ...] = tuple(kind.value for kind in EventKind)
REPORT_FORMATS: tuple[str, ...] = tuple(fmt.value for fmt in ReportFormat)
HISTORY_FORMATS: tuple[str, ...] = ("text", "json", "markdown", "html")
DATE_CLOCKS: tuple[str, ...] = tuple(clock.value for clock in DateClock)
PERIODS: tuple[str, ...] = tuple(period.value for period in Period)
GROUPINGS: tuple[str, ...] = ("list", "program", "country", "type", "notice", *PERIODS, "subject")
