"""Fetching a list's source into local files, ready for the pipeline.

Government downloads are flaky: timeouts, connections reset, truncated
bodies, HTML error pages served with status 200, whole sites offline for
hours. A download is retried with backoff, checked whole (Content-Length, a
size limit, not empty, not HTML) and only then renamed into place; anything
else is a :class:`FetchError` and the stored state is left as it was. ETag
and Last-Modified from the last good download make the next request
conditional, so an unchanged list costs one 304.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote

import httpx

from monitor.archive.write import safe_file_name
from monitor.config import FetchSettings, ListConfig
from monitor.errors import FetchAborted, FetchError, InputError, Retryable
from monitor.fetch.urls import shown_url
from monitor.store.list_state import ListState

log = logging.getLogger(__name__)

USER_AGENT = "watchlist-monitor (sanctions list change tracker)"
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
CHUNK = 1 << 16
# The longest Retry-After a check waits for; a longer one is left to the next scheduled check.
MAX_RETRY_AFTER = 300.0
T = TypeVar("T")

# httpx logs every request's full URL at INFO; a source URL may carry a key.
for _name in ("httpx", "httpcore"):
    logging.getLogger(_name).setLevel(logging.WARNING)


@dataclass(frozen=True, kw_only=True)
class Download:
    """One new version of a list on local disk, and what to remember once it is ingested."""

    paths: tuple[Path, ...]
    source_uri: str
    observed_at: datetime
    remember: dict[str, Any] = field(default_factory=dict)
    entry: str = ""


def fetch_http(
    list_config: ListConfig,
    state: ListState,
    *,
    workdir: Path,
    now: datetime,
    stop: threading.Event | None = None,
) -> Download | None:
    """Download the list (None when the server says 304 Not Modified)."""
    url = list_config.sources[0]
    settings = list_config.fetch
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip"}
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified

    def attempt() -> Download | None:
        return _download(url, headers, settings, workdir=workdir, now=now, stop=stop)

    return with_retries(attempt, settings, list_id=list_config.id, stop=stop)


def fetch_http_set(
    list_config: ListConfig,
    state: ListState,
    *,
    workdir: Path,
    now: datetime,
    stop: threading.Event | None = None,
) -> Download | None:
    """Download every file of a multi-file source as one version (None: all answered 304).

    Each file is asked with its own remembered ETag / Last-Modified. When some
    changed, the files that answered 304 are downloaded again, unconditionally:
    a version is the set of files as the server had it at this check, not a mix
    with older copies (the archive of the last applied version may not hold what
    the server's 304 referred to: the last fetched version may have been
    quarantined, rejected or recorded as unchanged). OFAC regenerates its files
    together, so this costs little. Any file failing fails the whole version.
    """
    settings = list_config.fetch
    known = file_validators(state)
    fetched: dict[str, Download | None] = {}
    for url in list_config.sources:
        etag, modified = known.get(shown_url(url), (None, None))
        fetched[url] = _fetch_one(url, settings, etag, modified, list_config.id, workdir, now, stop)
    if all(found is None for found in fetched.values()):
        return None
    for url, found in fetched.items():
        if found is None:
            fetched[url] = _fetch_one(url, settings, None, None, list_config.id, workdir, now, stop)
    downloads = [found for found in fetched.values() if found is not None]
    paths = tuple(d.paths[0] for d in downloads)
    if len({path.name.lower() for path in paths}) < len(paths):
        names = ", ".join(path.name for path in paths)
        raise FetchError(
            f"list {list_config.id}: the files of the source arrived under the same name "
            f"({names}); each file of a version needs its own name"
        )
    remember = {
        "etag": json.dumps({d.source_uri: d.remember.get("etag") for d in downloads}),
        "last_modified": json.dumps(
            {d.source_uri: d.remember.get("last_modified") for d in downloads}
        ),
    }
    return Download(
        paths=paths,
        source_uri=" ".join(d.source_uri for d in downloads),
        observed_at=now,
        remember=remember,
    )


def _fetch_one(
    url: str,
    settings: FetchSettings,
    etag: str | None,
    modified: str | None,
    list_id: str,
    workdir: Path,
    now: datetime,
    stop: threading.Event | None,
) -> Download | None:
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip"}
    if etag:
        headers["If-None-Match"] = etag
    if modified:
        headers["If-Modified-Since"] = modified

    def attempt() -> Download | None:
        return _download(
            url, headers, settings, workdir=workdir, now=now, stop=stop, allow_empty=True
        )

    return with_retries(attempt, settings, list_id=list_id, stop=stop)


def file_validators(state: ListState) -> dict[str, tuple[str | None, str | None]]:
    """Per file of a multi-file source (by its shown URL): the ETag and Last-Modified to send.

    They are kept as JSON objects in the list's ``etag`` and ``last_modified``
    columns (no schema change); a plain value left by a single-file source
    means nothing is known per file, so every file is asked unconditionally.
    """
    etags, modified = _json_object(state.etag), _json_object(state.last_modified)
    return {url: (_text(etags.get(url)), _text(modified.get(url))) for url in {*etags, *modified}}


def _json_object(value: str | None) -> dict[str, Any]:
    try:
        data = json.loads(value or "")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def with_retries(
    attempt: Callable[[], T],
    settings: FetchSettings,
    *,
    list_id: str,
    stop: threading.Event | None,
) -> T:
    """Run ``attempt``; a Retryable failure is tried again after 1, 2, 4... retry delays.

    A server's Retry-After is honoured when it asks for a longer pause; one
    longer than MAX_RETRY_AFTER ends this check (the next scheduled one tries
    again) rather than holding a worker for it.
    """
    for number in range(settings.retries + 1):
        try:
            return attempt()
        except Retryable as exc:
            if number >= settings.retries:
                tries = f"{number + 1} attempt" + ("s" if number else "")
                raise FetchError(f"{exc} ({tries})") from None
            delay = settings.retry_delay.total_seconds() * 2**number
            if exc.after is not None and exc.after > MAX_RETRY_AFTER:
                raise FetchError(
                    f"{exc}; the server asks to retry after {exc.after:.0f}s, left to the "
                    "next scheduled check"
                ) from None
            delay = max(delay, exc.after or 0.0)
            log.warning(
                "list %s: download attempt %s of %s failed: %s; trying again in %.1fs",
                list_id,
                number + 1,
                settings.retries + 1,
                exc,
                delay,
                extra={"list": list_id, "attempt": number + 1, "retry_in": delay},
            )
            if _pause(delay, stop):
                raise FetchAborted(f"stopping: download abandoned ({exc})") from None
    raise AssertionError("unreachable")


def _pause(seconds: float, stop: threading.Event | None) -> bool:
    """Sleep; True when the service is stopping."""
    if stop is None:
        time.sleep(seconds)
        return False
    return stop.wait(seconds)


def _download(
    url: str,
    headers: dict[str, str],
    settings: FetchSettings,
    *,
    workdir: Path,
    now: datetime,
    stop: threading.Event | None,
    allow_empty: bool = False,
) -> Download | None:
    """One GET; ``allow_empty`` for a file of a set (OFAC's comments file is empty when no
    remarks overflow; the pipeline rejects a set whose entries file is empty)."""
    where = shown_url(url)
    timeout = settings.timeout.total_seconds()
    try:
        with (
            httpx.Client(timeout=timeout, follow_redirects=True) as client,
            client.stream("GET", url, headers=headers) as response,
        ):
            if response.status_code == 304:
                return None
            _check_status(response, where)
            target = workdir / _file_name(response.url)
            _save(response, target, settings.max_size, where, stop, allow_empty=allow_empty)
            remember = {
                "etag": response.headers.get("etag"),
                "last_modified": response.headers.get("last-modified"),
            }
    except httpx.TimeoutException:
        raise Retryable(f"{where}: no answer within {timeout:g}s") from None
    except httpx.TransportError as exc:
        raise Retryable(f"{where}: connection failed ({type(exc).__name__}: {exc})") from None
    return Download(paths=(target,), source_uri=where, observed_at=now, remember=remember)


def _check_status(response: httpx.Response, where: str) -> None:
    code = response.status_code
    if code in RETRY_STATUSES:
        after = retry_after(response.headers.get("retry-after"), now=datetime.now(UTC))
        raise Retryable(f"{where}: HTTP {code} {response.reason_phrase}", after=after)
    if not 200 <= code < 300:
        raise FetchError(f"{where}: HTTP {code} {response.reason_phrase}")
    encoding = response.headers.get("content-encoding", "identity").lower()
    if encoding not in ("identity", "gzip"):
        raise FetchError(f"{where}: unsupported Content-Encoding {encoding!r}")


def retry_after(value: str | None, *, now: datetime) -> float | None:
    """Seconds from a Retry-After header: a number of seconds or an HTTP date (RFC 9110)."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - now).total_seconds())


