"""What an ingest is asked and what it answers: :class:`IngestRequest`, :class:`IngestResult`
and the :class:`ApplyHook` run inside an apply's transaction.

In a module of their own so that every stage can build a result without importing the
pipeline that calls it; :mod:`monitor.ingest.pipeline` hands them on to its callers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from monitor.config import ListConfig
from monitor.dates import utc_iso
from monitor.kinds import IngestStatus
from monitor.records import Event
from monitor.store.store import ListTransaction, NewSnapshot


class ApplyHook(Protocol):
    """Work that must commit or roll back together with a snapshot's events.

    Called inside the locked transaction right after the events are written,
    e.g. to queue deliveries (the outbox) or raise watchlist alerts, so a crash
    never leaves events without their deliveries or alerts, or the reverse.
    ``now`` is the run's clock (the snapshot's ``recorded_at``): no hook reads
    the clock itself. Which hooks run at which entry point is decided in
    :mod:`monitor.service.hooks`.
    """

    def __call__(
        self, tx: ListTransaction, snapshot_id: int, events: Sequence[Event], now: datetime
    ) -> None: ...


@dataclass(frozen=True, kw_only=True)
class IngestRequest:
    """One snapshot to ingest: its files and how to read and date them."""

    list_config: ListConfig
    paths: Sequence[Path]
    input_format: str = "auto"
    observed_at: datetime | None = None
    source_uri: str = ""
    allow_current_time: bool = False
    hooks: Sequence[ApplyHook] = ()
    # An operator reviewed this snapshot: the shape and share guards are skipped,
    # and the approval is written into its archive folder so that a replay agrees.
    approved: bool = False
    # Check a quarantined snapshot again against the current state (after an approval).
    recheck_quarantined: bool = False
    # Set when this request finishes a version archived earlier but never applied.
    finishing: bool = False
    # Who approved it, written into the archive decision (the web app names the person).
    decided_by: str = ""
    # Why, written into the archive decision with it.
    decision_reason: str = ""


@dataclass(frozen=True, kw_only=True)
class IngestResult:
    """What happened to one snapshot, for the summary line and the caller."""

    list_id: str
    status: IngestStatus
    observed_at: datetime | None
    snapshot_id: int | None = None
    record_count: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    message: str = ""
    # A baseline's events are read back from disk as they are iterated (FirstVersionEvents).
    events: Sequence[Event] = ()
    dated_now: bool = False
    sha256: str = ""  # of the snapshot's files, when one was read
    # Rejected by a person (a decision kept in the archive): final, not a failure of this run.
    settled: bool = False

    @classmethod
    def of(cls, snapshot: NewSnapshot, status: IngestStatus, **details: Any) -> IngestResult:
        """The outcome for this snapshot: its list and observation time, plus details."""
        return cls(
            list_id=snapshot.list_id,
            status=status,
            observed_at=snapshot.observed_at,
            sha256=snapshot.sha256,
            **details,
        )

    @property
    def failed(self) -> bool:
        return self.status == IngestStatus.REJECTED

    def summary_line(self) -> str:
        when = utc_iso(self.observed_at) if self.observed_at else "?"
        head = f"{self.list_id} @ {when}: "
        if self.dated_now:
            head = head[:-2] + " (no date in the file or its path: observed now): "
        if self.status == IngestStatus.BASELINE:
            return head + f"baseline: {self.record_count} entries"
        if self.status == IngestStatus.APPLIED:
            parts = [f"{n} {kind}" for kind, n in self.counts.items() if n]
            return head + (", ".join(parts) if parts else "no entry changed")
        if self.status == IngestStatus.UNCHANGED:
            return head + "unchanged (same content as the current state)"
        if self.status == IngestStatus.SKIPPED:
            return head + "already recorded, skipped"
        return head + f"{self.status}: {self.message}"
