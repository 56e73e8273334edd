"""Commands that describe what the tool knows: lists and formats."""

from __future__ import annotations

import click

from monitor.cli import AppContext, cli, pass_app
from monitor.commands._common import dumps, text_or_json


@cli.command("lists")
@text_or_json
@pass_app
def lists_command(app: AppContext, output_format: str) -> None:
    """Each list with its format, last snapshot and current entry count.

    \b
    Example:
      watchlist-monitor lists --format json
    """
    from monitor.store.sqlite_read import read_overview

    overview = read_overview(app.checked.database)  # without SQLAlchemy when it can
    if overview is None:
        from monitor.store.queries import list_overview

        with app.store.read() as connection:
            overview = list_overview(connection)
    if output_format == "json":
        click.echo(dumps(overview))
        return
    if not overview:
        click.echo("no lists yet: run 'watchlist-monitor replay' or 'ingest'")
    for item in overview:
        click.echo(
            f"{item['list']:<16} {item['format']:<18} {item['entries']:>7} entries  "
            f"last {item['last_snapshot']} ({item['last_status']})  "
            + ", ".join(f"{n} {s}" for s, n in sorted(item["snapshots"].items()))
        )
    where = app.checked.where
    click.echo(f"\ndatabase: {where['database']}\narchive:  {where['archive']}")
    click.echo(f"config:   {where['config'] or 'none'} ({where['config_found_by']})")


@cli.command("formats")
def formats_command() -> None:
    """Every input format with its description and the files it reads.

    \b
    Example:
      watchlist-monitor formats
    """
    from monitor.formats import REGISTRY, format_kinds

    for kind in format_kinds():
        plugin = REGISTRY[kind]
        click.echo(f"{kind:<20} {plugin.description()}")
        if plugin.example:
            click.echo(f"{'':<20} e.g. {plugin.example}")
