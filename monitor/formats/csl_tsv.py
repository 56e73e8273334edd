"""trade.gov Consolidated Screening List, tab-separated export."""

from __future__ import annotations

from monitor.formats.csl_csv import CslCsv


class CslTsv(CslCsv):
    """trade.gov Consolidated Screening List, TSV (consolidated.tsv)."""

    kind = "csl-tsv"
    example = "consolidated.tsv"
    delimiter = "\t"
