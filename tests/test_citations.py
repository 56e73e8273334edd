"""Notice links: every citation in the real CSL and EU files becomes a well-formed URL."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from monitor.citations import (
    FR_CITATION,
    event_links,
    federal_register_links,
    published_links,
)
from monitor.files import SourceFile
from monitor.formats import get_format
from monitor.reports.words import notice_citation
from tests.conftest import realdata

FR_URL = re.compile(r"^https://www\.federalregister\.gov/citation/\d{2,3}-FR-\d{3,6}$")


def test_every_federal_register_citation_in_the_real_csl_is_a_link() -> None:
    path = realdata("trade-gov-csl", "2022-05-06_moov", "consolidated.csv.gz")
    records = list(get_format("csl-csv").parse([SourceFile.from_path(path)]))
    cited = [r for r in records if FR_CITATION.search(r.notice)]
    assert len(cited) > 3000  # Entity List, DPL, DTC, ISN and MEU rows cite the FR
    for record in cited:
        links = federal_register_links(record.notice)
        cited_pages = {f"{int(v)} FR {int(p)}" for v, p in FR_CITATION.findall(record.notice)}
        assert [link.label for link in links] and {link.label for link in links} == cited_pages
        assert all(FR_URL.match(link.url) for link in links), record.notice
        # the citation a report shows is one of the links
        assert notice_citation(record.notice) in {link.label for link in links}
    # '54 F.R. 9537 3/7/89 and 54 F.R. 13715 4/5/89': both orders of a DPL row
    both = [r for r in cited if "54 F.R. 9537" in r.notice and "54 F.R. 13715" in r.notice]
    assert both
    assert [link.url for link in federal_register_links(both[0].notice)][:2] == [
        "https://www.federalregister.gov/citation/54-FR-9537",
        "https://www.federalregister.gov/citation/54-FR-13715",
    ]


def test_every_eu_regulation_keeps_its_publication_url() -> None:
    path = realdata("eu-fsf", "2020-04-15_excerpt", "sample_eu_sanctions.xml")
    raw = path.read_text(encoding="utf-8")
    published = set(re.findall(r"<publicationUrl>([^<]+)</publicationUrl>", raw))
    published = {url.replace("&amp;", "&") for url in published}
    assert published
    records = list(get_format("eu-fsf-xml").parse([SourceFile.from_path(path)]))
    linked = {link.url for r in records for link in published_links(r.notice)}
    assert linked == published
    for record in records:
        for link in published_links(record.notice):
            parts = urlsplit(link.url)
            assert parts.scheme in ("http", "https") and parts.netloc.endswith("europa.eu")
            assert re.match(r"^\d{1,4}/\d{1,4}", link.label), link.label  # '2019/555 (OJ L97)'
        # the reader's citation is the act, never a truncated URL
        assert "http" not in notice_citation(record.notice)


def test_ofac_changes_link_to_the_recent_actions_page_of_their_day() -> None:
    listed = {
        "notice": "",
        "source_list": "",
        "effective_date": "2021-12-16",
        "observed_at": "2025-04-21T13:32:00Z",
        "baseline": False,
    }
    assert [link.url for link in event_links(listed, "ofac-csv")] == [
        "https://ofac.treasury.gov/recent-actions/20211216"
    ]
    # seen at 01:41 UTC on 2 Dec: OFAC's action of 1 Dec in Washington
    observed = {**listed, "effective_date": None, "observed_at": "2021-12-02T01:41:00Z"}
    assert event_links(observed, "ofac-csv")[0].url.endswith("/20211201")
    # a baseline entry without a date: the archive's start is not OFAC's action
    assert event_links({**observed, "baseline": True}, "ofac-csv") == []
    # a CSL row from an OFAC list is OFAC's; an Entity List row is not
    cmic = {
        **listed,
        "source_list": "Non-SDN Chinese Military-Industrial Complex Companies List (CMIC)",
    }
    assert event_links(cmic, "csl-csv")[0].url.endswith("/20211216")
    entity = {**listed, "source_list": "Entity List (EL)", "notice": "86 FR 71557"}
    assert [link.url for link in event_links(entity, "csl-csv")] == [
        "https://www.federalregister.gov/citation/86-FR-71557"
    ]
