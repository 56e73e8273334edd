"""The integrity check command."""

from __future__ import annotations

import sys

import click

from monitor.cli import AppContext, cli, pass_app
from monitor.commands._common import dumps, text_or_json


@cli.command("verify")
@click.option(
    "--files-only",
    is_flag=True,
    help="Only check the archived files' sha256 and the linking corrections (no replay).",
)
@text_or_json
@pass_app
def verify_command(app: AppContext, files_only: bool, output_format: str) -> None:
    """Check every archived file's sha256, and that the database equals a replay of the archive.

    The replay goes into a temporary SQLite database; each list's state, events and
    stored raw-unit fingerprints are compared; nothing is changed. Exit status 1 when
    anything differs.

    \b
    Example:
      watchlist-monitor verify
      watchlist-monitor verify --files-only --format json
    """
    from monitor.service.verify import verify

    report = verify(app.store, app.config, now=app.now, replay=not files_only)
    if output_format == "json":
        click.echo(dumps(report.as_dict()))
    else:
        for problem in report.problems:
            click.echo(problem.line(), err=True)
        compared = (
            ""
            if files_only
            else (
                f"; {len(report.lists_compared)} lists compared with a replay of "
                f"{report.versions_replayed} archived versions"
            )
        )
        verdict = "ok" if report.ok else f"{len(report.problems)} problems"
        click.echo(
            f"verify: {verdict}: {report.files_checked} files of "
            f"{report.snapshots_checked} snapshots checked{compared}"
        )
        if not report.ok:
            click.echo(f"verify: {REPAIR}", err=True)
    if not report.ok:
        sys.exit(1)


REPAIR = (
    "the archive is the truth: to rebuild the database from it, move the database aside "
    "(or point --db at a new one) and run 'watchlist-monitor replay', then "
    "'watchlist-monitor verify' again"
)
