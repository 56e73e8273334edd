"""The notice behind a change, as links a reader can follow.

A list says why an entry is there in its own words: the trade.gov CSL and the
Denied Persons List quote Federal Register citations ('86 FR 67319', '54 F.R.
9537 3/7/89'), the EU file names each regulation and gives its EUR-Lex
publication URL (kept in the record's ``notice`` as '<number and title>
<URL>'), and OFAC publishes each action on its recent-actions page of the day.
This module turns those into URLs; it is pure (no I/O), so every report
format and the feed get the same links from the same event.

The UN file gives no press-release reference for an entry (no real
consolidated.xml in the archive carries one), so a UN change gets no link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

FEDERAL_REGISTER = "https://www.federalregister.gov/citation/{volume}-FR-{page}"
OFAC_RECENT_ACTIONS = "https://ofac.treasury.gov/recent-actions/{day:%Y%m%d}"
FR_CITATION = re.compile(r"\b(\d{2,3})\s*F\.?\s*R\.?\s*(\d{3,6})\b", re.IGNORECASE)
URL = re.compile(r"https?://[^\s<>\"']+")
# OFAC acts in Washington: a file first seen at 01:41 UTC is the previous day's action there.
OFAC_ZONE = ZoneInfo("America/New_York")
# The CSL's inner lists that OFAC publishes (their rows carry the OFAC entity number).
OFAC_CSL_CODES = frozenset({"SDN", "SSI", "FSE", "PLC", "CMIC", "CAP", "NS-MBS List"})


@dataclass(frozen=True, kw_only=True, slots=True)
class NoticeLink:
    """One notice a change rests on: what a reader sees, and where it is published."""

    label: str
    url: str

    def as_dict(self) -> dict[str, str]:
        return {"label": self.label, "url": self.url}


def federal_register_links(notice: str) -> list[NoticeLink]:
    """Every Federal Register citation in a notice, in the order given, each once."""
    links: dict[str, NoticeLink] = {}
    for volume, page in FR_CITATION.findall(notice or ""):
        label = f"{int(volume)} FR {int(page)}"
        url = FEDERAL_REGISTER.format(volume=int(volume), page=int(page))
        links.setdefault(label, NoticeLink(label=label, url=url))
    return list(links.values())


def published_links(notice: str) -> list[NoticeLink]:
    """URLs the publisher gave in the notice (the EU's regulations), labelled by the text
    before each ('2019/555 (OJ L97) https://eur-lex...' -> '2019/555 (OJ L97)')."""
    links: dict[str, NoticeLink] = {}
    for part in (notice or "").split("; "):
        for match in URL.finditer(part):
            label = " ".join(part[: match.start()].split()) or "publication"
            links.setdefault(match.group(0), NoticeLink(label=label, url=match.group(0)))
    return list(links.values())


def ofac_action_day(effective_date: str | None, observed_at: str | None) -> date | None:
    """The day of an OFAC action: the effective date where given, else the day the
    change was observed, in Washington."""
    if effective_date:
        return date.fromisoformat(effective_date[:10])
    if not observed_at:
        return None
    moment = datetime.fromisoformat(observed_at.replace("Z", "+00:00"))
    return moment.astimezone(OFAC_ZONE).date()


def ofac_link(day: date) -> NoticeLink:
    return NoticeLink(
        label=f"OFAC recent actions {day.isoformat()}", url=OFAC_RECENT_ACTIONS.format(day=day)
    )


def is_ofac(list_format: str, source_list: str) -> bool:
    """Whether OFAC published the entry: an OFAC file, or a CSL row from an OFAC list."""
    if list_format.startswith("ofac-"):
        return True
    code = source_list.rsplit("(", 1)[-1].rstrip(")") if "(" in source_list else ""
    return list_format.startswith("csl-") and code in OFAC_CSL_CODES


def event_links(event: dict[str, object], list_format: str) -> list[NoticeLink]:
    """The links of one stored event (the dict of :func:`monitor.store.queries.find_events`).

    A baseline event without an effective date gets no OFAC link: the day it was
    observed is when the archive starts, not when OFAC acted.
    """
    notice = str(event.get("notice") or "")
    links = federal_register_links(notice) + published_links(notice)
    if is_ofac(list_format, str(event.get("source_list") or "")):
        effective = event.get("effective_date")
        observed = None if event.get("baseline") else event.get("observed_at")
        day = ofac_action_day(
            str(effective) if effective else None, str(observed) if observed else None
        )
        if day is not None:
            links.append(ofac_link(day))
    return links