def _file_name(url: httpx.URL) -> str:
    """The original file name from the URL, as the archive keeps it."""
    name = unquote(url.path.rsplit("/", 1)[-1])
    try:
        return safe_file_name(name)
    except InputError:
        return "download"


def _declared_length(response: httpx.Response) -> int | None:
    value = response.headers.get("content-length")
    return int(value) if value and value.isdigit() else None


def _save(
    response: httpx.Response,
    target: Path,
    max_size: int,
    where: str,
    stop: threading.Event | None,
    *,
    allow_empty: bool = False,
) -> None:
    """Stream the body to ``target`` atomically, after checking it is whole and plausible."""
    declared = _declared_length(response)
    if declared is not None and declared > max_size:
        raise FetchError(f"{where}: {declared} bytes announced, more than the limit {max_size}")
    partial = target.with_name(target.name + ".part")
    written = 0
    head = b""
    with partial.open("wb") as out:
        for chunk in response.iter_bytes(CHUNK):
            if stop is not None and stop.is_set():
                raise FetchAborted(f"{where}: stopping: download abandoned")
            written += len(chunk)
            if written > max_size:
                raise FetchError(f"{where}: the body exceeds the size limit of {max_size} bytes")
            if len(head) < 1024:
                head += chunk[: 1024 - len(head)]
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    _check_body(response, declared, written, head, where, allow_empty=allow_empty)
    os.replace(partial, target)


def _check_body(
    response: httpx.Response,
    declared: int | None,
    written: int,
    head: bytes,
    where: str,
    *,
    allow_empty: bool = False,
) -> None:
    received = response.num_bytes_downloaded
    if declared is not None and received != declared:
        raise Retryable(f"{where}: truncated body: {received} of {declared} bytes received")
    if written == 0 and not allow_empty:
        raise Retryable(f"{where}: empty body (0 bytes)")
    if looks_like_html(head):
        kind = response.headers.get("content-type", "unknown type")
        raise FetchError(
            f"{where}: the server sent an HTML page ({kind}, HTTP {response.status_code}) "
            "instead of the list"
        )


def looks_like_html(head: bytes) -> bool:
    """An error or maintenance page where a list was expected."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<!doctype html", b"<html")) or b"<html" in text[:512]
