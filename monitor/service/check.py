"""One check of one list: fetch what is new, ingest it with its report queued, remember.

The daemon's scheduled job and ``watchlist-monitor check`` both run this.
Every failure stops at this boundary: it is recorded for ``status`` and
logged once when the list starts failing (later failures only at info
level), and the last good state stays current. The pipeline does the
ingesting; this module only decides what to hand it and what to remember.
"""

from __future__ import annotations

import logging
import tempfile
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment

from monitor.config import Config, ListConfig
from monitor.dates import utc_iso
from monitor.errors import FetchAborted, InputError, MonitorError
from monitor.fetch.download import Download
from monitor.fetch.versions import new_versions
from monitor.ingest.pipeline import IngestRequest, IngestResult, ingest
from monitor.logs import fields
from monitor.outbox import notices
from monitor.service.hooks import EntryPoint, hooks_for
from monitor.store import list_state
from monitor.store.locks import check_lock
from monitor.store.store import Store

log = logging.getLogger(__name__)

FAILED = ("failed", "rejected")
UNTOUCHED = ("busy", "aborted")


@dataclass(frozen=True, kw_only=True)
class CheckOutcome:
    """What one check did; ``status`` is the most telling of its snapshots' statuses."""

    list_id: str
    status: str  # not-modified | unchanged | baseline | applied | quarantined | skipped
    #              | rejected | failed | busy | aborted
    message: str = ""
    results: tuple[IngestResult, ...] = ()
    remember: dict[str, Any] = field(default_factory=dict)
    duration: float = 0.0  # seconds

    @property
    def counts(self) -> dict[str, int]:
        """Events of every applied version of this check, by kind."""
        total: dict[str, int] = {}
        for result in self.results:
            for kind, number in result.counts.items():
                total[kind] = total.get(kind, 0) + number
        return total

    @property
    def snapshot(self) -> str | None:
        """The sha256 of the last version this check read, if any."""
        return next((r.sha256 for r in reversed(self.results) if r.sha256), None)

    def log_fields(self) -> dict[str, Any]:
        """The structured fields of this check's log line (``extra=``; JSON logs show them)."""
        return fields(
            list=self.list_id,
            status=self.status,
            snapshot=self.snapshot,
            counts=self.counts or None,
            entries=next((r.record_count for r in reversed(self.results) if r.record_count), None),
            duration=round(self.duration, 3),
        )

    @property
    def failed(self) -> bool:
        return self.status in FAILED

    def line(self) -> str:
        """One line for the log and the console, starting with the list id."""
        if self.results and not self.failed:
            return "; ".join(
                r.summary_line() + (f" (snapshot {r.sha256[:12]})" if r.sha256 else "")
                for r in self.results
            )
        return f"{self.list_id}: {self.status}" + (f": {self.message}" if self.message else "")


@dataclass(frozen=True, kw_only=True)
class CheckContext:
    """What every check needs besides the list: the store, config, templates, a stop flag."""

    store: Store
    config: Config
    environment: Environment
    stop: threading.Event | None = None
    entry: EntryPoint = EntryPoint.CHECK  # the daemon sets EntryPoint.DAEMON


def run_check(context: CheckContext, list_config: ListConfig, *, now: datetime) -> CheckOutcome:
    """Check one list now; never raises for a bad download or a bad file."""
    started = time.monotonic()
    with check_lock(context.store, list_config.id) as mine:
        if not mine:
            outcome = CheckOutcome(
                list_id=list_config.id, status="busy", message="another process is checking it"
            )
        else:
            outcome = _locked_check(context, list_config, now=now)
    outcome = replace(outcome, duration=time.monotonic() - started)
    _record(context, list_config, outcome, now)
    return outcome


def _locked_check(context: CheckContext, list_config: ListConfig, *, now: datetime) -> CheckOutcome:
    list_id = list_config.id
    try:
        with tempfile.TemporaryDirectory(prefix="watchlist-monitor-") as folder:
            return _fetch_and_ingest(context, list_config, Path(folder), now=now)
    except FetchAborted as exc:
        return CheckOutcome(list_id=list_id, status="aborted", message=str(exc))
    except MonitorError as exc:
        return CheckOutcome(list_id=list_id, status="failed", message=str(exc))


