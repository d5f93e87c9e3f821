"""``--report DIR``: an HTML page with the evaluation's tables and plots (inline SVG, no network requests).

Writes ``DIR/index.html`` and ``DIR/results.json``. Plots: per-label F1 with bootstrap intervals, per-group
precision/recall/F1, per-group precision-recall curves (when the predictions carry scores), the label
confusion matrix, and gold-by-predicted counts of each 1-5 rating.

Example:
    >>> import tempfile, pathlib
    >>> from pipeline.datamodel import Session, Utterance
    >>> from pipeline.evaluate.core import evaluate_sessions
    >>> s = Session(session_id="s", utterances=[Utterance(session_id="s", turn_id="0", utterance_index=0,
    ...             role="patient", text="No.", start=0.0, labels=["wd_denial"])])
    >>> page = write_report(pathlib.Path(tempfile.mkdtemp()), [evaluate_sessions([s], [s], bootstrap=0)])
    >>> page.name, "<svg" in page.read_text()
    ('index.html', True)
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from html import escape
from pathlib import Path

from pipeline.evaluate.core import EvaluationResult
from pipeline.evaluate.metrics import NONE
from pipeline.evaluate.table import format_side_by_side
from pipeline.io import atomic_open, write_json

GROUP_COLOURS = {
    "withdrawal": "#1f6fb4",
    "confrontation": "#d62728",
    "resolution": "#2a9d3a",
    "therapist_contribution": "#f08c00",
}


def _score_cells(name: str, s, ci) -> list:
    """One label's or group's cells in the scores tables."""
    return [name, s.support, s.predicted, s.precision, s.recall, s.f1, s.kappa, s.average_precision, _ci(ci)]


def _svg(fig) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg") :]


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def label_f1_plot(res: EvaluationResult) -> str:
    """Horizontal bars of per-label F1 (labels with support), with bootstrap 95% intervals."""
    from pipeline.labelset import load_labelset

    ls = load_labelset()
    rows = [(lab, s) for lab, s in res.labels.items() if s.support > 0]
    if not rows:
        return ""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 0.28 * len(rows) + 1))
    ys = range(len(rows))
    f1 = [s.f1 for _, s in rows]
    err = [
        [max(0.0, s.f1 - res.ci.get(f"label.{lab}.f1", (s.f1, s.f1))[0]) for lab, s in rows],
        [max(0.0, res.ci.get(f"label.{lab}.f1", (s.f1, s.f1))[1] - s.f1) for lab, s in rows],
    ]
    colours = [GROUP_COLOURS.get(ls.group_of(lab), "#888") for lab, _ in rows]
    ax.barh(list(ys), f1, xerr=err if res.ci else None, color=colours, ecolor="#333", capsize=2)
    ax.set_yticks(list(ys), [f"{lab} (n={s.support})" for lab, s in rows], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("F1 (bars: bootstrap 95% CI over sessions)" if res.ci else "F1")
    return _svg(fig)


def group_plot(res: EvaluationResult) -> str:
    """Grouped bars of precision, recall and F1 for each coarse group."""
    if not res.groups:
        return ""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 2.6))
    names = list(res.groups)
    for k, (what, shade) in enumerate((("precision", 0.45), ("recall", 0.7), ("f1", 1.0))):
        xs = [i + (k - 1) * 0.27 for i in range(len(names))]
        ax.bar(
            xs,
            [getattr(res.groups[g], what) for g in names],
            width=0.27,
            label=what,
            alpha=shade,
            color=[GROUP_COLOURS.get(g, "#888") for g in names],
        )
    ax.set_xticks(range(len(names)), [g.replace("_", " ") for g in names], fontsize=8)
    ax.set_ylim(0, 1)
    ax.legend(fontsize=7, ncols=3, loc="upper left", bbox_to_anchor=(0, -0.15), frameon=False)
    return _svg(fig)


def pr_plot(res: EvaluationResult) -> str:
    """Precision-recall curves of the coarse groups (from the predicted scores)."""
    if not res.pr_curves:
        return ""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(4.2, 3.4))
    for g, c in res.pr_curves.items():
        ap = res.groups[g].average_precision if g in res.groups else None
        label = g.replace("_", " ") + (f" (AP {ap:.2f})" if ap is not None else "")
        ax.step(c["recall"], c["precision"], where="post", color=GROUP_COLOURS.get(g, "#888"), label=label)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("recall")
    ax.set_ylabel("precision")
    ax.legend(fontsize=7, loc="lower left")
    return _svg(fig)


def confusion_plot(res: EvaluationResult) -> str:
    """Heat map of (gold label, predicted label) counts over the labels that occur."""
    if not res.confusion:
        return ""
    from pipeline.labelset import load_labelset

    order = {lab: i for i, lab in enumerate([NONE, *load_labelset().ids])}
    names = sorted(
        {g for g, _, _ in res.confusion} | {p for _, p, _ in res.confusion},
        key=lambda n: (order.get(n, len(order)), n),
    )
    idx = {n: i for i, n in enumerate(names)}
    grid = [[0] * len(names) for _ in names]
    for g, p, n in res.confusion:
        grid[idx[g]][idx[p]] = n
    plt = _plt()
    size = 0.32 * len(names) + 2
    fig, ax = plt.subplots(figsize=(size, size))
    ax.imshow(grid, cmap="Blues")
    for i, row in enumerate(grid):
        for j, n in enumerate(row):
            if n:
                ax.text(j, i, str(n), ha="center", va="center", fontsize=6)
    ax.set_xticks(range(len(names)), names, rotation=90, fontsize=6)
    ax.set_yticks(range(len(names)), names, fontsize=6)
    ax.set_xlabel(res.compared)
    ax.set_ylabel(res.reference)
    return _svg(fig)


def ratings_plot(res: EvaluationResult) -> str:
    """For each rating item, a 5x5 table of counts: gold rating (rows) by the other side's (columns)."""
    items = [i for i, ps in res.rating_pairs.items() if ps]
    if not items:
        return ""
    plt = _plt()
    fig, axes = plt.subplots(1, len(items), figsize=(2.2 * len(items), 2.4), squeeze=False)
    for ax, item in zip(axes[0], items, strict=True):
        grid = [[0] * 5 for _ in range(5)]
        for _, g, p in res.rating_pairs[item]:
            grid[g - 1][p - 1] += 1
        ax.imshow(grid, cmap="Greens", origin="lower")
        for i in range(5):
            for j in range(5):
                if grid[i][j]:
                    ax.text(j, i, str(grid[i][j]), ha="center", va="center", fontsize=7)
        ax.set_xticks(range(5), range(1, 6), fontsize=7)
        ax.set_yticks(range(5), range(1, 6), fontsize=7)
        ax.set_title(item.replace("_", " "), fontsize=7)
        ax.set_xlabel(res.compared, fontsize=7)
    axes[0][0].set_ylabel(res.reference, fontsize=7)
    return _svg(fig)


