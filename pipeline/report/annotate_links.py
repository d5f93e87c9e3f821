"""Relative links between the pages of an annotate output folder (never to the network)."""

from __future__ import annotations

from html import escape


def report_link(session_id: str) -> str:
    """A link from ``cohort.html`` to ``reports/<session_id>.html``.

    Example:
        >>> report_link("s 1")
        '<a href="reports/s_1.html">s 1</a>'
    """
    from pipeline.annotate import file_stem

    return f'<a href="reports/{escape(file_stem(session_id))}.html">{escape(session_id)}</a>'
