"""Reports: the public entry points (the work is done in :mod:`monitor.reports`).

Other modules import from here: :func:`build_report` for a period's digest,
:func:`build_run_report` for what one check found, :func:`render_report` for
any of :data:`REPORT_FORMATS`, and :func:`email_parts` for a multipart email.
"""

from __future__ import annotations

from monitor.reports.grouping import GROUPINGS, KINDS
from monitor.reports.model import build_report, build_run_report
from monitor.reports.output import REPORT_FORMATS, email_parts, render_report

__all__ = [
    "GROUPINGS",
    "KINDS",
    "REPORT_FORMATS",
    "build_report",
    "build_run_report",
    "email_parts",
    "render_report",
]
