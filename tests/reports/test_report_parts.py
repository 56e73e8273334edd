"""The pieces reports are made of: wording, periods, noise folding, escaping, templates."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from monitor.countries import ISO_3166_ALPHA2, country_name
from monitor.errors import ConfigError
from monitor.reports.changes import deltas, find_bulk_edits, split_changes
from monitor.reports.environment import make_environment
from monitor.reports.model import build_report
from monitor.reports.output import events_csv, markdown_escape, render_report
from monitor.reports.periods import (
    buckets_between,
    chart_size,
    describe_period,
    period_bounds,
    previous_period,
)
from monitor.reports.words import breakdown, days_text, notice_citation
from monitor.store.queries import EventQuery
from tests.conftest import Cli, write_config

NOW = datetime(2022, 1, 5, 9, 0, tzinfo=UTC)


def event(**values: Any) -> dict[str, Any]:
    """An event dict in the documented shape, with plain defaults."""
    base: dict[str, Any] = {
        "list": "us-ofac-sdn",
        "key": "1",
        "kind": "listed",
        "name": "ACME",
        "type": "entity",
        "source_list": "",
        "programs": ["SDGT"],
        "countries": [],
        "notice": "",
        "effective_date": None,
        "observed_at": "2021-12-02T18:50:00Z",
        "baseline": False,
        "snapshot": "ab" * 32,
        "previous_key": None,
        "categories": [],
        "changes": [],
    }
    return base | values


def test_country_codes_read_as_names() -> None:
    assert len(ISO_3166_ALPHA2) == 250
    assert country_name("PK") == "Pakistan"
    assert country_name("cn") == "China"
    assert country_name("XK") == "Kosovo"
    assert country_name("Pakistan") == "Pakistan"
    assert country_name("ZZ") == "ZZ"


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (["2021-11-26"], "26 Nov 2021"),
        (["2021-12-30", "2021-12-02"], "2 and 30 Dec 2021"),
        (["2021-12-02", "2021-12-20", "2021-12-30"], "2, 20 and 30 Dec 2021"),
        (["2021-12-02", "2021-12-06", "2021-12-20", "2021-12-30"], "2 to 30 Dec 2021"),
        (["2021-11-30", "2021-12-02"], "30 Nov to 2 Dec 2021"),
        (["2020-12-30", "2021-01-02"], "30 Dec 2020 to 2 Jan 2021"),
    ],
)
def test_days_in_words(days: list[str], text: str) -> None:
    assert days_text(days) == text


def test_notice_is_the_latest_federal_register_citation() -> None:
    dpl = "80 F.R. 30435 5/28/15, 85 F.R. 77147 12/1/2020, 86 F.R. 66277 11/22/2021"
    assert notice_citation(dpl) == "86 FR 66277"
    assert notice_citation("86 FR 67319") == "86 FR 67319"
    assert notice_citation("") == ""


def test_breakdown_names_the_largest_and_counts_the_rest() -> None:
    from collections import Counter

    counts = Counter({"Pakistan": 13, "China": 13, "Japan": 1, "Singapore": 1, "Taiwan": 1})
    assert breakdown(counts, "in", "countries", limit=2) == (
        "13 in China, 13 in Pakistan and 3 in 3 other countries"
    )


def test_periods() -> None:
    assert period_bounds("week", date(2021, 12, 8)) == (date(2021, 12, 6), date(2021, 12, 12))
    assert period_bounds("month", date(2021, 2, 10)) == (date(2021, 2, 1), date(2021, 2, 28))
    assert previous_period("month", date(2022, 1, 5)) == (date(2021, 12, 1), date(2021, 12, 31))
    assert previous_period("day", date(2022, 1, 1)) == (date(2021, 12, 31), date(2021, 12, 31))
    assert describe_period(date(2021, 12, 1), date(2021, 12, 31)) == "December 2021"
    assert describe_period(date(2021, 12, 6), date(2021, 12, 12)).startswith("week 49 of 2021")
    assert buckets_between(date(2021, 11, 29), date(2021, 12, 13), "week") == [
        "2021-W48",
        "2021-W49",
        "2021-W50",
    ]
    assert chart_size(date(2021, 12, 1), date(2021, 12, 31)) == "day"
    assert chart_size(date(2021, 1, 1), date(2021, 12, 31)) == "week"
    assert chart_size(date(1990, 1, 1), date(2022, 5, 6)) == "year"


def test_reordering_is_no_change() -> None:
    changes = [{"field": "aliases", "before": ["B", "A"], "after": ["A", "B"]}]
    assert deltas(changes) == []
    modified = event(kind="modified", categories=["names"], changes=changes)
    report = build_report([modified], EventQuery(), NOW)
    assert report["summary"]["modified"] == 0
    assert report["events"] == []


def _remarks_edit(n: int) -> dict[str, Any]:
    return event(
        kind="modified",
        key=str(n),
        name=f"BANK {n:02d} OPEN JOINT STOCK COMPANY",
        categories=["remarks"],
        changes=[
            {
                "field": "remarks",
                "before": f"Linked To: BANK {n:02d} OPEN JOINT STOCK COMPANY.",
                "after": f"Linked To: BANK {n:02d} PUBLIC JOINT STOCK COMPANY.",
            }
        ],
    )


def test_a_bulk_edit_is_one_line_with_a_count_and_an_example() -> None:
    events = [_remarks_edit(n) for n in range(300)]
    own = event(
        kind="modified",
        key="own",
        name="OWN CHANGES LLC",
        categories=["programs", "remarks"],
        changes=[
            {"field": "programs", "before": ["SDGT"], "after": ["SDGT", "IRAN"]},
            {"field": "remarks", "before": "x OPEN y", "after": "x PUBLIC y"},
        ],
    )
    bulk = find_bulk_edits([*events, own])
    assert len(bulk) == 1
    assert bulk[0].sentence() == (
        "301 entries on the SDN list had 'OPEN' replaced by 'PUBLIC' in their remarks"
    )
    report = build_report([*events, own], EventQuery(), NOW)
    text = render_report(make_environment(), report, "text")
    assert "B1. 301 entries on the SDN list had 'OPEN' replaced by 'PUBLIC'" in text
    assert "(e.g. BANK 00 OPEN JOINT STOCK COMPANY [0]; all 301 in the appendix)" in text
    assert "300 entries modified on the SDN list" not in text
    assert "301 entries modified on the SDN list: 301 in remarks and 1 in programs; " in text
    assert "300 in remarks only" in text
    assert "OWN CHANGES LLC [own] (also B1)\n      programs: added IRAN\n" in text
    assert "... and 300 more changed only by the edits made to many entries at once" in text
    own_changes, numbers = split_changes(own, {("us-ofac-sdn", *bulk[0].delta.signature()): 1})
    assert [d.field for d in own_changes] == ["programs"] and numbers == [1]


def test_markdown_and_csv_defuse_markup_and_formulas() -> None:
    assert markdown_escape("<b>*x*</b> | [a](b)") == r"\<b\>\*x\*\</b\> \| \[a\](b)"
    rows = events_csv([event(name="=HYPERLINK('http://x')"), event(name="-1 CORP")], "observed")
    assert "'=HYPERLINK('http://x')" in rows
    assert ",'-1 CORP," in rows


def test_email_parts_are_text_and_escaped_html() -> None:
    report = build_report([event(name="<script>alert(1)</script>")], EventQuery(), NOW)
    environment = make_environment()
    text = render_report(environment, report, "text")
    html = render_report(environment, report, "html")
    assert "<script>alert(1)</script> [1]" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html


def test_json_is_the_documented_schema_with_headlines_and_groups() -> None:
    import json

    query = EventQuery(since=date(2021, 12, 1), until=date(2021, 12, 31))
    report = build_report([event(), event(key="2", kind="delisted")], query, NOW)
    data = json.loads(render_report(make_environment(), report, "json"))
    assert data["generated_at"] == "2022-01-05T09:00:00Z"
    assert data["period"] == {"since": "2021-12-01", "until": "2021-12-31", "date": "effective"}
    assert data["summary"]["listed"] == 1 and data["summary"]["delisted"] == 1
    assert data["headlines"][0].startswith("1 entity added to the SDN list (observed 2 Dec 2021)")
    assert data["groups"]["program"] == [
        {"group": "SDGT", "count": 2, "listed": 1, "delisted": 1, "relisted": 0, "modified": 0,
         "rekeyed": 0}
    ]  # fmt: skip


def test_users_override_templates_and_broken_ones_fail_at_start_up(tmp_path: Path) -> None:
    folder = tmp_path / "my-templates"
    folder.mkdir()
    (folder / "report.txt.j2").write_text("{{ report.summary.listed }} listed\n", "utf-8")
    config = write_config(tmp_path, tmp_path / "archive")
    with config.open("a", encoding="utf-8") as handle:
        handle.write(f"templates: {folder}\n")
    cli = Cli(f"sqlite:///{tmp_path / 'monitor.db'}", config)
    assert cli("report").stdout == "0 listed\n"
    (folder / "report.html.j2").write_text("ok\n{% if report %}\n{% endfor %}\n", "utf-8")
    result = cli("report")
    assert result.exit_code == 1
    assert f"template {folder / 'report.html.j2'}, line 3:" in result.output
    with pytest.raises(ConfigError, match=r"report\.html\.j2, line 3"):
        make_environment(folder)
