"""JSON answers with an ETag (a repeated request with If-None-Match gets 304) and
pagination by ``limit`` and ``offset`` (the total and the next page in headers, so that
the body keeps the shape the CLI prints)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from fastapi import Request, Response

from monitor.errors import ConfigError


def page(
    request: Request,
    response_headers: dict[str, str],
    items: list[Any],
    limit: int | None,
    offset: int,
) -> list[Any]:
    """One page of ``items``; without ``limit`` every item from ``offset`` on."""
    if offset < 0 or (limit is not None and limit < 1):
        raise ConfigError("limit must be 1 or more and offset 0 or more")
    total = len(items)
    end = total if limit is None else offset + limit
    response_headers["X-Total-Count"] = str(total)
    if end < total:
        following = request.url.include_query_params(offset=end, limit=limit)
        response_headers["Link"] = f'<{following}>; rel="next"'
    return items[offset:end]


def json_answer(
    request: Request, data: Any, headers: dict[str, str] | None = None, status: int = 200
) -> Response:
    """The data as JSON, with a strong ETag of its bytes."""
    body = (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    sent = dict(headers or {})
    sent["ETag"] = etag
    sent["Cache-Control"] = "no-cache"
    wanted = request.headers.get("if-none-match", "")
    if etag in [tag.strip() for tag in wanted.split(",")] or wanted.strip() == "*":
        return Response(status_code=304, headers=sent)
    return Response(body, status_code=status, media_type="application/json", headers=sent)
