"""Commands that read the change log: period digests, run reports and entry histories."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from monitor.cli import AppContext, cli, pass_app
from monitor.commands._common import emit, known_lists, optional_date, output_file, period
from monitor.errors import ConfigError
from monitor.kinds import DATE_CLOCKS, GROUPINGS, HISTORY_FORMATS, PERIODS, REPORT_FORMATS
from monitor.kinds import EVENT_KINDS as KINDS

if TYPE_CHECKING:
    from monitor.reports.document import Report


@cli.command("report")
@click.option("--list", "lists", multiple=True, help="Only these lists (repeatable).")
@click.option("--source", default="", help="Only the inner list whose name contains this text.")
@click.option("--since", help="First day of the period (ISO date).")
@click.option("--until", help="Last day of the period, included (ISO date).")
@click.option("--period", type=click.Choice(PERIODS), help="A digest of one day, week or month.")
@click.option("--on", "anchor", help="A day inside that period (default: the last complete one).")
@click.option("--snapshot", help="Report what one check found: a sha256 prefix, or 'latest'.")
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
    "--by",
    type=click.Choice(GROUPINGS),
    default="list",
    show_default=True,
    help="How the sections of the report are grouped.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(REPORT_FORMATS),
    default="text",
    show_default=True,
)
@output_file
@pass_app
def report_command(app: AppContext, /, **options: Any) -> None:
    """Report the changes of a period (a digest), or what one check found.

    \b
    Example:
      watchlist-monitor report --since 2021-12-01 --until 2021-12-31 --format html --output dec.html
      watchlist-monitor report --period month --on 2021-11-01 --list us-csl --source "Entity List"
      watchlist-monitor report --snapshot latest --list us-ofac-sdn --format markdown
    """
    from monitor.reports.environment import make_environment
    from monitor.reports.output import render_report

    environment = make_environment(app.config.templates)
    options["lists"] = known_lists(app, options["lists"])
    report = _run_report(app, options) if options["snapshot"] else digest_report(app, options)
    emit(render_report(environment, report, options["output_format"]), options["output"])


def _kinds(text: str | None) -> list[str]:

    kinds = [k.strip() for k in text.split(",") if k.strip()] if text else []
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise ConfigError(f"--kind: unknown kind {unknown[0]!r}; valid kinds: {', '.join(KINDS)}")
    return kinds


def _bounds(app: AppContext, options: dict[str, Any]) -> tuple[date | None, date | None]:
    """--since/--until, or the day, week or month of --period (--on, else the last one)."""
    from monitor.reports.periods import period_bounds, previous_period

    since, until = period(options["since"], options["until"])
    if options["period"] is None:
        if options["anchor"]:
            raise ConfigError("--on needs --period day, week or month")
        return since, until
    if since or until:
        raise ConfigError("--period cannot be combined with --since or --until")
    anchor = optional_date(options["anchor"], "--on")
    if anchor is not None:
        return period_bounds(options["period"], anchor)
    from zoneinfo import ZoneInfo

    today = app.now.astimezone(ZoneInfo(app.config.timezone)).date()
    return previous_period(options["period"], today)


def digest_report(app: AppContext, options: dict[str, Any]) -> Report:
    """The digest the report command's options ask for (the web API asks for the same)."""
    from monitor.reports.model import build_report
    from monitor.store.queries import EventQuery, find_events

    since, until = _bounds(app, options)
    query = EventQuery(
        lists=options["lists"],
        since=since,
        until=until,
        clock=options["clock"],
        kinds=_kinds(options["kinds"]),
        include_baseline=options["include_baseline"],
        timezone=app.config.timezone,
    )
    with app.store.read() as connection:
        events = _from_source(find_events(connection, query), options["source"])
    return build_report(events, query, app.now, by=options["by"], source=options["source"])


def _from_source(events: list[dict[str, Any]], source: str) -> list[dict[str, Any]]:
    if not source:
        return events
    wanted = source.casefold()
    return [e for e in events if wanted in (e.get("source_list") or "").casefold()]


def _run_report(app: AppContext, options: dict[str, Any]) -> Report:
    from monitor.reports.model import build_run_report
    from monitor.store.queries import find_snapshot, snapshot_events
    from monitor.watchlists.alerts import find_alerts

    if options["since"] or options["until"] or options["period"]:
        raise ConfigError("--snapshot reports one check: drop --since, --until and --period")
    ref = options["snapshot"].strip().lower()
    if ref == "latest" and len(options["lists"]) != 1:
        raise ConfigError("--snapshot latest needs exactly one --list")
    if ref != "latest" and (len(ref) < 8 or any(c not in "0123456789abcdef" for c in ref)):
        raise ConfigError(
            f"--snapshot: {ref!r} is not 'latest' or a sha256 prefix of at least 8 hex digits"
        )
    kinds = _kinds(options["kinds"])
    with app.store.read() as connection:
        snapshot = find_snapshot(connection, ref, options["lists"])
        if snapshot is None:
            raise ConfigError(f"--snapshot: no snapshot matches {ref!r}")
        events = snapshot_events(connection, snapshot["id"])
        raised = [a.to_json() for a in find_alerts(connection, snapshot_id=snapshot["id"])]
    events = [e for e in _from_source(events, options["source"]) if not kinds or e["kind"] in kinds]
    return build_run_report(events, snapshot, app.now, alerts=raised, by=options["by"])


@cli.command("history")
@click.argument("query")
@click.option("--list", "lists", multiple=True, help="Only these lists (repeatable).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(HISTORY_FORMATS),
    default="text",
    show_default=True,
)
@output_file
@pass_app
def history_command(
    app: AppContext, query: str, lists: tuple[str, ...], output_format: str, output: Path | None
) -> None:
    """Every version of every entry whose key is QUERY or whose name contains it, told by
    subject: one real-world party with its entries on every list.

    Each step cites the snapshot (sha256, archive file, observation time) it was read from.

    \b
    Example:
      watchlist-monitor history "SENSETIME"
      watchlist-monitor history 36 --list us-ofac-sdn --format json
    """
    from monitor.reports.environment import make_environment
    from monitor.reports.history import build_history, history_pairs
    from monitor.reports.output import render_history
    from monitor.store.queries import entry_history, entry_versions, events_of
    from monitor.subjects.views import subjects_of

    environment = make_environment(app.config.templates)
    wanted = known_lists(app, lists)
    with app.store.read() as connection:
        events = entry_history(connection, query, wanted)
        linked = subjects_of(connection, history_pairs(events))
        # every entry of the subjects found, on every list (or the lists asked for)
        pairs = set(history_pairs(events)) | {
            (m.list_id, m.key)
            for group in linked[1].values()
            for m in group
            if not wanted or m.list_id in wanted
        }
        events = events_of(connection, pairs)
        versions = entry_versions(connection, history_pairs(events))
    history = build_history(query, events, versions, app.now, linked)
    emit(render_history(environment, history, output_format), output)
