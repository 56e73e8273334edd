"""The publishers this tool knows: where each list is published, in which format, how often.

``watchlist-monitor sources`` shows this catalogue and ``watchlist-monitor init`` writes
a commented configuration from it, so a user does not have to find each publisher's
current URL and file set alone. Envelopes (``expect``) are wide bands around the sizes
seen in real versions: they reject an empty or truncated download, not a busy month.

Where a publisher's own file is in a shape no format here reads (Canada's SEMA XML,
Australia's DFAT spreadsheet, Switzerland's SECO XML), the entry uses OpenSanctions'
republication of that list as FollowTheMoney JSON and names the official page too.
Publishers move files; ``sources`` shows the URLs so they can be checked by eye.
"""

from __future__ import annotations

from dataclasses import dataclass, field

OFAC_SLS = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"
OPENSANCTIONS = "https://data.opensanctions.org/datasets/latest/"
DEFAULT_MAX_SIZE = "512MB"  # fetch.max_size's and max_file_size's default


@dataclass(frozen=True, kw_only=True)
class Source:
    """One published list as the catalogue describes it."""

    id: str
    title: str
    publisher: str
    format: str
    source: str  # what the configuration fetches
    files: tuple[str, ...]  # the publication's file set (official URLs)
    page: str  # where the publisher documents it
    schedule: str  # a YAML flow mapping for lists[].schedule
    usually: str  # how often it changes, in words
    min_records: int
    max_records: int
    size: str  # usual download size, in words
    max_size: str = DEFAULT_MAX_SIZE  # fetch.max_size, and max_file_size when larger
    notes: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "publisher": self.publisher,
            "format": self.format,
            "source": self.source,
            "files": list(self.files),
            "page": self.page,
            "schedule": self.schedule,
            "usually": self.usually,
            "expect": {"min_records": self.min_records, "max_records": self.max_records},
            "size": self.size,
            "max_size": self.max_size,
            "notes": list(self.notes),
        }


