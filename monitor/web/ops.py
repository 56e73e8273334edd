"""Operations: liveness, readiness (the database answers), Prometheus metrics, the Atom feed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from monitor.web.api import services

router = APIRouter(tags=["operations"])
PREFIX = "watchlist_monitor_"


@router.get("/healthz")
def healthz() -> Response:
    """The process answers."""
    return JSONResponse({"status": "ok"})


@router.get("/readyz")
def readyz(request: Request) -> Response:
    """The database answers a query (503 with the reason when it does not)."""
    from sqlalchemy import text

    from monitor.errors import StoreError

    try:
        with services(request).store.read() as connection:
            connection.execute(text("SELECT 1"))
    except StoreError as exc:
        return JSONResponse({"status": "unavailable", "error": str(exc)}, status_code=503)
    return JSONResponse({"status": "ready"})


@router.get("/metrics")
def metrics(request: Request) -> Response:
    """Per list: last success and failure, consecutive failures, entries, quarantined versions;
    per channel: pending and failed deliveries (Prometheus text exposition)."""
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Gauge, generate_latest

    from monitor.store import list_state

    found = services(request)
    status = found.status()
    with found.store.read() as connection:
        states = list_state.load_all(connection)
    registry = CollectorRegistry()

    def gauge(name: str, doc: str, labels: tuple[str, ...]) -> Gauge:
        return Gauge(PREFIX + name, doc, labels, registry=registry)

    success = gauge("last_success_timestamp_seconds", "Last check that worked.", ("list",))
    failure = gauge("last_failure_timestamp_seconds", "Last check that failed.", ("list",))
    failures = gauge("consecutive_failures", "Failed checks in a row.", ("list",))
    entries = gauge("entries", "Current entries of the list.", ("list",))
    held = gauge("quarantined_versions", "Versions held for review.", ("list",))
    pending = gauge("deliveries_pending", "Reports waiting to be sent.", ("channel",))
    failed = gauge("deliveries_failed", "Reports a channel refused for good.", ("channel",))
    for item in status["lists"]:
        list_id = item["list"]
        state = states.get(list_id)
        if state is not None and state.last_ok_at is not None:
            success.labels(list_id).set(state.last_ok_at.timestamp())
        if state is not None and state.failures and state.last_check_at is not None:
            failure.labels(list_id).set(state.last_check_at.timestamp())
        failures.labels(list_id).set(item["failed_checks"])
        entries.labels(list_id).set(item["entries"])
        held.labels(list_id).set(len(item["quarantined"]))
    for channel in status["channels"]:
        pending.labels(channel["channel"]).set(channel["pending"])
        failed.labels(channel["channel"]).set(channel["failed"])
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


@router.get("/feed.atom")
def feed(
    request: Request,
    lists: Annotated[list[str] | None, Query(alias="list")] = None,
    limit: Annotated[int, Query(ge=1)] = 200,
) -> Response:
    """The ``feed`` command's Atom feed: the same entries and ids."""
    from monitor.commands.feeds import feed_text

    text = feed_text(services(request).context(), tuple(lists or ()), limit)
    return Response(text, media_type="application/atom+xml")
