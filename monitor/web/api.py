"""``/api/v1``: the JSON the commands print (``--format json``), over HTTP."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse

from monitor.web.responses import json_answer, page
from monitor.web.services import ReportFilters, Services

router = APIRouter(prefix="/api/v1", tags=["api"])

Limit = Annotated[int | None, Query(description="Page size (default: everything).")]
Offset = Annotated[int, Query(description="How many items to skip.")]


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


@router.get("/report")
def report(
    request: Request,
    since: Annotated[str | None, Query(description="First day (ISO date).")] = None,
    until: Annotated[str | None, Query(description="Last day, included.")] = None,
    lists: Annotated[list[str] | None, Query(alias="list", description="Repeatable.")] = None,
    source: Annotated[str, Query(description="Inner list name contains this.")] = "",
    kind: Annotated[str | None, Query(description="Comma-separated event kinds.")] = None,
    date: Annotated[str, Query(description="effective or observed.")] = "effective",
    by: Annotated[str, Query(description="How sections are grouped.")] = "list",
    include_baseline: bool = False,
    limit: Limit = None,
    offset: Offset = 0,
) -> Response:
    """``report --format json`` for the same filters (events paginated)."""
    from monitor.reports.output import public_json

    filters = ReportFilters.from_query(
        since, until, lists, source, kind, date, by, include_baseline
    )
    data = public_json(services(request).report(filters))
    headers: dict[str, str] = {}
    data["events"] = page(request, headers, data["events"], limit, offset)
    return json_answer(request, data, headers)


@router.get("/entities/{list_id}/{key}")
def entity(request: Request, list_id: str, key: str) -> Response:
    """``history KEY --list LIST --format json``, for that entry (and its earlier keys)."""
    history = services(request).history(list_id, key)
    return json_answer(request, history["entries"])


@router.get("/search")
def search(
    request: Request,
    q: Annotated[str, Query(description="A name, alias, identifier or key.")] = "",
    limit: Limit = None,
    offset: Offset = 0,
) -> Response:
    """Entries across lists whose folded name, alias, identifier or key match, with status."""
    headers: dict[str, str] = {}
    results = page(request, headers, services(request).search(q), limit, offset)
    return json_answer(request, {"results": results}, headers)


@router.get("/as-of")
def as_of(
    request: Request,
    date: Annotated[str, Query(description="A day (its end) or a date-time, UTC.")],
    lists: Annotated[list[str] | None, Query(alias="list")] = None,
    q: Annotated[str, Query(description="Was an entry matching this on the list?")] = "",
) -> Response:
    """``as-of DATE [--list L] [--query Q] --format json``."""
    return json_answer(request, services(request).as_of(date, tuple(lists or ()), q))


@router.get("/alerts")
def alerts(
    request: Request,
    since: str | None = None,
    watchlist: str | None = None,
    limit: Limit = None,
    offset: Offset = 0,
) -> Response:
    """``alerts --format json``."""
    headers: dict[str, str] = {}
    found = page(request, headers, services(request).alerts(since, watchlist), limit, offset)
    return json_answer(request, found, headers)


@router.get("/lists")
def lists(request: Request, limit: Limit = None, offset: Offset = 0) -> Response:
    """``lists --format json``."""
    headers: dict[str, str] = {}
    return json_answer(
        request, page(request, headers, services(request).lists(), limit, offset), headers
    )


@router.get("/status")
def status(request: Request) -> Response:
    """``status --format json``."""
    data: dict[str, Any] = services(request).status()
    return json_answer(request, data)


@router.get("/snapshots/{sha256}")
def snapshot(request: Request, sha256: str) -> Response:
    """A snapshot as evidence: its files, each with its sha256 and a download URL."""
    return json_answer(request, services(request).snapshot(sha256))


@router.get("/snapshots/{sha256}/files/{name}")
def snapshot_file(request: Request, sha256: str, name: str) -> Response:
    """The archived file as published (decompressed): its sha256 is the one listed."""
    from monitor.files import SourceFile

    path = services(request).snapshot_file(sha256, name)
    source = SourceFile(path=path, name=name)
    return StreamingResponse(
        source.iter_chunks(),
        media_type="application/octet-stream",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{_quoted(name)}"},
    )


def _quoted(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")
