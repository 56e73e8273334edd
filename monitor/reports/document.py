"""The report model's shape: what every output format and template may rely on.

TypedDicts rather than classes: the model is plain data (JSON is a subset of
it, templates read it with dotted names), and a type checker still holds
every producer and reader to the same fields. The model is complete when
built: a run report's alerts are passed in, never added afterwards.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict


class Scope(TypedDict):
    type: str  # digest | run
    title: str
    filters: str
    snapshot: NotRequired[dict[str, Any]]  # run reports: the snapshot they are about


class Period(TypedDict):
    since: str | None
    until: str | None
    date: str  # the clock: effective | observed


class Row(TypedDict):
    """One event as display strings."""

    name: str
    key: str
    kind: str
    where: str
    type: str
    programs: str
    countries: str
    notice: str
    links: list[dict[str, str]]  # the notices as {label, url} (monitor.citations)
    effective: str
    observed: str
    date: str
    baseline: bool
    previous_key: str
    changes: list[str]
    bulk: str
    snapshot: str
    details: str


class KindBlock(TypedDict):
    kind: str
    title: str
    count: int
    rows: list[Row]
    bulk_only: int  # modifications shown only in their bulk-edit line


class Section(TypedDict):
    key: str
    title: str
    count: int
    kinds: list[KindBlock]


class Report(TypedDict):
    """A digest of a period, or what one check found (``scope.type`` says which)."""

    generated_at: str
    scope: Scope
    period: Period
    period_text: str
    summary: dict[str, int]
    subjects: dict[str, int]  # the summary in subjects (one company on two lists: one)
    clock: str
    undated_events: int
    baseline_events: int
    baseline_note: str
    headlines: list[str]
    groups: dict[str, Any]
    bulk_edits: list[dict[str, Any]]
    by: str
    sections: list[Section]
    chart: dict[str, Any]
    events: list[dict[str, Any]]
    alerts: NotRequired[list[dict[str, Any]]]  # run reports: the watchlist alerts raised
