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


@db_group.command("relink-subjects")
@pass_app
def db_relink_subjects_command(app: AppContext) -> None:
    """Rebuild every subject from the stored versions, with the configuration's
    subjects.never_link and always_link (after adding a correction, or after the upgrade
    that introduced subjects to a database holding history).

    \b
    Example:
      watchlist-monitor db relink-subjects
    """
    from monitor.subjects.linking import relink

    with app.store.engine.begin() as connection:
        count = relink(connection, app.config.subjects)
    click.echo(f"subjects: {count} linked from the stored versions")
