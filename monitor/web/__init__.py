"""The web app and JSON API (``watchlist-monitor serve``): the CLI's answers over HTTP.

Every route answers from the same code the commands use (report model, history,
as-of, alerts, status, quarantine) and renders through the one Jinja environment;
nothing here re-implements a question. :func:`monitor.web.app.create_app` builds it.
"""
