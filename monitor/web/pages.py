"""Server-rendered pages (filled in by the next step)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["pages"])