def _fetch_and_ingest(
    context: CheckContext, list_config: ListConfig, workdir: Path, *, now: datetime
) -> CheckOutcome:
    state = list_state.load(context.store, list_config.id)
    downloads = new_versions(list_config, state, workdir=workdir, now=now, stop=context.stop)
    if not downloads:
        return CheckOutcome(list_id=list_config.id, status="not-modified")
    results: list[IngestResult] = []
    errors: list[str] = []
    remember: dict[str, Any] = {}
    seen = list(state.seen)
    for download in downloads:
        if context.stop is not None and context.stop.is_set():
            raise FetchAborted("stopping: the new version is left for the next run")
        try:
            result = _ingest(context, list_config, download, now=now)
        except InputError as exc:
            if not download.entry:
                raise
            errors.append(f"{download.entry}: {exc}")
        else:
            results.append(result)
            if not result.failed:
                remember.update(download.remember)
        if download.entry:
            seen.append(download.entry)
            list_state.save(context.store, list_config.id, seen=seen)
    return _summarise(list_config.id, results, errors, remember)


def _ingest(
    context: CheckContext, list_config: ListConfig, download: Download, *, now: datetime
) -> IngestResult:
    request = IngestRequest(
        list_config=list_config,
        paths=download.paths,
        input_format=list_config.format,
        observed_at=download.observed_at,
        source_uri=download.source_uri,
        allow_current_time=True,
        hooks=hooks_for(context.entry, context.config, list_config, context.environment),
    )
    return ingest(context.store, context.config, request, now=now)


def _summarise(
    list_id: str, results: list[IngestResult], errors: list[str], remember: dict[str, Any]
) -> CheckOutcome:
    failures = errors + [r.message for r in results if r.failed]
    if failures:
        status = "rejected" if any(r.failed for r in results) else "failed"
        return CheckOutcome(
            list_id=list_id,
            status=status,
            message="; ".join(failures),
            results=tuple(results),
            remember=remember,
        )
    return CheckOutcome(
        list_id=list_id,
        status=results[-1].status,
        results=tuple(results),
        remember=remember,
    )


def _record(
    context: CheckContext, list_config: ListConfig, outcome: CheckOutcome, now: datetime
) -> None:
    """Remember the outcome; a failure is logged as a warning only when it starts, and the
    list's channels are told when failures reach ``fetch.alert_after``, on recovery, and
    when a snapshot is held for review."""
    store = context.store
    list_id = outcome.list_id
    if outcome.status in UNTOUCHED:
        log.info("%s", outcome.line(), extra=outcome.log_fields())
        return
    if outcome.failed:
        before = list_state.record_failure(store, list_id, outcome.message, now=now)
        if outcome.remember:
            list_state.save(store, list_id, **outcome.remember)
        if notice := notices.failing_notice(list_config, before, outcome.message, now=now):
            notices.queue_notice(store, context.config, list_config, notice, context.environment)
        if before.failures == 0:
            log.warning(
                "%s (the last good state stays current)",
                outcome.line(),
                extra=outcome.log_fields(),
            )
        else:
            since = utc_iso(before.error_since) if before.error_since else "?"
            log.info(
                "%s (still failing since %s, %s checks)",
                outcome.line(),
                since,
                before.failures + 1,
                extra=outcome.log_fields(),
            )
        return
    summary = "; ".join(r.summary_line() for r in outcome.results) or outcome.status
    before = list_state.record_success(
        store, list_id, outcome.status, summary, now=now, **outcome.remember
    )
    if before.failures:
        log.warning(
            "%s: recovered after %s failed checks",
            list_id,
            before.failures,
            extra=fields(list=list_id),
        )
    if notice := notices.recovered_notice(list_config, before, now=now):
        notices.queue_notice(store, context.config, list_config, notice, context.environment)
    for result in outcome.results:
        if notice := notices.quarantine_notice(list_config, result, now=now):
            notices.queue_notice(store, context.config, list_config, notice, context.environment)
    log.info("%s", outcome.line(), extra=outcome.log_fields())
