"""The web app and JSON API: ``serve``."""

from __future__ import annotations

import click

from monitor.cli import AppContext, cli, pass_app


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True)
@pass_app
def serve_command(app: AppContext, host: str, port: int) -> None:
    """Serve the dashboard, the pages and the JSON API (/api/v1, /docs) over HTTP.

    It listens on 127.0.0.1 unless told otherwise; with web.token in the configuration
    every request needs it, and approving or rejecting a held version always does.

    \b
    Example:
      watchlist-monitor serve
      watchlist-monitor serve --host 0.0.0.0 --port 8000
    """
    from monitor.web.app import create_app
    from monitor.web.serving import WebServer

    server = WebServer.bind(create_app(app.store, app.config), host, port)
    click.echo(f"serving on {server.address} (Ctrl-C stops)", err=True)
    server.run()
