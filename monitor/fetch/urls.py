"""Source URLs as they may be shown: without credentials or query values.

Apart from :mod:`monitor.fetch.download` so that ``status``, which shows
sources, does not import the HTTP client.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def shown_url(url: str) -> str:
    """The URL without credentials or query values, safe for logs and the database."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    query = "..." if parts.query else ""
    return urlunsplit((parts.scheme, host, parts.path, query, ""))
