"""``cohort.html``: plots and a table across the sessions of an annotate run.

Example:
    >>> import pandas as pd
    >>> frame = pd.DataFrame([{"session_id": "s1", "n_episodes": 2, "n_addressed": 1, "n_resolved": 1,
    ...     "withdrawal_per_10_min": 1.0, "confrontation_per_10_min": 0.5, "duration_min": 12.0}])
    >>> "<svg" in cohort_page(frame)
    True
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import pandas as pd

from pipeline.io import atomic_open
from pipeline.report.annotate_links import report_link
from pipeline.report.page import Markup, html_page, table
from pipeline.report.svg import bar_chart, scatter

REPAIR_COLORS = ("#2a9d3a", "#e0b000", "#d62728")
GROUP_COLUMNS = ("meta_mi_quality", "meta_clinician_style", "meta_modality", "meta_topic")
TABLE_COLUMNS = (
    "n_utterances",
    "duration_min",
    "n_episodes",
    "n_addressed",
    "n_resolved",
    "median_time_to_repair_s",
    "withdrawal_per_10_min",
    "confrontation_per_10_min",
    "therapist_contribution",
    "overall_resolution",
)


def cohort_page(frame: pd.DataFrame) -> str:
    """The page as a string; works with any subset of the cohort columns."""
    n = len(frame)
    parts = [f"<h1>Cohort: {n} sessions</h1>"]
    if n == 0:
        return html_page("Cohort", parts[0] + "<p>No session has been annotated yet.</p>")
    parts.append(_totals(frame))
    parts.append("<h2>Episodes and repair by session</h2>")
    ids = frame["session_id"].astype(str).tolist()
    ep = frame.get("n_episodes", pd.Series([0] * n)).fillna(0)
    add = frame.get("n_addressed", pd.Series([0] * n)).fillna(0)
    res = frame.get("n_resolved", pd.Series([0] * n)).fillna(0)
    series = {
        "resolved": res.tolist(),
        "addressed, not resolved": (add - res).tolist(),
        "not addressed": (ep - add).tolist(),
    }
    chart = bar_chart(ids, series, "Rupture episodes a session", colors=REPAIR_COLORS)
    parts.append(f'<div class="figure">{chart}</div>')
    parts.append(_rate_scatter(frame))
    parts.append(_by_group(frame))
    parts.append("<h2>Sessions</h2>")
    parts.append(_session_table(frame))
    return html_page("Cohort: ruptures and repair", "\n".join(p for p in parts if p))


def write_cohort_page(path: str | Path, frame: pd.DataFrame) -> None:
    """Write ``cohort.html`` atomically."""
    with atomic_open(path) as fh:
        fh.write(cohort_page(frame))


def _totals(frame: pd.DataFrame) -> str:
    def total(col: str) -> float:
        return float(frame[col].fillna(0).sum()) if col in frame else 0.0

    eps = total("n_episodes")
    share = (lambda c: f"{100 * total(c) / eps:.0f}%") if eps else (lambda c: "-")
    rows = [
        ["Utterances", int(total("n_utterances"))],
        ["Rupture episodes", int(eps)],
        ["Addressed", share("n_addressed")],
        ["Resolved", share("n_resolved")],
    ]
    if "times_estimated" in frame and frame["times_estimated"].any():
        rows.append(["Sessions with estimated times", int(frame["times_estimated"].sum())])
    return table(["", ""], rows, {1})


def _rate_scatter(frame: pd.DataFrame) -> str:
    if not {"withdrawal_per_10_min", "confrontation_per_10_min"} <= set(frame):
        return ""
    group = next((c for c in GROUP_COLUMNS if c in frame and 1 < frame[c].nunique() <= 6), None)
    points = [
        (
            float(r["withdrawal_per_10_min"]),
            float(r["confrontation_per_10_min"]),
            str(r["session_id"]),
            str(r[group]) if group else "",
        )
        for _, r in frame.iterrows()
    ]
    svg = scatter(
        points,
        "Marker rates by session" + (f" ({group[5:]})" if group else ""),
        "withdrawal utterances per 10 min",
        "confrontation per 10 min",
    )
    return f'<h2>Withdrawal and confrontation rates</h2><div class="figure">{svg}</div>'


def _by_group(frame: pd.DataFrame) -> str:
    out = []
    cols = [
        c
        for c in (
            "withdrawal_per_10_min",
            "confrontation_per_10_min",
            "resolution_per_10_min",
            "therapist_contribution_per_10_min",
        )
        if c in frame
    ]
    for group in (c for c in GROUP_COLUMNS if c in frame and 1 < frame[c].nunique() <= 6):
        means = frame.groupby(group)[cols].mean().round(3)
        series = {c.replace("_per_10_min", ""): means[c].tolist() for c in cols}
        title = f"Mean rates per 10 min by {group[5:]}"
        out.append(
            f'<div class="figure">{bar_chart([str(i) for i in means.index], series, title, stacked=False)}'
            "</div>"
        )
    return ("<h2>By group</h2>" + "".join(out)) if out else ""


def _session_table(frame: pd.DataFrame) -> str:
    cols = [c for c in TABLE_COLUMNS if c in frame]
    rows = [
        [Markup(report_link(str(r["session_id"])))] + [r[c] if pd.notna(r[c]) else None for c in cols]
        for _, r in frame.iterrows()
    ]
    return table(["Session", *[c.replace("_", " ") for c in cols]], rows, set(range(1, len(cols) + 1)))


__all__ = ["cohort_page", "write_cohort_page", "escape"]