def _table(header: list[str], rows: list[list[object]]) -> str:
    def cell(v: object) -> str:
        if isinstance(v, float):
            return f'<td class="num">{v:.2f}</td>'
        return f"<td>{escape('-' if v is None else str(v))}</td>"

    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(cell(c) for c in r) + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _ci(ci) -> str:
    return f"[{ci[0]:.2f}, {ci[1]:.2f}]" if ci else ""


def result_section(res: EvaluationResult) -> str:
    """Tables and plots of one comparison."""
    parts = [
        f"<h2>{escape(res.compared)} vs {escape(res.reference)}</h2>",
        f"<p>{escape(res.grain or 'no label')} grain, {res.n_sessions} sessions, {res.n_units} units"
        + (f"; 95% CIs from {res.n_bootstrap} bootstrap draws over sessions" if res.n_bootstrap else "")
        + "</p>",
    ]
    if res.labels:
        parts.append(
            f"<p>micro-F1 {res.micro_f1:.2f} {_ci(res.ci.get('micro_f1'))}; macro-F1 "
            f"{'-' if res.macro_f1 is None else f'{res.macro_f1:.2f}'} {_ci(res.ci.get('macro_f1'))} "
            "(unweighted mean over labels with support &gt; 0)</p>"
        )
        rows = [
            _score_cells(lab, s, res.ci.get(f"label.{lab}.f1"))
            for lab, s in res.labels.items()
            if s.support or s.predicted
        ]
        parts += [
            "<h3>Labels</h3>",
            _table(["label", "support", "predicted", "P", "R", "F1", "kappa", "AP", "F1 95% CI"], rows),
            label_f1_plot(res),
        ]
        grows = [_score_cells(g, s, res.ci.get(f"group.{g}.f1")) for g, s in res.groups.items()]
        parts += [
            "<h3>Groups</h3>",
            _table(["group", "support", "predicted", "P", "R", "F1", "kappa", "AP", "F1 95% CI"], grows),
            group_plot(res),
            pr_plot(res),
        ]
        parts += ["<h3>Confusions</h3>", confusion_plot(res)]
    if res.ratings:
        rrows = [
            [
                i,
                r.n,
                r.icc2_1,
                _ci(r.icc2_1_ci),
                r.icc3_1,
                _ci(r.icc3_1_ci),
                r.alpha_ordinal,
                r.exact,
                r.within_one,
                r.rated_by_one_only,
            ]
            for i, r in res.ratings.items()
        ]
        parts += [
            "<h3>Segment and session ratings</h3>",
            _table(
                [
                    "item",
                    "n",
                    "ICC(2,1)",
                    "95% CI",
                    "ICC(3,1)",
                    "95% CI",
                    "alpha (ordinal)",
                    "exact",
                    "within one",
                    "one side only",
                ],
                rrows,
            ),
            ratings_plot(res),
        ]
    e = res.episodes
    if e.found + e.missed + e.spurious:
        parts += [
            "<h3>Episodes</h3>",
            f"<p>tolerance {e.tolerance:g} s: gold {e.found + e.missed}, found "
            f"{e.found}, missed {e.missed}, spurious {e.spurious}; recall "
            f"{'-' if e.recall is None else f'{e.recall:.2f}'}, precision "
            f"{'-' if e.precision is None else f'{e.precision:.2f}'}</p>",
        ]
    for title, items in (("Mismatches (never scored)", res.mismatches), ("Notes", res.notes)):
        if items:
            parts += [
                f"<h3>{title} ({len(items)})</h3><ul>"
                + "".join(f"<li>{escape(x)}</li>" for x in items)
                + "</ul>"
            ]
    return "\n".join(p for p in parts if p)


def write_report(
    out_dir: str | Path,
    results: Sequence[EvaluationResult],
    title: str = "rupture evaluate",
    preface: str = "",
) -> Path:
    """Write ``index.html`` (tables and plots) and ``results.json`` into ``out_dir``; return the page."""
    from pipeline.report.page import html_page

    out = Path(out_dir)
    body = [f"<h1>{escape(title)}</h1>"]
    if preface:
        body.append(f"<pre>{escape(preface)}</pre>")
    elif len(results) > 1:
        body.append(f"<pre>{escape(format_side_by_side(results))}</pre>")
    body += [result_section(r) for r in results]
    page = out / "index.html"
    with atomic_open(page) as fh:
        fh.write(html_page(title, "\n".join(body)))
    data = [r.to_dict() for r in results]
    write_json(out / "results.json", data[0] if len(data) == 1 else data)
    return page


__all__ = ["write_report", "result_section"]
