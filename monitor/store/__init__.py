"""The SQL store: schema, migrations and short transactions over them.

``Store`` and ``open_engine`` are imported on first use (PEP 562), so that
the light modules of this package (revisions, overview) can be imported
without SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from monitor.store.database import open_engine
    from monitor.store.store import Store

__all__ = ["Store", "open_engine"]


def __getattr__(name: str) -> Any:
    if name == "Store":
        from monitor.store.store import Store

        return Store
    if name == "open_engine":
        from monitor.store.database import open_engine

        return open_engine
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
