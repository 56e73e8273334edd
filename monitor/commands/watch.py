"""Commands for your own watchlists: test one against the current lists, show raised alerts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from monitor.cli import AppContext, cli, pass_app
from monitor.commands._common import dumps, known_lists, optional_date
from monitor.dates import parse_user_datetime
from monitor.errors import ConfigError

if TYPE_CHECKING:
    from monitor.watchlists.alerts import Alert
    from monitor.watchlists.config import WatchlistConfig
    from monitor.watchlists.screening import Screening

FORMATS = click.Choice(("text", "json"))


def find_watchlist(app: AppContext, watchlist_id: str) -> WatchlistConfig:
    from monitor.watchlists.config import load_watchlists

    watchlists = load_watchlists(app.config.watchlists)
    for watchlist in watchlists:
        if watchlist.id == watchlist_id:
            return watchlist
    known = ", ".join(w.id for w in watchlists) or "none (add 'watchlists:' to the configuration)"
    raise ConfigError(f"no watchlist {watchlist_id!r}; configured watchlists: {known}")


@cli.group("watch")
def watch_group() -> None:
    """Your own watchlists: names and identifiers that raise alerts when they change on a list.

    \b
    Example:
      watchlist-monitor watch test portfolio
    """


@watch_group.command("test")
@click.argument("watchlist_id", metavar="WATCHLIST")
@click.option("--list", "list_id", help="Only the current entries of this list.")
@click.option(
    "--min-score",
    type=click.FloatRange(0, 1),
    help="Show matches down to this score (default: 0.2 below the threshold).",
)
@click.option("--format", "output_format", type=FORMATS, default="text", show_default=True)
@pass_app
def watch_test_command(
    app: AppContext,
    watchlist_id: str,
    list_id: str | None,
    min_score: float | None,
    output_format: str,
) -> None:
    """Show which current entries match each watch entry, and with what score.

    Use it to tune the threshold before going live: matches at or above it
    would raise alerts when they change; those below are near misses.

    \b
    Example:
      watchlist-monitor watch test portfolio --list us-ofac-cons
    """
    from monitor.watchlists.hooks import compile_watchlist
    from monitor.watchlists.screening import screen

    watchlist = find_watchlist(app, watchlist_id)
    if list_id is not None:
        known_lists(app, [list_id])
    floor = min_score if min_score is not None else max(0.05, watchlist.threshold - 0.2)
    with app.store.read() as connection:
        result = screen(connection, compile_watchlist(watchlist), list_id, floor)
    if output_format == "json":
        click.echo(dumps(_screening_json(watchlist, result)))
        return
    _print_screening(watchlist, result, floor)


def _screening_json(watchlist: WatchlistConfig, result: Screening) -> dict[str, object]:
    return {
        "watchlist": watchlist.id,
        "threshold": watchlist.threshold,
        "checked": result.checked,
        "lists": list(result.lists),
        "entries": [
            {"watch_entry": e.key, "matches": [h.to_json() for h in result.hits[e.key]]}
            for e in result.entries
        ],
    }


def _print_screening(watchlist: WatchlistConfig, result: Screening, floor: float) -> None:
    lists = ", ".join(result.lists) or "no list yet"
    click.echo(
        f"watchlist {watchlist.id}: {len(result.entries)} watch entries against "
        f"{result.checked} current entries ({lists}); alerts at {watchlist.threshold:.2f} or more"
    )
    for entry in result.entries:
        click.echo(f"\n{entry.key}")
        hits = result.hits[entry.key]
        if not hits:
            click.echo(f"  no match at {floor:.2f} or more")
        for hit in hits:
            below = "" if hit.alert else "  (below the threshold)"
            click.echo(f"  {hit.match.score:.2f}  {hit.list_id} {hit.key}  {hit.name}{below}")
            click.echo(f"        {hit.match.why}")


@watch_group.command("digest")
@click.argument("watchlist_id", metavar="WATCHLIST")
@click.option("--at", "at", metavar="ISO", help="Send the period completed before this time.")
@pass_app
def watch_digest_command(app: AppContext, watchlist_id: str, at: str | None) -> None:
    """Queue the digest of the last completed period of the watchlist's digest schedule.

    The daemon does this on the schedule; this runs it by hand (e.g. from cron).
    Queued messages are sent by the daemon or by 'deliveries retry'.

    \b
    Example:
      watchlist-monitor watch digest portfolio && watchlist-monitor deliveries retry
    """
    from monitor.outbox.digest import send_digest
    from monitor.reports.environment import make_environment

    watchlist = find_watchlist(app, watchlist_id)
    now = parse_user_datetime(at, "--at") if at else app.now
    count = send_digest(
        app.store, app.config, make_environment(app.config.templates), watchlist, now=now
    )
    click.echo(
        f"watchlist {watchlist_id}: digest of {count} alerts queued"
        if count
        else f"watchlist {watchlist_id}: nothing new to digest (or already sent)"
    )


@cli.command("alerts")
@click.option("--since", help="Only alerts about changes observed on or after this day (ISO date).")
@click.option("--watchlist", "watchlist_id", help="Only this watchlist's alerts.")
@click.option("--format", "output_format", type=FORMATS, default="text", show_default=True)
@pass_app
def alerts_command(
    app: AppContext, since: str | None, watchlist_id: str | None, output_format: str
) -> None:
    """List the alerts raised by your watchlists, oldest first.

    Each alert was raised once, when its change was recorded. Matches found in
    a list's first snapshot are shown apart, as already listed at baseline.

    \b
    Example:
      watchlist-monitor alerts --since 2021-12-01
      watchlist-monitor alerts --watchlist portfolio --format json
    """
    from monitor.watchlists.alerts import find_alerts

    if watchlist_id is not None:
        find_watchlist(app, watchlist_id)  # a typo is an error naming the configured ones
    with app.store.read() as connection:
        found = find_alerts(
            connection, since=optional_date(since, "--since"), watchlist=watchlist_id
        )
    if output_format == "json":
        click.echo(dumps([alert.to_json() for alert in found]))
        return
    news = [a for a in found if not a.baseline]
    known = [a for a in found if a.baseline]
    if not found:
        click.echo("no alerts")
    for alert in news:
        _print_alert(alert, str(alert.event["kind"]))
    if known:
        click.echo(f"\nalready listed at baseline ({len(known)}, the first snapshot of a list):")
        for alert in known:
            _print_alert(alert, "baseline")


def _print_alert(alert: Alert, label: str) -> None:
    event = alert.event
    day = str(event["observed_at"] or "")[:10]
    programs = f"  [{', '.join(event['programs'])}]" if event["programs"] else ""
    changed = f"  ({', '.join(event['categories'])})" if event["categories"] else ""
    click.echo(
        f"{day}  {alert.watchlist}  {label}  {event['list']} {event['key']}  "
        f"{event['name']}{programs}{changed}"
    )
    click.echo(f"            {alert.watch_entry}: score {alert.score:.2f}, {alert.why}")
