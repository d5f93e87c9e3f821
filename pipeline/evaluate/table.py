"""The readable terminal table of an :class:`~pipeline.evaluate.core.EvaluationResult`.

Example:
    >>> from pipeline.evaluate.core import evaluate_sessions
    >>> from pipeline.datamodel import Session, Utterance
    >>> s = Session(session_id="s", utterances=[Utterance(session_id="s", turn_id="0", utterance_index=0,
    ...             role="patient", text="No.", start=0.0, labels=["wd_denial"])])
    >>> print(format_result(evaluate_sessions([s], [s], bootstrap=0)).splitlines()[0])
    predictions vs gold: utterance grain, 1 sessions, 1 units
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.evaluate.core import EvaluationResult

MAX_LINES = 20


def _f(x: float | None, width: int = 5) -> str:
    return f"{x:.2f}".rjust(width) if x is not None else "-".rjust(width)


def _ci(res: EvaluationResult, key: str) -> str:
    ci = res.ci.get(key)
    return f"[{ci[0]:.2f}, {ci[1]:.2f}]" if ci else ""


def _ci_pair(ci: tuple[float, float] | None) -> str:
    return f"[{ci[0]:.2f}, {ci[1]:.2f}]" if ci else ""


def format_result(res: EvaluationResult) -> str:
    """Every section of one result as plain text."""
    head = (
        f"{res.compared} vs {res.reference}: {res.grain or 'no label'} grain, {res.n_sessions} sessions, "
        f"{res.n_units} units"
    )
    if res.n_bootstrap:
        head += f"; 95% CIs from {res.n_bootstrap} bootstrap draws over sessions"
    lines = [head]
    if res.labels:
        lines += [""] + _label_lines(res)
    if res.ratings:
        lines += [""] + _rating_lines(res)
    if res.episodes.found + res.episodes.missed + res.episodes.spurious:
        lines += [""] + _episode_lines(res)
    lines += _confusion_lines(res) + _listed("Mismatches (never scored)", res.mismatches)
    lines += _listed("Notes", res.notes)
    return "\n".join(lines)


def _score_row(row: str, name: str, s, ci: str) -> str:
    """One label's or group's scores in the table's row format."""
    return row.format(
        name,
        s.support,
        s.predicted,
        _f(s.precision),
        _f(s.recall),
        _f(s.f1),
        _f(s.kappa, 6),
        _f(s.average_precision),
        ci,
    )


def _label_lines(res: EvaluationResult) -> list[str]:
    row = "{:<34} {:>7} {:>5} {:>5} {:>5} {:>5} {:>6} {:>5}  {}"
    out = [
        "Labels (each scored on units of its role)",
        row.format("label", "support", "pred", "P", "R", "F1", "kappa", "AP", "F1 95% CI"),
    ]
    hidden = 0
    for lab, s in res.labels.items():
        if not s.support and not s.predicted:
            hidden += 1
            continue
        out.append(_score_row(row, lab, s, _ci(res, f"label.{lab}.f1")))
    if hidden:
        out.append(f"({hidden} labels with no gold and no prediction not shown; see --json)")
    out += [
        "",
        "Groups (unit carries any label of the group)",
        row.format("group", "support", "pred", "P", "R", "F1", "kappa", "AP", "F1 95% CI"),
    ]
    for g, s in res.groups.items():
        out.append(_score_row(row, g, s, _ci(res, f"group.{g}.f1")))
    n_macro = sum(s.support > 0 for s in res.labels.values())
    out += [
        "",
        f"micro-F1 {_f(res.micro_f1).strip()} {_ci(res, 'micro_f1')}   "
        f"macro-F1 {_f(res.macro_f1).strip()} {_ci(res, 'macro_f1')} (mean over the {n_macro} labels "
        f"with support > 0)   macro-kappa {_f(res.macro_kappa).strip()} {_ci(res, 'macro_kappa')}",
    ]
    return out


