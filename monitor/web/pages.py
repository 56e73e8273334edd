"""Server-rendered pages: the same report model and Jinja environment as the CLI, escaped."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from monitor.errors import ConfigError
from monitor.kinds import DATE_CLOCKS
from monitor.web.api import services
from monitor.web.services import ReportFilters, split_lists

router = APIRouter(tags=["pages"], include_in_schema=False)
CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"
EXPORTS = {"csv": "text/csv", "markdown": "text/markdown", "atom": "application/atom+xml"}
EXPORTS |= {"html": "text/html", "text": "text/plain"}


def page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    from monitor.reports.environment import render
    from monitor.reports.output import markup_environment

    text = render(markup_environment(services(request).environment), name, context)
    return HTMLResponse(text, status_code=status, headers={"Content-Security-Policy": CSP})


@router.get("/")
def dashboard(request: Request) -> Response:
    """Each list's health, the chart of every change, the headlines of the latest month.

    The chart and the headlines are made again only when a version was applied: on the
    whole SDN history they were most of the page's time."""
    from monitor.web.chart import dashboard_chart

    found = services(request)
    status = found.status()

    def chart() -> dict[str, Any]:
        with found.store.read() as connection:
            return dashboard_chart(connection, found.config.timezone)

    changed = [item["last_change"] for item in status["lists"] if item["last_change"]]
    report, query = None, ""
    if changed:
        day = max(changed)[:10]
        filters = ReportFilters(since=day[:8] + "01", until=day, date="observed")
        report = found.for_state(f"headlines {day}", lambda: found.report(filters))
        query = filters.query_string()
    context = {
        "status": status,
        "report": report,
        "query": query,
        "chart": found.for_state("chart", chart),
    }
    return page(request, "web_dashboard.html.j2", context)


@router.get("/changes")
def changes(
    request: Request,
    since: str | None = None,
    until: str | None = None,
    lists: Annotated[list[str] | None, Query(alias="list")] = None,
    source: str = "",
    kind: str | None = None,
    date: str = "effective",
    by: str = "list",
) -> Response:
    """The digest of a period, with links to each entity and to the same query as files."""
    filters = ReportFilters.from_query(since, until, lists, source, kind, date, by)
    if filters.since is None and filters.until is None:
        today = services(request).now().date()
        filters = ReportFilters(
            since=(today - timedelta(days=30)).isoformat(),
            lists=filters.lists,
            source=filters.source,
            kind=filters.kind,
            date=filters.date,
            by=filters.by,
        )
    report = services(request).report(filters)
    context = {
        "report": report,
        "filters": filters,
        "query": filters.query_string(),
        "clocks": DATE_CLOCKS,
    }
    return page(request, "web_changes.html.j2", context)


@router.get("/changes/export/{output_format}")
def export(
    request: Request,
    output_format: str,
    since: str | None = None,
    until: str | None = None,
    lists: Annotated[list[str] | None, Query(alias="list")] = None,
    source: str = "",
    kind: str | None = None,
    date: str = "effective",
    by: str = "list",
) -> Response:
    """The same digest as ``report --format csv|markdown|atom|html|text``."""
    from monitor.reports.output import render_report

    if output_format not in EXPORTS:
        raise ConfigError(f"format: {output_format!r} is not one of {', '.join(EXPORTS)}")
    found = services(request)
    report = found.report(ReportFilters.from_query(since, until, lists, source, kind, date, by))
    text = render_report(found.environment, report, output_format)
    headers = {"Content-Security-Policy": CSP} if output_format == "html" else {}
    return Response(text, media_type=EXPORTS[output_format], headers=headers)


@router.get("/entities/{list_id}/{key}")
def entity(request: Request, list_id: str, key: str) -> Response:
    """The entry's timeline, each step linked to the archived files it was read from."""
    found = services(request)
    history = found.history(list_id, key)
    shas = {step["snapshot"]["sha256"] for e in history["entries"] for step in e["steps"]}
    evidence = {sha: found.snapshot(sha)["files"] for sha in sorted(shas) if sha}
    return page(request, "web_entity.html.j2", {"history": history, "evidence": evidence})


@router.get("/search")
def search(request: Request, q: str = "") -> Response:
    results = services(request).search(q) if q.strip() else []
    return page(request, "web_search.html.j2", {"q": q, "results": results})


@router.get("/as-of")
def as_of(
    request: Request,
    date: str = "",
    lists: Annotated[list[str] | None, Query(alias="list")] = None,
    q: str = "",
) -> Response:
    wanted = split_lists(lists)
    result = services(request).as_of(date, wanted, q.strip()) if date.strip() else None
    context = {"day": date, "lists": wanted, "q": q, "result": result}
    return page(request, "web_asof.html.j2", context)


@router.get("/alerts")
def alerts(request: Request, since: str | None = None) -> Response:
    return page(request, "web_alerts.html.j2", {"alerts": services(request).alerts(since, None)})


# --- quarantine: the only pages that change anything ---


def csrf_token(token: str) -> str:
    """The form token: derived from web.token, so only a page this server rendered has it."""
    return hmac.new(token.encode(), b"watchlist-monitor csrf", hashlib.sha256).hexdigest()


@router.get("/quarantine")
def quarantine_page(request: Request, message: str = "") -> Response:
    found = services(request)
    held = found.held()
    token = found.config.web.secret()
    context = {
        "held": held,
        "can_decide": bool(token),
        "csrf": csrf_token(token) if token else "",
        "message": message,
    }
    return page(request, "web_quarantine.html.j2", context)


def _allowed(request: Request, csrf: str, who: str) -> str | None:
    """Why a decision is refused, or None. The token itself was checked by the app's guard
    (every request needs it once it is set); here: it is set, the form came from us, a name."""
    token = services(request).config.web.secret()
    if not token:
        return "approving or rejecting from the web needs web.token in the configuration"
    if not hmac.compare_digest(csrf, csrf_token(token)):
        return "the form's CSRF token is missing or wrong: reload the quarantine page"
    if not who.strip():
        return "say who decides (the 'who' field): it is recorded in the archive"
    return None


@router.post("/quarantine/{snapshot_id}/approve")
def approve(
    request: Request,
    snapshot_id: int,
    csrf: Annotated[str, Form()] = "",
    who: Annotated[str, Form()] = "",
) -> Response:
    from monitor.service import quarantine

    refused = _allowed(request, csrf, who)
    if refused:
        return _refused(request, refused)
    found = services(request)
    results = quarantine.approve(
        found.store, found.config, snapshot_id, now=found.now(), by=who.strip()
    )
    lines = "; ".join(r.summary_line() for r in results)
    return _done(f"snapshot {snapshot_id} approved by {who.strip()}: {lines}")


@router.post("/quarantine/{snapshot_id}/reject")
def reject(
    request: Request,
    snapshot_id: int,
    csrf: Annotated[str, Form()] = "",
    who: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    from monitor.service import quarantine

    refused = _allowed(request, csrf, who)
    if refused:
        return _refused(request, refused)
    found = services(request)
    now = found.now()
    held = quarantine.reject(found.store, snapshot_id, now=now, reason=reason, by=who.strip())
    quarantine.recheck_waiting(found.store, found.config, held, now=now)
    return _done(f"snapshot {held.id} ({held.list_id}): {held.message}")


def _refused(request: Request, reason: str) -> Response:
    from fastapi.responses import JSONResponse

    return JSONResponse({"error": reason}, status_code=403)


def _done(message: str) -> Response:
    from urllib.parse import urlencode

    return RedirectResponse("/quarantine?" + urlencode({"message": message}), status_code=303)
