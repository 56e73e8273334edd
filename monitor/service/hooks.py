"""Which work runs inside a snapshot's transaction, at each entry point: the one written policy.

Every path that applies a version of a list tells the list's channels, in the
same transaction as the events, so an applied change is never silent and a
crash never leaves events without their messages (or the reverse):

==================  ==============  =================  ======================  ====================
entry point         link subjects   raise alerts       queue watchlist alerts  queue the run report
==================  ==============  =================  ======================  ====================
daemon check        yes             yes                yes                     yes
``check``           yes             yes                yes                     yes
``ingest``          yes             yes                yes                     yes
``quarantine        yes             yes                yes                     yes
approve`` and the
re-checks it starts
``replay``          yes             yes                no                      no
==================  ==============  =================  ======================  ====================

Subjects (:mod:`monitor.subjects.linking`) are linked first, at every entry point:
they are derived data, like the events, and replay must rebuild them the same way.

Replay rebuilds history: its alerts are recorded (``alerts`` shows them, and a
later change of a watched entry is still recognised) but nothing is sent,
because the events are old news. ``verify`` rebuilds into a scratch database
and runs no hooks at all.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jinja2 import Environment

    from monitor.config import Config, ListConfig
    from monitor.ingest.pipeline import ApplyHook


class EntryPoint(StrEnum):
    """The ways a version of a list gets applied."""

    DAEMON = "daemon"
    CHECK = "check"
    INGEST = "ingest"
    APPROVE = "approve"
    REPLAY = "replay"


TELLS_CHANNELS = frozenset(
    {EntryPoint.DAEMON, EntryPoint.CHECK, EntryPoint.INGEST, EntryPoint.APPROVE}
)
"""The entry points whose applied versions are told to the channels (all but replay)."""


def hooks_for(
    entry: EntryPoint,
    config: Config,
    list_config: ListConfig | None = None,
    environment: Environment | None = None,
) -> tuple[ApplyHook, ...]:
    """The apply hooks of one entry point, in the order they must run.

    Alerts are raised first, so that the alert delivery and the run report
    (which lists the alerts it raised) both see them. ``list_config`` is the
    list being applied (needed for its channels); ``environment`` is the Jinja
    environment to render messages with, made from the configuration if not given.
    """
    from monitor.subjects.linking import subject_hook

    # Subjects first: alerts and reports speak of the subjects of this version's entries.
    hooks: list[ApplyHook] = [subject_hook(config.subjects)]
    if config.watchlists:  # else no alert hook: its matching code is not even imported
        from monitor.watchlists.hooks import watchlist_hooks

        hooks += watchlist_hooks(config)
    if entry not in TELLS_CHANNELS or not _may_tell(config, list_config):
        return tuple(hooks)
    from monitor.outbox.alerts import alert_delivery_hook
    from monitor.outbox.run_report import report_hook
    from monitor.reports.environment import make_environment

    environment = environment or make_environment(config.templates)
    hooks.append(alert_delivery_hook(config, environment))
    if list_config is not None:
        hooks.append(report_hook(config, list_config, environment))
    return tuple(hooks)


def _may_tell(config: Config, list_config: ListConfig | None) -> bool:
    """Whether a channel could be told anything: the list or a watchlist names one.

    Without one, the delivery hooks queue nothing, so they are left out, and the
    templates are neither loaded nor checked: compiling every template was half of
    an ``ingest`` process's time on a configuration without channels.
    """
    listed = list_config is not None and bool(list_config.notify)
    return listed or any(watchlist.notify for watchlist in config.watchlists)