CATALOGUE: tuple[Source, ...] = (
    Source(
        id="us-ofac-sdn",
        title="OFAC Specially Designated Nationals (SDN) list",
        publisher="US Treasury, Office of Foreign Assets Control (OFAC)",
        format="ofac-csv",
        source=OFAC_SLS + "SDN.CSV",
        files=tuple(
            OFAC_SLS + name for name in ("SDN.CSV", "ADD.CSV", "ALT.CSV", "SDN_COMMENTS.CSV")
        ),
        page="https://ofac.treasury.gov/sanctions-list-service",
        schedule="{cron: '15 * * * *'}",
        usually="several times a month, on US business days, often in the afternoon (US Eastern)",
        min_records=5000,
        max_records=40000,
        size="2 to 5 MB (SDN.CSV; 9,000 to 15,000 entries in 2021-2024)",
        notes=(
            "The configuration fetches the whole set as one version: SDN.CSV (names, "
            "programs, remarks), ADD.CSV (addresses, hence countries), ALT.CSV (aliases) and "
            "SDN_COMMENTS.CSV (remarks too long for SDN.CSV).",
            "The legacy address https://www.treasury.gov/ofac/downloads/sdn.csv leads to the "
            "same file.",
        ),
    ),
    Source(
        id="us-ofac-sdn-advanced",
        title="OFAC SDN list, advanced XML",
        publisher="US Treasury, Office of Foreign Assets Control (OFAC)",
        format="ofac-advanced-xml",
        source=OFAC_SLS + "SDN_ADVANCED.XML",
        files=(OFAC_SLS + "SDN_ADVANCED.XML",),
        page="https://ofac.treasury.gov/sanctions-list-service",
        schedule="{cron: '15 * * * *'}",
        usually="with every SDN change (the same list as the CSV set, with every sub-field)",
        min_records=5000,
        max_records=40000,
        size="about 100 MB or more",
        max_size="1GB",
        notes=("Watch either this or us-ofac-sdn: they are the same list, keyed alike.",),
    ),
    Source(
        id="us-ofac-cons",
        title="OFAC consolidated non-SDN lists (incl. NS-CMIC, SSI, FSE, NS-MBS)",
        publisher="US Treasury, Office of Foreign Assets Control (OFAC)",
        format="ofac-csv",
        source=OFAC_SLS + "CONS_PRIM.CSV",
        files=tuple(
            OFAC_SLS + name
            for name in ("CONS_PRIM.CSV", "CONS_ADD.CSV", "CONS_ALT.CSV", "CONS_COMMENTS.CSV")
        ),
        page="https://ofac.treasury.gov/consolidated-sanctions-list-non-sdn-lists",
        schedule="{cron: '20 * * * *'}",
        usually="a few times a year",
        min_records=100,
        max_records=5000,
        size="about 250 KB (CONS_PRIM.CSV; 440 to 640 entries in 2016-2025)",
    ),
    Source(
        id="us-csl",
        title="trade.gov Consolidated Screening List (Entity List, MEU, UVL, DPL, SDN...)",
        publisher="US International Trade Administration (trade.gov), for Commerce, State "
        "and Treasury",
        format="csl-csv",
        source="https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv",
        files=(
            "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv",
            "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.json",
            "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.tsv",
        ),
        page="https://www.trade.gov/consolidated-screening-list",
        schedule="{cron: '0 6 * * *'}",
        usually="rebuilt daily; its source lists change several times a month",
        min_records=5000,
        max_records=100000,
        size="about 10 to 20 MB (14,159 rows in May 2022)",
    ),
    Source(
        id="un-sc",
        title="UN Security Council Consolidated List",
        publisher="United Nations Security Council",
        format="un-xml",
        source="https://scsanctions.un.org/resources/xml/en/consolidated.xml",
        files=("https://scsanctions.un.org/resources/xml/en/consolidated.xml",),
        page="https://main.un.org/securitycouncil/en/content/un-sc-consolidated-list",
        schedule="{cron: '30 */4 * * *'}",
        usually="a few times a month",
        min_records=500,
        max_records=5000,
        size="about 2 MB (1,003 entries in February 2026)",
    ),
    Source(
        id="eu-fsf",
        title="EU consolidated financial sanctions list (FSF)",
        publisher="European Commission (DG FISMA), Financial Sanctions Files",
        format="eu-fsf-xml",
        source="https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/"
        "content?token=${EU_FSF_TOKEN}",
        files=(
            "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/"
            "content?token=<token>",
        ),
        page="https://data.europa.eu/data/datasets/consolidated-list-of-persons-groups-and-"
        "entities-subject-to-eu-financial-sanctions",
        schedule="{cron: '0 */4 * * *'}",
        usually="several times a month, with each Council decision",
        min_records=1000,
        max_records=30000,
        size="about 20 to 30 MB",
        notes=(
            "The download link carries a token shown on the FSF page: put it in the "
            "EU_FSF_TOKEN environment variable.",
        ),
    ),
    Source(
        id="uk-hmt",
        title="UK consolidated list of financial sanctions targets (OFSI ConList)",
        publisher="HM Treasury, Office of Financial Sanctions Implementation (OFSI)",
        format="uk-conlist-csv",
        source="https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.csv",
        files=("https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.csv",),
        page="https://www.gov.uk/government/publications/financial-sanctions-consolidated-"
        "list-of-targets",
        schedule="{cron: '0 */4 * * *'}",
        usually="several times a month",
        min_records=1000,
        max_records=20000,
        size="about 5 MB (2,114 groups in April 2020)",
        notes=(
            "The UK is moving to one UK Sanctions List (FCDO); check the page above for "
            "whether ConList.csv is still published.",
        ),
    ),
    Source(
        id="ca-sema",
        title="Canada: Consolidated Canadian Autonomous Sanctions List (SEMA)",
        publisher="Global Affairs Canada; republished by OpenSanctions",
        format="ftm-json",
        source=OPENSANCTIONS + "ca_dfatd_sema_sanctions/entities.ftm.json",
        files=(
            "https://www.international.gc.ca/world-monde/assets/office_docs/"
            "international_relations-relations_internationales/sanctions/sema-lmes.xml",
        ),
        page="https://www.international.gc.ca/world-monde/international_relations-"
        "relations_internationales/sanctions/consolidated-consolide.aspx",
        schedule="{cron: '0 7 * * *'}",
        usually="a few times a month; OpenSanctions rebuilds it daily",
        min_records=500,
        max_records=20000,
        size="a few MB",
        notes=(
            "The official file is an XML no format here reads; OpenSanctions' FollowTheMoney "
            "copy of it is used (keyed by OpenSanctions entity id).",
        ),
    ),
    Source(
        id="au-dfat",
        title="Australia: DFAT Consolidated List",
        publisher="Australian Department of Foreign Affairs and Trade; republished by "
        "OpenSanctions",
        format="ftm-json",
        source=OPENSANCTIONS + "au_dfat_sanctions/entities.ftm.json",
        files=("https://www.dfat.gov.au/sites/default/files/regulation8_consolidated.xlsx",),
        page="https://www.dfat.gov.au/international-relations/security/sanctions/consolidated-list",
        schedule="{cron: '0 7 * * *'}",
        usually="a few times a month; OpenSanctions rebuilds it daily",
        min_records=500,
        max_records=20000,
        size="a few MB",
        notes=(
            "The official file is an Excel workbook; OpenSanctions' FollowTheMoney copy "
            "of it is used.",
        ),
    ),
    Source(
        id="ch-seco",
        title="Switzerland: SECO sanctions list",
        publisher="State Secretariat for Economic Affairs (SECO); republished by OpenSanctions",
        format="ftm-json",
        source=OPENSANCTIONS + "ch_seco_sanctions/entities.ftm.json",
        files=(
            "https://www.sesam.search.admin.ch/sesam-search-web/pages/downloadXmlGesamtliste"
            ".xhtml?lang=en&action=downloadXmlGesamtlisteAction",
        ),
        page="https://www.seco.admin.ch/seco/en/home/Aussenwirtschaftspolitik_Wirtschaftliche_"
        "Zusammenarbeit/Wirtschaftsbeziehungen/exportkontrollen-und-sanktionen/sanktionen-"
        "embargos.html",
        schedule="{cron: '0 7 * * *'}",
        usually="a few times a month; OpenSanctions rebuilds it daily",
        min_records=500,
        max_records=30000,
        size="a few MB",
        notes=(
            "The official file is SECO's own XML; OpenSanctions' FollowTheMoney copy of it "
            "is used.",
        ),
    ),
    Source(
        id="opensanctions",
        title="OpenSanctions: consolidated sanctions (all sources)",
        publisher="OpenSanctions",
        format="ftm-json",
        source=OPENSANCTIONS + "sanctions/entities.ftm.json",
        files=(OPENSANCTIONS + "sanctions/entities.ftm.json",),
        page="https://www.opensanctions.org/datasets/sanctions/",
        schedule="{cron: '0 8 * * *'}",
        usually="rebuilt several times a day",
        min_records=10000,
        max_records=2000000,
        size="hundreds of MB",
        max_size="4GB",
        notes=(
            "OpenSanctions data is free for non-commercial use; a business needs a licence.",
            "first_seen/last_change are OpenSanctions' observations, not listing dates.",
        ),
    ),
    Source(
        id="opensanctions-delta",
        title="OpenSanctions: consolidated sanctions, as daily deltas",
        publisher="OpenSanctions",
        format="ftm-delta",
        source="/var/lib/watchlist-monitor/drop/opensanctions-delta",
        files=(
            OPENSANCTIONS + "sanctions/delta.json",
            "(each version's entities.delta.json, listed in delta.json)",
        ),
        page="https://www.opensanctions.org/docs/bulk/delta/",
        schedule="{every: 1h}",
        usually="one delta per OpenSanctions build, several a day",
        min_records=10000,
        max_records=2000000,
        size="small (the changes only)",
        notes=(
            "Each version's delta is its own file: a job of yours downloads each new "
            "entities.delta.json into one sub-folder per version (named by the version id) "
            "of this drop folder; the deltas apply in order to a baseline of the full list.",
        ),
    ),
)


