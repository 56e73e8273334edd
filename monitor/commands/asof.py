"""Point-in-time questions: a list as it stood on a date, and whether an entry was on it."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from pathlib import Path

import click

from monitor.cli import AppContext, cli, pass_app
from monitor.commands._common import emit, known_lists, output_file
from monitor.dates import parse_user_datetime
from monitor.errors import ConfigError

FORMATS = ("text", "json", "csv")


def moment_of(value: str) -> datetime:
    """A date means the end of that UTC day (everything observed on it counts); a date-time
    is taken as given."""
    moment = parse_user_datetime(value, "DATE")
    if "T" in value or " " in value.strip():
        return moment
    return datetime.combine(moment.date() + timedelta(days=1), time.min, moment.tzinfo) - (
        timedelta(microseconds=1)
    )


@cli.command("as-of")
@click.argument("date")
@click.option("--list", "lists", multiple=True, help="Only these lists (repeatable).")
@click.option("--query", help="Answer 'was an entry matching this name or key on the list?'.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    help="Export: csv (default) or json. Question: text (default) or json.",
)
@output_file
@pass_app
def as_of_command(
    app: AppContext,
    date: str,
    lists: tuple[str, ...],
    query: str | None,
    output_format: str | None,
    output: Path | None,
) -> None:
    """The state of a list on DATE, with the snapshot it comes from; or, with --query,
    whether an entry was on it then (yes, no, or unknown when the archive is younger).

    \b
    Example:
      watchlist-monitor as-of 2021-12-15 --list us-ofac-sdn --format csv --output sdn-2021-12-15.csv
      watchlist-monitor as-of 2021-12-01 --query "SENSETIME"
    """
    from monitor.reports.asof import answer, state_as_of, state_csv
    from monitor.reports.environment import make_environment, render

    environment = make_environment(app.config.templates)
    lists = known_lists(app, lists)
    moment = moment_of(date)
    with app.store.read() as connection:
        if query:
            if output_format == "csv":
                raise ConfigError("--query answers in text or json, not csv")
            result = answer(connection, query, lists, moment, date)
        else:
            if output_format == "text":
                raise ConfigError("an export is csv or json; add --query to ask about one entry")
            result = state_as_of(connection, lists, moment)
    if output_format == "json":
        emit(json.dumps(result, indent=2, ensure_ascii=False) + "\n", output)
    elif query:
        emit(render(environment, "asof.txt.j2", {"answer": result}), output)
    else:
        emit(state_csv(result), output)
