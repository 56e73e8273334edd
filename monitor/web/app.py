"""The application factory: one FastAPI app over a Store, a Config and a clock."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from monitor import __version__
from monitor.config import Config
from monitor.errors import MonitorError, StoreError
from monitor.store.store import Store
from monitor.web.services import NotFound, Services

OPEN_PATHS = ("/healthz", "/readyz")


def _utc_now() -> datetime:
    return datetime.now(UTC)


def create_app(store: Store, config: Config, now: Callable[[], datetime] = _utc_now) -> FastAPI:
    """The app: API under ``/api/v1``, operations (health, metrics, feed), and the pages."""
    from monitor.web import api, ops, pages

    app = FastAPI(
        title="Watchlist Monitor",
        version=__version__,
        description="Changes to sanctions and export-control lists: the CLI's JSON over HTTP.",
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.services = Services.create(store, config, now)
    app.include_router(api.router)
    app.include_router(ops.router)
    app.include_router(pages.router)
    _errors(app)
    _security(app, config)
    return app


def _errors(app: FastAPI) -> None:
    """A refused question is a 4xx with the CLI's one-line message, never a stack trace."""

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(part) for part in first.get("loc", ())[1:]) or "request"
        return JSONResponse({"error": f"{where}: {first.get('msg', 'invalid')}"}, status_code=400)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return JSONResponse({"error": str(exc)}, status_code=404)

    @app.exception_handler(StoreError)
    async def store_down(request: Request, exc: StoreError) -> Response:
        return JSONResponse({"error": _one_line(str(exc))}, status_code=503)

    @app.exception_handler(MonitorError)
    async def refused(request: Request, exc: MonitorError) -> Response:
        return JSONResponse({"error": _one_line(str(exc))}, status_code=400)


def _one_line(message: str) -> str:
    return "; ".join(part.strip() for part in message.splitlines() if part.strip())


def _security(app: FastAPI, config: Config) -> None:
    """With ``web.token`` set, everything but the health probes asks for it (Bearer, or the
    password of HTTP Basic so that a browser can log in); a few headers harden every page."""
    token = config.web.secret()

    @app.middleware("http")
    async def guard(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        if token and request.url.path not in OPEN_PATHS and not authorised(request, token):
            return JSONResponse(
                {"error": "this server needs its web.token: send it as a Bearer token"},
                status_code=401,
                headers={"WWW-Authenticate": 'Basic realm="watchlist-monitor"'},
            )
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response


def authorised(request: Request, token: str) -> bool:
    """The request carries the token, as ``Bearer TOKEN`` or as a Basic password."""
    import base64
    import binascii

    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer":
        return secrets.compare_digest(value.strip().encode(), token.encode())
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return secrets.compare_digest(decoded.partition(":")[2].encode(), token.encode())
    return False


def basic_user(request: Request) -> str:
    """The user name of HTTP Basic credentials, if any (who approved, for the record)."""
    import base64
    import binascii

    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return ""
    try:
        return base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")[0]
    except (binascii.Error, UnicodeDecodeError):
        return ""
