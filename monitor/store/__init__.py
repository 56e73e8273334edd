"""The SQL store: schema, migrations and short transactions over them."""

from monitor.store.database import open_engine
from monitor.store.store import Store

__all__ = ["Store", "open_engine"]
