"""Running as a service: the daemon, one check now, status, and the delivery queue."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from types import FrameType
from typing import TYPE_CHECKING

import click
from click.core import ParameterSource

from monitor.cli import AppContext, cli, pass_app
from monitor.commands._common import dumps, text_or_json
from monitor.errors import ConfigError
from monitor.logs import show_progress

if TYPE_CHECKING:
    from monitor.service.check import CheckContext

log = logging.getLogger(__name__)


def _context(app: AppContext, stop: threading.Event | None = None) -> CheckContext:
    from monitor.reports.environment import make_environment
    from monitor.service.check import CheckContext

    return CheckContext(
        store=app.store,
        config=app.config,
        environment=make_environment(app.config.templates),
        stop=stop,
    )


def _stop_on_signals(stop: threading.Event) -> None:
    """The first SIGTERM/SIGINT stops cleanly; a second one exits at once (nothing is
    half-applied either way: an interrupted transaction is rolled back by the database)."""

    def handle(number: int, _frame: FrameType | None) -> None:
        if stop.is_set():
            os._exit(128 + number)
        log.info("received %s: stopping after the running checks", signal.Signals(number).name)
        stop.set()

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)


@cli.command("daemon")
@click.option(
    "--shared",
    is_flag=True,
    help="Share a PostgreSQL database with other daemons started with --shared.",
)
@click.option("--serve", is_flag=True, help="Also serve the web app and API (as `serve` does).")
@click.option("--host", default="127.0.0.1", show_default=True, help="With --serve: address.")
@click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True)
@pass_app
def daemon_command(app: AppContext, shared: bool, serve: bool, host: str, port: int) -> None:
    """Check every list on its schedule and deliver reports, until SIGTERM or Ctrl-C.

    With --serve the same process also serves the web app and JSON API; on
    SIGTERM it stops the schedule (letting running checks finish), then the server.

    \b
    Example:
      watchlist-monitor --config /etc/watchlist-monitor/monitor.yml daemon
      watchlist-monitor daemon --serve --port 8000
    """
    from monitor.service.daemon import Daemon

    if not serve:
        source = click.get_current_context().get_parameter_source
        given = [
            f"--{name}" for name in ("host", "port") if source(name) is ParameterSource.COMMANDLINE
        ]
        if given:
            verb = "apply" if len(given) > 1 else "applies"
            raise ConfigError(f"{' and '.join(given)} {verb} only with --serve")
    show_progress()
    stop = threading.Event()
    daemon = Daemon(_context(app, stop), shared=shared)
    if not serve:
        _stop_on_signals(stop)
        daemon.run()
        return
    from monitor.web.app import create_app
    from monitor.web.serving import WebServer

    web = WebServer.bind(create_app(app.store, app.config), host, port, log_level="warning")
    _stop_on_signals(stop)
    try:
        daemon.run(on_started=lambda: web.start(on_exit=stop.set))
    finally:
        web.stop()


@cli.command("check")
@click.argument("lists", nargs=-1)
@pass_app
def check_command(app: AppContext, lists: tuple[str, ...]) -> None:
    """Check LISTS (default: every list with a source) now, then send queued reports.

    Exits with status 1 when a list or a channel failed; failed reports stay
    queued and are sent by a later run, the daemon or `deliveries retry`.

    \b
    Example:
      watchlist-monitor check
      watchlist-monitor check us-ofac-sdn
    """
    from monitor.outbox.deliver import deliver_due
    from monitor.service.check import run_check

    config = app.config
    with_source = [item.id for item in config.lists if item.source]
    for list_id in lists:
        if list_id not in with_source:
            valid = ", ".join(with_source) or "none configured"
            raise ConfigError(f"list {list_id!r} has no source to check; lists with one: {valid}")
    if not with_source:
        raise ConfigError("no list has a source to check; add 'source:' to a list")
    context = _context(app)
    failed = False
    for list_id in lists or with_source:
        outcome = run_check(context, config.list_config(list_id), now=app.now)
        click.echo(outcome.line(), file=sys.stderr if outcome.failed else sys.stdout)
        failed = failed or outcome.failed
    run = deliver_due(app.store, config, now=app.now)
    if run.sent or run.failed:
        click.echo(run.line(), file=sys.stderr if run.failed else sys.stdout)
    if failed or run.failed:
        sys.exit(1)


@cli.command("status")
@text_or_json
@pass_app
def status_command(app: AppContext, output_format: str) -> None:
    """Each list's last check, change and error, next run and size; each channel's queue.

    \b
    Example:
      watchlist-monitor status
      watchlist-monitor status --format json
    """
    from monitor.reports.environment import make_environment, render
    from monitor.service.status import collect

    status = collect(app.store, app.config, now=app.now)
    if output_format == "json":
        click.echo(dumps(status))
        return
    environment = make_environment(app.config.templates)
    click.echo(render(environment, "status.txt.j2", {"status": status}), nl=False)


@cli.group("deliveries")
def deliveries_group() -> None:
    """The queue of reports waiting to be sent.

    \b
    Example:
      watchlist-monitor deliveries retry
    """


@deliveries_group.command("retry")
@click.option("--channel", "channels", multiple=True, help="Only this channel (repeatable).")
@pass_app
def retry_command(app: AppContext, channels: tuple[str, ...]) -> None:
    """Send every pending or failed delivery now, without waiting for its next try.

    \b
    Example:
      watchlist-monitor deliveries retry --channel mail
    """
    from monitor.outbox.deliver import deliver_due

    known = [n.id for n in app.config.notifiers]
    for channel in channels:
        if channel not in known:
            raise ConfigError(
                f"unknown channel {channel!r}; configured: {', '.join(known) or 'none'}"
            )
    run = deliver_due(app.store, app.config, now=app.now, channels=channels or None, force=True)
    click.echo(run.line(), file=sys.stderr if run.failed else sys.stdout)
    if run.failed:
        sys.exit(1)
