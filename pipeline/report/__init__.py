"""Self-contained HTML reports: one page a session and a cohort page (inline SVG, no network)."""

from __future__ import annotations

from pipeline.report.cohort_page import cohort_page, write_cohort_page
from pipeline.report.session import session_page, write_session_report

__all__ = ["cohort_page", "session_page", "write_cohort_page", "write_session_report"]
