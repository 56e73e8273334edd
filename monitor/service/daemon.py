"""The daemon: one scheduled check per list, one outbox job, a clean stop on a signal.

APScheduler runs each list's check on its own schedule (cron or interval,
in the configured time zone). Runs that were missed while the machine slept
are coalesced into one, a list is never checked twice at once, and a run
later than ``misfire_grace`` is skipped rather than run late. Stopping sets
a flag that the running checks see between stages: a check finishes what it
applies (the pipeline's transaction) or abandons its download, never half.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.events import (
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    JobExecutionEvent,
)
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger

from monitor.config import Config, ListConfig, Schedule
from monitor.cron import cron_trigger
from monitor.errors import ConfigError, MonitorError
from monitor.outbox.deliver import deliver_due
from monitor.outbox.digest import send_digest
from monitor.service.check import CheckContext, run_check
from monitor.service.hooks import EntryPoint
from monitor.service.schedules import describe, timezone_of
from monitor.store import list_state
from monitor.store.locks import daemon_lock, whoami

log = logging.getLogger(__name__)

CHECK_PREFIX = "check:"
OUTBOX_JOB = "deliveries"


def trigger_for(schedule: Schedule, zone: ZoneInfo) -> BaseTrigger:
    if schedule.cron is not None:
        return cron_trigger(schedule.cron, timezone=zone)
    assert schedule.every is not None
    return IntervalTrigger(seconds=schedule.every.total_seconds(), timezone=zone)


def scheduled_lists(config: Config) -> list[ListConfig]:
    """The lists the daemon checks; without any the daemon would do nothing, so it refuses."""
    lists = [item for item in config.lists if item.schedule is not None]
    if not lists:
        raise ConfigError(
            "no list has a schedule; add e.g. 'schedule: {every: 30m}' to a list with a source"
        )
    return lists


class Daemon:
    """Schedules the checks of every list with a schedule, and the outbox."""

    def __init__(self, context: CheckContext, *, shared: bool = False) -> None:
        self.stop = context.stop or threading.Event()
        self.context = CheckContext(
            store=context.store,
            config=context.config,
            environment=context.environment,
            stop=self.stop,
            entry=EntryPoint.DAEMON,
        )
        self.shared = shared
        self.zone = timezone_of(context.config)
        self.lists = scheduled_lists(context.config)

    def build_scheduler(self, *, first_run: datetime | None) -> BackgroundScheduler:
        """Jobs for every list (the first at ``first_run``, or when the schedule says)."""
        settings = self.context.config.daemon
        scheduler = BackgroundScheduler(
            timezone=self.zone,
            executors={"default": ThreadPoolExecutor(settings.workers)},
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": int(settings.misfire_grace.total_seconds()),
            },
        )
        extra: dict[str, Any] = {"next_run_time": first_run} if first_run else {}
        for item in self.lists:
            assert item.schedule is not None
            scheduler.add_job(
                self.check_list,
                trigger_for(item.schedule, self.zone),
                args=(item.id,),
                id=CHECK_PREFIX + item.id,
                name=f"check {item.id}",
                **extra,
            )
        for watchlist in self.context.config.watchlists:
            if watchlist.digest is not None and watchlist.notify:
                scheduler.add_job(
                    self.send_digest,
                    cron_trigger(watchlist.digest.cron, timezone=self.zone),
                    args=(watchlist.id,),
                    id=f"digest:{watchlist.id}",
                    name=f"digest of watchlist {watchlist.id}",
                )
        scheduler.add_job(
            self.deliver,
            IntervalTrigger(
                seconds=self.context.config.delivery.interval.total_seconds(), timezone=self.zone
            ),
            id=OUTBOX_JOB,
            name="deliver queued reports",
            **extra,
        )
        scheduler.add_listener(_log_skipped_run, EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES)
        return scheduler

    def run(self, *, on_started: Callable[[], None] | None = None) -> None:
        """Hold the daemon lock and run until the stop flag is set (SIGTERM, SIGINT)."""
        with daemon_lock(self.context.store, shared=self.shared):
            check_now = self.context.config.daemon.check_at_start
            scheduler = self.build_scheduler(first_run=datetime.now(UTC) if check_now else None)
            scheduler.start()
            recorded: dict[str, datetime | None] = {}
            self._record_next_runs(scheduler, recorded)
            names = ", ".join(f"{i.id} ({describe(i.schedule)})" for i in self.lists)
            mode = "shared" if self.shared else "exclusive"
            log.info("daemon started (%s, %s, timezone %s): %s", whoami(), mode, self.zone, names)
            if on_started is not None:
                on_started()
            while not self.stop.wait(1.0):
                self._record_next_runs(scheduler, recorded)
            log.info("stopping: waiting for the running checks to finish")
            scheduler.shutdown(wait=True)
            for item in self.lists:
                self._save_next_run(CHECK_PREFIX + item.id, None)
            log.info("daemon stopped")

    def check_list(self, list_id: str) -> None:
        """The scheduled job: check one list, then send its queued reports."""
        list_config = self.context.config.list_config(list_id)
        try:
            run_check(self.context, list_config, now=datetime.now(UTC))
            if list_config.notify and not self.stop.is_set():
                self._deliver(list_config.notify)
        except MonitorError as exc:
            log.error("list %s: check failed: %s", list_id, exc)
        except Exception:
            log.exception("list %s: check crashed", list_id)

    def send_digest(self, watchlist_id: str) -> None:
        """The digest job: queue the period's alerts of one watchlist, then send them."""
        watchlist = next(w for w in self.context.config.watchlists if w.id == watchlist_id)
        try:
            count = send_digest(
                self.context.store,
                self.context.config,
                self.context.environment,
                watchlist,
                now=datetime.now(UTC),
            )
            log.info("watchlist %s: digest of %s alerts queued", watchlist_id, count)
            self._deliver(watchlist.notify)
        except MonitorError as exc:
            log.error("watchlist %s: digest failed: %s", watchlist_id, exc)

    def deliver(self) -> None:
        """The outbox job: retry what is due on every channel."""
        try:
            self._deliver(None)
        except MonitorError as exc:
            log.error("deliveries: %s", exc)

    def _deliver(self, channels: tuple[str, ...] | None) -> None:
        run = deliver_due(
            self.context.store,
            self.context.config,
            now=datetime.now(UTC),
            channels=channels,
            stop=self.stop,
        )
        if run.sent or run.failed:
            log.info("%s", run.line())

    def _record_next_runs(
        self, scheduler: BackgroundScheduler, recorded: dict[str, datetime | None]
    ) -> None:
        """For `status` in other processes; from the main thread, never from a job's listener
        (the scheduler holds its job store lock while it waits for jobs to finish)."""
        for job in scheduler.get_jobs():
            if recorded.get(job.id, False) != job.next_run_time:
                recorded[job.id] = job.next_run_time
                self._save_next_run(job.id, job.next_run_time)

    def _save_next_run(self, job_id: str, when: datetime | None) -> None:
        if not job_id.startswith(CHECK_PREFIX):
            return
        list_id = job_id.removeprefix(CHECK_PREFIX)
        try:
            list_state.save(
                self.context.store,
                list_id,
                next_run_at=when.astimezone(UTC) if when else None,
            )
        except Exception as exc:  # bookkeeping for `status` must never stop the daemon
            log.warning("list %s: cannot record the next run time: %s", list_id, exc)


class _SaidByUs(logging.Filter):
    """APScheduler's own warnings of a skipped or missed run: _log_skipped_run says them
    once, with the list, so the scheduler's copy is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = str(record.msg)
        return not ("maximum number of running instances" in text or "was missed by" in text)


for _name in ("apscheduler.scheduler", "apscheduler.executors.default"):
    _logger = logging.getLogger(_name)
    if not any(isinstance(f, _SaidByUs) for f in _logger.filters):
        _logger.addFilter(_SaidByUs())


def _log_skipped_run(event: JobExecutionEvent) -> None:
    if event.code == EVENT_JOB_MISSED:
        log.warning("%s: the run due at %s was missed", event.job_id, event.scheduled_run_time)
    else:
        log.warning(
            "%s: still running, this run is skipped (maximum number of running instances)",
            event.job_id,
        )