def _rating_lines(res: EvaluationResult) -> list[str]:
    row = "{:<28} {:>4} {:>8} {:<14} {:>8} {:<14} {:>6} {:>6} {:>9} {:>9}"
    out = [
        "Segment and session ratings (1-5)",
        row.format(
            "item", "n", "ICC(2,1)", "95% CI", "ICC(3,1)", "95% CI", "alpha", "exact", "within-1", "one side"
        ),
    ]
    for item, r in res.ratings.items():
        out.append(
            row.format(
                item,
                r.n,
                _f(r.icc2_1, 8),
                _ci_pair(r.icc2_1_ci),
                _f(r.icc3_1, 8),
                _ci_pair(r.icc3_1_ci),
                _f(r.alpha_ordinal, 6),
                _f(r.exact, 6),
                _f(r.within_one, 9),
                r.rated_by_one_only,
            )
        )
    out.append(
        "(alpha: Krippendorff's, ordinal; 'one side': rated by one side only, e.g. resolution of a "
        "segment one side saw no rupture in)"
    )
    return out


def _episode_lines(res: EvaluationResult) -> list[str]:
    e = res.episodes
    return [
        f"Episodes (matched by time, tolerance {e.tolerance:g} s)",
        f"gold {e.found + e.missed}, {res.compared} {e.found + e.spurious}: found {e.found}, missed "
        f"{e.missed}, spurious {e.spurious}; recall {_f(e.recall).strip()} {_ci(res, 'episodes.recall')}, "
        f"precision {_f(e.precision).strip()} {_ci(res, 'episodes.precision')}, "
        f"F1 {_f(e.f1).strip()} {_ci(res, 'episodes.f1')}",
        f"of the {e.found} found: addressed agrees on {e.addressed_agree}, resolved on {e.resolved_agree}",
    ]


def _confusion_lines(res: EvaluationResult) -> list[str]:
    wrong = [(g, p, n) for g, p, n in res.confusion if g != p]
    if not wrong:
        return []
    out = ["", f"Most frequent confusions ({res.reference} -> {res.compared}; '(none)': nothing)"]
    out += [f"  {g:<34} -> {p:<34} {n}" for g, p, n in wrong[:10]]
    return out


def _listed(title: str, items: Sequence[str]) -> list[str]:
    if not items:
        return []
    out = ["", f"{title} ({len(items)}):"] + [f"  {x}" for x in items[:MAX_LINES]]
    if len(items) > MAX_LINES:
        out.append(f"  ... {len(items) - MAX_LINES} more (all are in --json)")
    return out


def format_side_by_side(results: Sequence[EvaluationResult]) -> str:
    """Headline figures of several comparisons in one table (coders and model side by side)."""
    cols = [f"{r.compared} vs {r.reference}" for r in results]
    width = max(22, *(len(c) for c in cols))
    rows = [
        ("micro-F1", lambda r: r.micro_f1),
        ("macro-F1", lambda r: r.macro_f1),
        ("macro-kappa", lambda r: r.macro_kappa),
    ]
    groups = sorted({g for r in results for g in r.groups})
    rows += [(f"{g} F1", lambda r, g=g: r.groups[g].f1 if g in r.groups else None) for g in groups]
    rows += [(f"{g} kappa", lambda r, g=g: r.groups[g].kappa if g in r.groups else None) for g in groups]
    items = [i for i in dict.fromkeys(i for r in results for i in r.ratings)]
    for i in items:
        rows += [
            (f"{i} ICC(2,1)", lambda r, i=i: r.ratings[i].icc2_1 if i in r.ratings else None),
            (f"{i} alpha", lambda r, i=i: r.ratings[i].alpha_ordinal if i in r.ratings else None),
        ]
    rows.append(("episodes F1", lambda r: r.episodes.f1))
    out = [f"{'':<44}" + "".join(c.rjust(width + 2) for c in cols)]
    for name, get in rows:
        out.append(f"{name:<44}" + "".join(_f(get(r), width + 2) for r in results))
    return "\n".join(out)
