"""The supervisor's page for one session: timeline, figures, and every rupture episode in context.

Example:
    >>> from pipeline.datamodel import Session, Utterance
    >>> from pipeline.summarise import summarise
    >>> u = Utterance(session_id="s", turn_id="0", utterance_index=0, role="patient", text="Dunno.",
    ...               start=3.0, labels=["wd_minimal_response"])
    >>> s = Session(session_id="s", utterances=[u])
    >>> page = session_page(s, summarise(s))
    >>> "Episode 1" in page and "Dunno." in page
    True
    >>> "Dunno." in session_page(s, summarise(s), no_text=True)
    False
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from pipeline.datamodel import Episode, Session, SessionSummary, Utterance
from pipeline.io import atomic_open
from pipeline.labelset import LabelSet, load_labelset
from pipeline.report.page import Markup, html_page, table
from pipeline.report.svg import clock
from pipeline.report.timeline import episode_status, timeline_svg

CONTEXT = 3
MAX_EXCERPT = 24
WITHHELD = "[text withheld]"


def session_page(session: Session, summary: SessionSummary, no_text: bool = False) -> str:
    """The full HTML page (a string) of one session."""
    ls = load_labelset()
    by_index = {u.utterance_index: u for u in session.utterances}
    parts = [
        f"<h1>Session {escape(session.session_id)}</h1>",
        _header(summary),
        "<h2>Timeline</h2>",
        f'<div class="figure">{timeline_svg(session, summary, no_text, ls)}</div>',
        _legend(),
        "<h2>Figures</h2>",
        _figures(summary, ls),
        f"<h2>Rupture episodes ({summary.n_episodes})</h2>",
    ]
    if not summary.episodes:
        parts.append("<p>No rupture marker was found in this session.</p>")
    parts += [_episode_card(e, session, by_index, ls, no_text) for e in summary.episodes]
    parts += ["<h2>5-minute segments</h2>", _segments(summary), _method_note(summary)]
    return html_page(f"Session {session.session_id}: ruptures and repair", "\n".join(parts))


def write_session_report(path: str | Path, session: Session, summary: SessionSummary, no_text: bool = False):
    """Write the page atomically."""
    with atomic_open(path) as fh:
        fh.write(session_page(session, summary, no_text))


def _header(s: SessionSummary) -> str:
    est = " (times estimated at 150 words a minute)" if s.times_estimated else ""
    model = " ".join(str(s.model[k]) for k in ("name", "version") if k in s.model) or "unknown model"
    meta = ", ".join(
        f"{k}: {v}" for k, v in s.metadata.items() if isinstance(v, str | int | float) and k != "video_url"
    )
    return (
        f'<p class="muted">{escape(s.source or "")} &middot; {clock(s.duration_seconds)} long{est} &middot; '
        f"{s.n_turns} turns, {s.n_utterances} utterances &middot; labels by {escape(model)}, "
        f"ratings by rule {escape(s.rating_rule)}</p>"
        + (f'<p class="muted">{escape(meta)}</p>' if meta else "")
    )


def _legend() -> str:
    return (
        '<p class="muted">Dots: labelled utterances (hover for the text). Shaded boxes: rupture episodes '
        '(<span class="status resolved">resolved</span>, <span class="status addressed">addressed, not '
        'resolved</span>, <span class="status unaddressed">not addressed</span>). Dashed lines: 5-minute '
        "segments; the rows below them are the derived 3RS-style segment ratings.</p>"
    )


def _figures(s: SessionSummary, ls: LabelSet) -> str:
    tr = "-" if s.median_time_to_repair is None else f"{s.median_time_to_repair:.0f} s"
    rows = [
        ["Rupture episodes", s.n_episodes],
        ["... addressed", s.n_addressed],
        ["... resolved", s.n_resolved],
        ["Median time to repair", tr],
        ["Therapist contribution (1-5)", s.therapist_contribution],
        ["Overall resolution (1-5)", s.overall_resolution],
    ]
    counts = [
        [
            Markup(f'<span class="chip {lab.group}">{escape(lab.group.replace("_", " "))}</span>'),
            lab.name,
            s.label_counts.get(lab.id, 0),
        ]
        for lab in ls.labels
        if s.label_counts.get(lab.id)
    ]
    groups = [
        [
            g.replace("_", " "),
            s.group_counts[g],
            s.group_rates_per_10_min[g],
            s.group_rates_per_100_utterances[g],
        ]
        for g in s.group_counts
    ]
    return (
        table(["Session", ""], rows, {1})
        + table(["Group", "utterances", "per 10 min", "per 100 utterances of the role"], groups, {1, 2, 3})
        + (table(["Group", "Label", "utterances"], counts, {2}) if counts else "")
    )


def _episode_card(e: Episode, session: Session, by_index: dict[int, Utterance], ls: LabelSet, no_text: bool):
    status = episode_status(e.resolved, e.addressed)
    names = lambda ids: ", ".join(dict.fromkeys(ls.get(i).name for i in ids)) or "none"  # noqa: E731
    repair = (
        "not addressed"
        if e.time_to_repair is None
        else (f"first strategy after {e.time_to_repair:.0f} s ({e.turns_to_repair} turns)")
    )
    head = (
        f"<h3>Episode {e.episode_index}: {escape(e.kind)} at {clock(e.start)}-{clock(e.end)} "
        f'<span class="status {status}">{status}</span></h3>'
        f"<p>Markers: {escape(names(e.markers))}.<br>How it was addressed: {escape(names(e.strategies))}; "
        f"{escape(repair)}.<br>Therapist contributions just before: {escape(names(e.contributions_before))}"
        f"; during: {escape(names(e.contributions_during))}.</p>"
    )
    excerpt = _excerpt(e, session, ls, no_text)
    return f'<div class="episode-card" id="episode-{e.episode_index}">{head}{excerpt}</div>'


def _excerpt(e: Episode, session: Session, ls: LabelSet, no_text: bool) -> str:
    order = [u.utterance_index for u in session.utterances]
    last = max([e.end_utterance, e.response_utterance or 0, *e.strategy_utterances[:1]])
    lo, hi = (
        order.index(e.start_utterance),
        order.index(last) if last in order else order.index(e.end_utterance),
    )
    window = session.utterances[max(lo - CONTEXT, 0) : hi + CONTEXT + 1]
    if len(window) > MAX_EXCERPT:
        window = window[: MAX_EXCERPT // 2] + [None] + window[-MAX_EXCERPT // 2 :]
    rows = [
        _excerpt_row(u, e, ls, no_text) if u else '<tr><td colspan="4" class="muted">...</td></tr>'
        for u in window
    ]
    return f'<table class="excerpt"><tbody>{"".join(rows)}</tbody></table>'


def _excerpt_row(u: Utterance, e: Episode, ls: LabelSet, no_text: bool) -> str:
    classes = []
    if u.utterance_index in e.marker_utterances:
        classes.append("marker")
    if u.utterance_index in e.strategy_utterances:
        classes.append("strategy")
    if u.utterance_index in e.contribution_utterances:
        classes.append("contribution")
    if u.utterance_index == e.response_utterance:
        classes.append("response")
    chips = "".join(
        f'<span class="chip {ls.group_of(lab)}">{escape(ls.get(lab).name)}</span>'
        for lab in u.labels
        if lab in ls.ids
    )
    body = WITHHELD if no_text else u.text
    return (
        f'<tr class="{" ".join(classes)}"><td class="muted">{clock(u.start)}</td>'
        f'<td class="who">{escape(u.role)}'
        f'</td><td class="text">{escape(body)}</td><td>{chips}</td></tr>'
    )


def _segments(s: SessionSummary) -> str:
    rows = [
        [
            g.segment_index,
            f"{clock(g.start)}-{clock(g.end)}",
            g.n_utterances,
            g.withdrawal_markers,
            g.withdrawal_significance,
            g.confrontation_markers,
            g.confrontation_significance,
            g.resolution_strategies,
            g.resolution,
            g.therapist_contributions,
        ]
        for g in s.segments
    ]
    header = [
        "Segment",
        "Time",
        "Utterances",
        "Withdrawal markers",
        "Withdrawal (1-5)",
        "Confrontation markers",
        "Confrontation (1-5)",
        "Strategies",
        "Resolution (1-5)",
        "Therapist contributions",
    ]
    return table(header, rows, set(range(2, 10)))


def _method_note(s: SessionSummary) -> str:
    est = (
        "Times were estimated from word counts, so times and rates are approximate. "
        if s.times_estimated
        else ""
    )
    return (
        f'<p class="note">{est}Labels are model suggestions to be checked against the recording. Episodes: '
        "markers within 2 minutes or 6 turns of each other; addressed when a resolution strategy follows "
        "within the same window; resolved when the patient then takes up the work in two substantive "
        "utterances. "
        f"Segment and session ratings come from rule {escape(s.rating_rule)} fitted to hand-coded 3RS-style "
        "ratings of the project corpus (see data_schemas/sessionsummary.schema.json).</p>"
    )
