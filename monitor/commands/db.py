"""Database maintenance commands."""

from __future__ import annotations

import click

from monitor.cli import AppContext, cli, pass_app


@cli.group("db")
def db_group() -> None:
    """Database maintenance.

    \b
    Example:
      watchlist-monitor db upgrade
    """


@db_group.command("upgrade")
@pass_app
def db_upgrade_command(app: AppContext) -> None:
    """Apply pending schema migrations (also done automatically at start).

    \b
    Example:
      watchlist-monitor --db postgresql://monitor@localhost/monitor db upgrade
    """
    from monitor.store.database import current_revision

    revision = current_revision(app.store.engine)
    click.echo(f"database schema at revision {revision}")
