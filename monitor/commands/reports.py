"""Commands that read the change log: period reports and entry histories."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from monitor.cli import AppContext, cli, pass_app
from monitor.commands._common import emit, optional_date
from monitor.errors import ConfigError
from monitor.queries import DATE_CLOCKS, EventQuery, dumps, entry_history, find_events
from monitor.rendering import make_environment, render
from monitor.reporting import KINDS, REPORT_FORMATS, build_report, render_report


@cli.command("report")
@click.option("--list", "lists", multiple=True, help="Only these lists (repeatable).")
@click.option("--since", help="First day of the period (ISO date).")
@click.option("--until", help="Last day of the period, included (ISO date).")
@click.option(
    "--date",
    "clock",
    type=click.Choice(DATE_CLOCKS),
    default="effective",
    show_default=True,
    help="Which clock places events in the period.",
)
@click.option("--kind", "kinds", help=f"Comma-separated event kinds: {', '.join(KINDS)}.")
@click.option(
    "--include-baseline", is_flag=True, help="With --date observed, include baseline entries."
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(REPORT_FORMATS),
    default="text",
    show_default=True,
)
@click.option(
    "--output", type=click.Path(path_type=Path), help="Write to this file instead of stdout."
)
@pass_app
def report_command(
    app: AppContext,
    lists: tuple[str, ...],
    since: str | None,
    until: str | None,
    clock: str,
    kinds: str | None,
    include_baseline: bool,
    output_format: str,
    output: Path | None,
) -> None:
    """Report the changes of a period, with a summary.

    \b
    Example:
      watchlist-monitor report --since 2021-12-01 --until 2021-12-31
      watchlist-monitor report --list us-csl --since 2021-11-01 --until 2021-11-30 --format markdown
    """
    kind_list = [k.strip() for k in kinds.split(",") if k.strip()] if kinds else []
    unknown = [k for k in kind_list if k not in KINDS]
    if unknown:
        raise ConfigError(f"--kind: unknown kind {unknown[0]!r}; valid kinds: {', '.join(KINDS)}")
    query = EventQuery(
        lists=lists,
        since=optional_date(since, "--since"),
        until=optional_date(until, "--until"),
        clock=clock,
        kinds=kind_list,
        include_baseline=include_baseline,
    )
    environment = make_environment(app.config.templates)
    with app.store.read() as connection:
        events = find_events(connection, query)
    text = render_report(environment, build_report(events, query, app.now), output_format)
    emit(text, output)


@cli.command("history")
@click.argument("query")
@click.option("--list", "lists", multiple=True, help="Only these lists (repeatable).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(("text", "json")),
    default="text",
    show_default=True,
)
@pass_app
def history_command(
    app: AppContext, query: str, lists: tuple[str, ...], output_format: str
) -> None:
    """The timeline of every entry whose key is QUERY or whose name contains it.

    \b
    Example:
      watchlist-monitor history "SENSETIME"
      watchlist-monitor history 36 --list us-ofac-sdn
    """
    with app.store.read() as connection:
        events = entry_history(connection, query, lists)
    entries: dict[tuple[str, str], dict[str, Any]] = {}
    for event in events:
        entry = entries.setdefault(
            (event["list"], event["key"]),
            {"list": event["list"], "key": event["key"], "events": []},
        )
        entry["name"] = event["name"]
        entry["events"].append(event)
    if output_format == "json":
        click.echo(dumps(list(entries.values())))
        return
    environment = make_environment(app.config.templates)
    click.echo(
        render(environment, "history.txt.j2", {"entries": list(entries.values()), "query": query}),
        nl=False,
    )
