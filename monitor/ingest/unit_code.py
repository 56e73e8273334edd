"""Whether snapshots are read unit by unit, and which code a stored fingerprint set was made by.

A stored fingerprint stands for the record this code built from those bytes
(see :mod:`monitor.ingest.units`), so each set is tagged with a digest of every
module of this package and used only by the same code. Kept apart from the entry
points (:mod:`monitor.ingest.units`, which offers these names too) because the
takes (:mod:`monitor.ingest.stored_set_takes`, :mod:`monitor.ingest.held_takes`)
tag what they produce with it and the entry points import the takes: in one
module, they would import each other.
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

from monitor.errors import ConfigError
from monitor.formats.base import Format

ENV = "WATCHLIST_MONITOR_FINGERPRINTS"
_SWITCH = {"1": True, "true": True, "on": True, "yes": True}
_SWITCH |= {"0": False, "false": False, "off": False, "no": False}


def enabled(configured: bool) -> bool:
    """Whether snapshots are read unit by unit: WATCHLIST_MONITOR_FINGERPRINTS, else the config.

    The switch exists so an operator can rule the mechanism out (and the tests can
    compare both ways); results are the same either way.
    """
    value = os.environ.get(ENV, "").strip().lower()
    if not value:
        return configured
    if value not in _SWITCH:
        raise ConfigError(f"{ENV}={value!r}: write 1/0, true/false, on/off or yes/no")
    return _SWITCH[value]


@functools.cache
def _code_digest() -> str:
    """A digest of every module of this package: fingerprints stand for records this code built."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def code_tag(fmt: Format) -> str:
    """Which format and code a stored fingerprint set was made by."""
    return f"{fmt.kind}:{_code_digest()}"


def made_by_this_code(tag: str) -> bool:
    """Whether a stored set's tag is this code's (for any format): only such a set is used."""
    return tag.endswith(f":{_code_digest()}")
