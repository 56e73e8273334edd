"""The Atom feed command: the latest observed changes, for feed readers."""

from __future__ import annotations

from pathlib import Path

import click

from monitor.cli import AppContext, cli, pass_app
from monitor.commands._common import emit, known_lists, output_file


@cli.command("feed")
@click.option("--list", "lists", multiple=True, help="Only these lists (repeatable).")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=200,
    show_default=True,
    help="How many of the latest events the feed carries.",
)
@click.option("--title", default="", help="Feed title (default: names the lists).")
@output_file
@pass_app
def feed_command(
    app: AppContext, lists: tuple[str, ...], limit: int, title: str, output: Path | None
) -> None:
    """Write an Atom feed of the latest changes (baselines excluded), newest first.

    Entry ids and times are stable: writing the feed again never shows a change twice.

    \b
    Example:
      watchlist-monitor feed --output changes.atom
      watchlist-monitor feed --list us-ofac-sdn --limit 50 --output sdn.atom
    """
    emit(feed_text(app, lists, limit, title), output)


def feed_text(app: AppContext, lists: tuple[str, ...], limit: int, title: str = "") -> str:
    """The feed as text: the command's output, and what ``serve`` answers at /feed.atom."""
    from monitor.reports.environment import make_environment, render
    from monitor.reports.feed import build_feed
    from monitor.reports.output import markup_environment
    from monitor.store.queries import EventQuery, find_events

    environment = make_environment(app.config.templates)
    wanted = known_lists(app, lists)
    with app.store.read() as connection:
        events = find_events(connection, EventQuery(lists=wanted, clock="observed"))
    latest = events[-limit:]
    name = title or "Watchlist Monitor: changes to " + (", ".join(lists) or "all lists")
    feed = build_feed(latest, app.now.strftime("%Y-%m-%dT%H:%M:%SZ"), name)
    return render(markup_environment(environment), "feed.atom.j2", {"feed": feed})
