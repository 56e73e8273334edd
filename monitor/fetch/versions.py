"""What is new at a list's source: the one question a check asks before ingesting.

A source is a URL (fetched with conditional requests), a single local file
(taken when it changes) or a drop folder (each settled new file is one
version), or several URLs or files that together form one version (OFAC's
sdn.csv, add.csv, alt.csv and sdn_comments.csv); the answer is the same list
of downloads whatever the source.
"""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path

from monitor.config import ListConfig, source_kind
from monitor.errors import FetchError
from monitor.fetch import poll
from monitor.fetch.download import Download, fetch_http, fetch_http_set
from monitor.store.list_state import ListState


def new_versions(
    list_config: ListConfig,
    state: ListState,
    *,
    workdir: Path,
    now: datetime,
    stop: threading.Event | None = None,
) -> list[Download]:
    """The versions of the list's source not seen yet (usually none, or one)."""
    sources = list_config.sources
    if not sources:
        raise FetchError(f"list {list_config.id} has no source to fetch")
    if len(sources) > 1:
        if source_kind(sources[0]) == "http":
            found = fetch_http_set(list_config, state, workdir=workdir, now=now, stop=stop)
        else:
            paths = [Path(source).expanduser() for source in sources]
            found = poll.poll_files(paths, state, workdir=workdir, now=now)
        return [found] if found else []
    source = sources[0]
    if source_kind(source) == "http":
        found = fetch_http(list_config, state, workdir=workdir, now=now, stop=stop)
        return [found] if found else []
    path = Path(source).expanduser()
    if path.is_dir():
        return poll.poll_folder(path, state, settle=list_config.fetch.settle, now=now)
    found = poll.poll_file(path, state, workdir=workdir, now=now)
    return [found] if found else []
