"""Commands for snapshots held back by the safety rails: list, approve, reject."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from monitor.cli import AppContext, cli, pass_app
from monitor.commands._common import dumps, known_lists, text_or_json

if TYPE_CHECKING:
    from monitor.ingest.pipeline import IngestResult


@cli.group("quarantine")
def quarantine_group() -> None:
    """Snapshots that would delist (or list) too much at once, waiting for a decision.

    \b
    Example:
      watchlist-monitor quarantine list
      watchlist-monitor quarantine approve 42
      watchlist-monitor quarantine reject 42 --reason "truncated download"
    """


@quarantine_group.command("list")
@click.option("--list", "list_id", help="Only this list.")
@text_or_json
@pass_app
def list_command(app: AppContext, list_id: str | None, output_format: str) -> None:
    """Every quarantined snapshot with its id, list, date, size and reason.

    \b
    Example:
      watchlist-monitor quarantine list --list us-ofac-sdn --format json
    """
    from monitor.service import quarantine

    if list_id is not None:
        known_lists(app, [list_id])
    with app.store.read() as connection:
        held = quarantine.pending(connection, list_id)
    if output_format == "json":
        click.echo(dumps([h.as_dict() for h in held]))
        return
    if not held:
        click.echo("no quarantined snapshots")
    for item in held:
        entries = "?" if item.record_count is None else str(item.record_count)
        click.echo(
            f"{item.id:>6}  {item.list_id:<16} {item.as_dict()['observed_at']}  "
            f"{entries:>7} entries  {item.message}"
        )


@quarantine_group.command("approve")
@click.argument("snapshot", type=int)
@click.option("--reason", default="", help="Why (kept in the archive with the approval).")
@pass_app
def approve_command(app: AppContext, snapshot: int, reason: str) -> None:
    """Apply quarantined SNAPSHOT, then re-check the list's later quarantined snapshots in order.

    The approval is written into the snapshot's archive folder, so a replay of
    the archive applies it too.

    \b
    Example:
      watchlist-monitor quarantine approve 42 --reason "OFAC delisted them (recent actions)"
    """
    from monitor.service import quarantine

    results = quarantine.approve(
        app.store, app.config, snapshot, now=app.now, progress=_progress, reason=reason
    )
    if results and results[0].failed:
        sys.exit(1)


@quarantine_group.command("reject")
@click.argument("snapshot", type=int)
@click.option("--reason", default="", help="Why (kept with the snapshot).")
@pass_app
def reject_command(app: AppContext, snapshot: int, reason: str) -> None:
    """Reject quarantined SNAPSHOT for good; its files stay in the archive as evidence.

    \b
    Example:
      watchlist-monitor quarantine reject 42 --reason "half the file was missing"
    """
    from monitor.service import quarantine

    held = quarantine.reject(app.store, snapshot, now=app.now, reason=reason)
    click.echo(f"snapshot {held.id} ({held.list_id}): {held.message}")
    quarantine.recheck_waiting(app.store, app.config, held, now=app.now, progress=_progress)


def _progress(result: IngestResult, done: int, total: int) -> None:
    """Each result of a cascade as it comes, so that a long one shows it moves."""
    prefix = f"[{done}/{total}] " if total > 1 else ""
    stream = sys.stderr if result.failed else sys.stdout
    click.echo(prefix + result.summary_line(), file=stream)
