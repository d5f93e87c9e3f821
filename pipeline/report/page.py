"""The shared HTML frame of the report pages: inline CSS, no scripts, no network requests."""

from __future__ import annotations

from html import escape

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:24px auto;max-width:1040px;color:#222;
line-height:1.4;padding:0 12px}
h1{font-size:1.5em;margin-bottom:4px}h2{font-size:1.2em;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:8px 0}
td,th{padding:3px 8px;border-bottom:1px solid #eee;text-align:left;
vertical-align:top}th{background:#f5f5f5}.num{text-align:right}.muted{color:#666}.note{background:#fff8e0;
padding:6px 10px;border-left:4px solid #f0c000}.figure{overflow-x:auto}
.chip{display:inline-block;border-radius:8px;padding:0 6px;margin:1px;font-size:.8em;color:#fff}
.chip.withdrawal{background:#1f6fb4}.chip.confrontation{background:#d62728}.chip.resolution{background:#2a9d3a}
.chip.therapist_contribution{background:#f08c00}
.episode-card{border:1px solid #ddd;border-radius:6px;padding:8px 12px;margin:12px 0}
.status{font-weight:600}.status.resolved{color:#2a9d3a}.status.addressed{color:#b08800}
.status.unaddressed{color:#d62728}
.excerpt td.text{max-width:640px}.excerpt tr.marker{background:#fde8e8}
.excerpt tr.strategy{background:#e6f5e8}
.excerpt tr.contribution{background:#fff1dc}
.excerpt tr.response td.who::after{content:" (response)";color:#666}
@media print{.figure{overflow:visible}}
"""


def html_page(title: str, body: str) -> str:
    """A complete, self-contained HTML document.

    Example:
        >>> html_page("T", "<p>x</p>").startswith("<!DOCTYPE html>")
        True
    """
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head>\n<body>\n{body}\n</body></html>\n"
    )


def table(header: list[str], rows: list[list[object]], numeric: set[int] | None = None) -> str:
    """An HTML table; cells are escaped unless they are already markup (``Markup``)."""
    numeric = numeric or set()
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(f"<td{' class=num' if i in numeric else ''}>{_cell(c)}</td>" for i, c in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


class Markup(str):
    """A string that is already HTML."""


def _fmt(v: object) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.2f}".rstrip("0").rstrip(".") if v != int(v) else str(int(v))
    return str(v)


def _cell(c: object) -> str:
    return c if isinstance(c, Markup) else escape(_fmt(c))
