"""Small inline SVG charts (no scripts, no external assets) for the report pages.

Example:
    >>> svg = bar_chart(["a", "b"], {"episodes": [1, 3]}, title="Episodes")
    >>> svg.startswith("<svg") and "Episodes" in svg
    True
"""

from __future__ import annotations

from html import escape

COLORS = {
    "withdrawal": "#1f6fb4",
    "confrontation": "#d62728",
    "resolution": "#2a9d3a",
    "therapist_contribution": "#f08c00",
}
SERIES_COLORS = ("#1f6fb4", "#2a9d3a", "#d62728", "#f08c00", "#7b4fa0", "#666666")
FONT = 'font-family="system-ui, sans-serif" font-size="11"'


def clock(seconds: float | None) -> str:
    """``mm:ss`` (or ``h:mm:ss``) of a time in seconds.

    Example:
        >>> clock(75), clock(3725), clock(None)
        ('01:15', '1:02:05', '--:--')
    """
    if seconds is None:
        return "--:--"
    s = int(round(seconds))
    h, m, sec = s // 3600, s % 3600 // 60, s % 60
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m:02d}:{sec:02d}"


def text(x: float, y: float, label: str, anchor: str = "start", extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" {FONT} {extra}>{escape(label)}</text>'


def svg_open(width: float, height: float, title: str, css_class: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" '
        f'width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
    )


def _nice_max(v: float) -> float:
    for step in (1, 2, 3, 4, 5, 10, 15, 20, 25, 30, 40, 50, 75, 100, 150, 200, 300, 500, 1000, 2000, 5000):
        if v <= step:
            return float(step)
    return float(v)


def bar_chart(
    categories: list[str],
    series: dict[str, list[float]],
    title: str,
    stacked: bool = True,
    height: int = 260,
    colors: tuple[str, ...] = SERIES_COLORS,
) -> str:
    """Vertical bars per category, one color a series (stacked or side by side)."""
    n = max(len(categories), 1)
    bar_w = max(4.0, min(40.0, 760 / n))
    left, top, plot_h = 44, 28, height - 80
    width = left + bar_w * n + 20 + 190
    totals = (
        [sum(vals) for vals in zip(*series.values(), strict=True)]
        if stacked
        else [max(vals) for vals in zip(*series.values(), strict=True)]
    )
    vmax = _nice_max(max(totals, default=1) or 1)
    parts = [svg_open(width, height, title, "chart"), text(left, 16, title, extra='font-weight="600"')]
    parts += _y_axis(left, top, plot_h, vmax, left + bar_w * n)
    for i, cat in enumerate(categories):
        x, base = left + i * bar_w, top + plot_h
        for k, (name, vals) in enumerate(series.items()):
            h = plot_h * vals[i] / vmax
            w = bar_w * 0.85 if stacked else bar_w * 0.85 / len(series)
            bx = x if stacked else x + k * w
            by = base - h
            parts.append(
                f'<rect x="{bx:.1f}" y="{by:.1f}" width="{w:.1f}" height="{h:.1f}" '
                f'fill="{colors[k % len(colors)]}"><title>{escape(cat)}: {escape(name)} '
                f"{vals[i]:g}</title></rect>"
            )
            if stacked:
                base = by
        if n <= 30:
            parts.append(text(x + bar_w * 0.42, top + plot_h + 12, cat[:10], "middle", 'font-size="9"'))
    parts += _legend(list(series), left + bar_w * n + 24, top, colors)
    parts.append("</svg>")
    return "".join(parts)


def scatter(points: list[tuple[float, float, str, str]], title: str, x_label: str, y_label: str) -> str:
    """Points ``(x, y, tooltip, group)``; one color a group."""
    width, height, left, top, pw, ph = 520, 320, 50, 28, 330, 240
    groups = list(dict.fromkeys(p[3] for p in points))
    xmax = _nice_max(max((p[0] for p in points), default=1) or 1)
    ymax = _nice_max(max((p[1] for p in points), default=1) or 1)
    parts = [svg_open(width, height, title, "chart"), text(left, 16, title, extra='font-weight="600"')]
    parts += _y_axis(left, top, ph, ymax, left + pw)
    parts.append(f'<line x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}" stroke="#888"/>')
    for frac in (0, 0.5, 1):
        parts.append(text(left + pw * frac, top + ph + 14, f"{xmax * frac:g}", "middle"))
    parts.append(text(left + pw / 2, top + ph + 28, x_label, "middle"))
    parts.append(text(12, top + ph / 2, y_label, "middle", f'transform="rotate(-90 12 {top + ph / 2})"'))
    for x, y, tip, g in points:
        color = SERIES_COLORS[groups.index(g) % len(SERIES_COLORS)]
        cx, cy = left + pw * x / xmax, top + ph - ph * y / ymax
        parts.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4" fill="{color}" fill-opacity="0.7">'
            f"<title>{escape(tip)}</title></circle>"
        )
    if len(groups) > 1 or groups[:1] != [""]:
        parts += _legend(groups, left + pw + 20, top)
    parts.append("</svg>")
    return "".join(parts)


def _y_axis(left: float, top: float, plot_h: float, vmax: float, right: float) -> list[str]:
    out = [f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#888"/>']
    for frac in (0, 0.5, 1):
        y = top + plot_h * (1 - frac)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{right:.1f}" y2="{y:.1f}" stroke="#eee"/>')
        out.append(text(left - 4, y + 4, f"{vmax * frac:g}", "end"))
    return out


def _legend(names: list[str], x: float, y: float, colors: tuple[str, ...] = SERIES_COLORS) -> list[str]:
    out = []
    for k, name in enumerate(names):
        color = colors[k % len(colors)]
        out.append(f'<rect x="{x:.1f}" y="{y + 16 * k:.1f}" width="10" height="10" fill="{color}"/>')
        out.append(text(x + 14, y + 16 * k + 9, name or "all"))
    return out
