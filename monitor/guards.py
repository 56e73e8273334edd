"""Safety rails applied before a snapshot changes anything.

A broken download must never read as "everything delisted": a snapshot that
is empty or outside the list's expected size is rejected, and one that would
remove (or add) more than a configured share of the list is quarantined until
a person approves it. The first snapshot of a list is only checked for size.
"""

from __future__ import annotations

from dataclasses import dataclass

from monitor.config import Expect


@dataclass(frozen=True, kw_only=True)
class Verdict:
    status: str  # "ok", "rejected" or "quarantined"
    reason: str = ""


OK = Verdict(status="ok")


def check_count(count: int, expect: Expect) -> Verdict:
    if count == 0:
        return Verdict(status="rejected", reason="the snapshot has no entries")
    if count < expect.min_records:
        return Verdict(
            status="rejected",
            reason=f"{count} entries, fewer than the expected minimum {expect.min_records}",
        )
    if expect.max_records is not None and count > expect.max_records:
        return Verdict(
            status="rejected",
            reason=f"{count} entries, more than the expected maximum {expect.max_records}",
        )
    return OK


def check_shares(*, current: int, added: int, removed: int, expect: Expect) -> Verdict:
    if current == 0:
        return OK
    removed_share = removed / current
    if removed_share > expect.max_removed_share:
        return Verdict(
            status="quarantined",
            reason=f"would delist {removed} of {current} entries ({removed_share:.0%}), "
            f"more than the allowed {expect.max_removed_share:.0%}",
        )
    if expect.max_added_share is not None and added / current > expect.max_added_share:
        return Verdict(
            status="quarantined",
            reason=f"would list {added} new entries on a list of {current} "
            f"({added / current:.0%}), more than the allowed {expect.max_added_share:.0%}",
        )
    return OK