def catalogue_ids() -> list[str]:
    return [item.id for item in CATALOGUE]


def find_source(source_id: str) -> Source:
    for item in CATALOGUE:
        if item.id == source_id:
            return item
    from monitor.errors import ConfigError

    raise ConfigError(
        f"no source {source_id!r} in the catalogue; known sources: {', '.join(catalogue_ids())}"
    )


# eu-fsf is left out by default: its URL needs a token (EU_FSF_TOKEN) before it loads.
DEFAULT_INIT = ("us-ofac-sdn", "us-ofac-cons", "us-csl", "un-sc", "uk-hmt")


def _source(item: Source) -> str:
    """The whole file set where the publication is several files read as one version
    (OFAC's CSV sets: names, addresses, aliases, comments), else the one file."""
    if item.format == "ofac-csv" and len(item.files) > 1:
        return "[" + ", ".join(_quoted(url) for url in item.files) + "]"
    return _quoted(item.source)


def render_config(sources: list[Source]) -> str:
    """A commented configuration watching ``sources`` (valid as written, once any
    ${ENV} reference it holds is set)."""
    lines = [
        "# Watchlist Monitor configuration, written by 'watchlist-monitor init'.",
        "# Every key is described in the README (Configuration reference).",
        "#",
        "# database: SQLAlchemy URL (default: monitor.db in the user data directory, or in",
        "#   the working folder when it is a checkout); PostgreSQL: postgresql://user@host/db",
        "# database: sqlite:////var/lib/watchlist-monitor/monitor.db",
        "# archive: where every version of every list is kept",
        "# archive: /var/lib/watchlist-monitor/snapshots",
        "timezone: UTC                 # schedules and report days; an IANA name",
        "",
        "lists:",
    ]
    for item in sources:
        lines += [
            f"  # {item.title}",
            f"  # Publisher: {item.publisher}; {item.page}",
            f"  # Changes {item.usually}; usually {item.size}.",
        ]
        lines += [f"  # File: {url}" for url in item.files]
        lines += [f"  # Note: {note}" for note in item.notes]
        lines += [
            f"  - id: {item.id}",
            f"    title: {_quoted(item.title)}",
            f"    format: {item.format}",
            f"    source: {_source(item)}",
            f"    schedule: {item.schedule}",
            "    fetch: {timeout: 120s, retries: 3, retry_delay: 30s, "
            f"max_size: {item.max_size}}}",
            f"    expect: {{min_records: {item.min_records}, max_records: {item.max_records}}}",
        ]
        if item.max_size != DEFAULT_MAX_SIZE:  # a file the fetch accepts is not refused on ingest
            lines.append(f"    max_file_size: {item.max_size}   # decompressed, per file")
        lines += [
            "    # notify: [mail]            # channels below, by id",
            "",
        ]
    lines += [
        "# notifiers:                     # where reports go (see 'Run it as a service')",
        "#   - id: mail",
        "#     kind: email",
        "#     host: smtp.example.org",
        "#     sender: monitor@example.org",
        "#     to: [compliance@example.org]",
        "#     username: ${SMTP_USER}",
        "#     password: ${SMTP_PASSWORD}",
        "#   - id: chat",
        "#     kind: apprise               # Teams, Discord, Telegram, ntfy, ...",
        '#     urls: ["${TEAMS_URL}"]',
        "",
    ]
    return "\n".join(lines)


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (titles hold ':' and URLs hold '&')."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
