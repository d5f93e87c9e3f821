"""The session timeline: markers, strategies and contributions over time, episodes, segment ratings.

Example:
    >>> from pipeline.datamodel import Session, Utterance
    >>> from pipeline.summarise import summarise
    >>> u = Utterance(session_id="s", turn_id="0", utterance_index=0, role="patient", text="Dunno.",
    ...               start=30.0, labels=["wd_minimal_response"])
    >>> s = Session(session_id="s", utterances=[u])
    >>> svg = timeline_svg(s, summarise(s))
    >>> 'class="timeline"' in svg and 'class="mark withdrawal"' in svg
    True
"""

from __future__ import annotations

from html import escape

from pipeline.datamodel import Session, SessionSummary
from pipeline.labelset import LabelSet, load_labelset
from pipeline.report.svg import COLORS, clock, svg_open, text

LANES = (
    ("withdrawal", "Withdrawal"),
    ("confrontation", "Confrontation"),
    ("resolution", "Resolution strategy"),
    ("therapist_contribution", "Therapist contribution"),
)
RATING_ROWS = (
    ("withdrawal_significance", "Withdrawal (1-5)", COLORS["withdrawal"]),
    ("confrontation_significance", "Confrontation (1-5)", COLORS["confrontation"]),
    ("resolution", "Resolution (1-5)", COLORS["resolution"]),
)
EPISODE_FILL = {"resolved": "#2a9d3a", "addressed": "#f0c000", "unaddressed": "#d62728"}
LEFT, PLOT_W, LANE_H, TOP = 170, 780, 26, 30


def episode_status(resolved: bool, addressed: bool) -> str:
    return "resolved" if resolved else "addressed" if addressed else "unaddressed"


def timeline_svg(
    session: Session, summary: SessionSummary, no_text: bool = False, labelset: LabelSet | None = None
) -> str:
    """The whole timeline as one inline ``<svg>``."""
    ls = labelset or load_labelset()
    span = max(summary.duration_seconds, 300.0 * max(len(summary.segments), 1), 1.0)

    def x(t: float | None) -> float:
        return LEFT + PLOT_W * min(max(t or 0.0, 0.0), span) / span

    lanes_bottom = TOP + LANE_H * len(LANES)
    ratings_top = lanes_bottom + 46
    height = ratings_top + 22 * len(RATING_ROWS) + 30
    parts = [svg_open(LEFT + PLOT_W + 20, height, f"Timeline of session {session.session_id}", "timeline")]
    parts += _lanes(lanes_bottom)
    parts += _episodes(summary, x)
    parts += _segment_grid(summary, x, lanes_bottom, span)
    parts += _marks(session, x, ls, no_text)
    parts += _ratings(summary, x, ratings_top)
    parts += _axis(span, x, lanes_bottom, height)
    parts.append("</svg>")
    return "".join(parts)


def _lanes(bottom: float) -> list[str]:
    out = []
    for k, (group, name) in enumerate(LANES):
        y = TOP + LANE_H * k
        out.append(
            f'<rect x="{LEFT}" y="{y}" width="{PLOT_W}" height="{LANE_H}" '
            f'fill="{"#fafafa" if k % 2 else "#fff"}"/>'
        )
        out.append(
            text(LEFT - 8, y + LANE_H / 2 + 4, name, "end", f'fill="{COLORS[group]}" font-weight="600"')
        )
    out.append(f'<line x1="{LEFT}" y1="{bottom}" x2="{LEFT + PLOT_W}" y2="{bottom}" stroke="#999"/>')
    return out


def _episodes(summary: SessionSummary, x) -> list[str]:
    out = []
    for e in summary.episodes:
        status = episode_status(e.resolved, e.addressed)
        x0, x1 = x(e.start), x(e.end if e.end is not None else e.start)
        tip = f"Episode {e.episode_index} ({e.kind}, {status}) {clock(e.start)}-{clock(e.end)}"
        out.append(
            f'<rect class="episode {status}" x="{x0 - 3:.1f}" y="{TOP - 4}" '
            f'width="{max(x1 - x0, 0) + 6:.1f}" '
            f'height="{LANE_H * 2 + 8}" fill="{EPISODE_FILL[status]}" fill-opacity="0.18" '
            f'stroke="{EPISODE_FILL[status]}" rx="3"><title>{escape(tip)}</title></rect>'
        )
        out.append(text(x0, TOP - 8, f"E{e.episode_index}", extra='font-size="9" fill="#555"'))
    return out


def _segment_grid(summary: SessionSummary, x, bottom: float, span: float) -> list[str]:
    out = []
    for seg in summary.segments[1:]:
        xs = x(seg.start)
        out.append(
            f'<line x1="{xs:.1f}" y1="{TOP}" x2="{xs:.1f}" y2="{bottom}" '
            'stroke="#bbb" stroke-dasharray="3,3"/>'
        )
    return out


def _marks(session: Session, x, ls: LabelSet, no_text: bool) -> list[str]:
    lane_of = {g: k for k, (g, _) in enumerate(LANES)}
    out = []
    for u in session.utterances:
        by_group: dict[str, list[str]] = {}
        for lab in u.labels:
            if lab in ls.ids:
                by_group.setdefault(ls.group_of(lab), []).append(ls.get(lab).name)
        for group, names in by_group.items():
            if group not in lane_of:
                continue
            cy = TOP + LANE_H * lane_of[group] + LANE_H / 2
            tip = f"{clock(u.start)} {u.role}: {', '.join(names)}" + (
                "" if no_text else f' - "{u.text[:160]}"'
            )
            out.append(
                f'<circle class="mark {group}" cx="{x(u.start):.1f}" cy="{cy:.1f}" r="5" '
                f'fill="{COLORS[group]}" '
                f'fill-opacity="0.85" stroke="#fff" stroke-width="1"><title>{escape(tip)}</title></circle>'
            )
    return out


def _ratings(summary: SessionSummary, x, top: float) -> list[str]:
    out = [text(LEFT, top - 8, "5-minute segment ratings (derived)", extra='fill="#333" font-weight="600"')]
    for k, (field, name, color) in enumerate(RATING_ROWS):
        y = top + 22 * k
        out.append(text(LEFT - 8, y + 14, name, "end"))
        for seg in summary.segments:
            value = getattr(seg, field)
            x0, x1 = x(seg.start), x(seg.end)
            opacity = 0.08 if value is None else 0.15 + 0.17 * (value - 1)
            fill = "#999" if value is None else color
            out.append(
                f'<rect class="rating" x="{x0 + 1:.1f}" y="{y}" '
                f'width="{max(x1 - x0 - 2, 1):.1f}" height="19" '
                f'fill="{fill}" fill-opacity="{opacity:.2f}"><title>segment {seg.segment_index}: {name} '
                f"{'-' if value is None else value}</title></rect>"
            )
            out.append(text((x0 + x1) / 2, y + 14, "-" if value is None else str(value), "middle"))
    return out


def _axis(span: float, x, bottom: float, height: float) -> list[str]:
    step = 60 if span <= 1200 else 300
    out = []
    t = 0.0
    while t <= span + 1e-6:
        out.append(f'<line x1="{x(t):.1f}" y1="{bottom}" x2="{x(t):.1f}" y2="{bottom + 4}" stroke="#999"/>')
        out.append(text(x(t), bottom + 15, clock(t), "middle", 'font-size="9"'))
        t += step
    out.append(text(LEFT + PLOT_W, height - 6, "time (mm:ss)", "end", 'fill="#555"'))
    return out
