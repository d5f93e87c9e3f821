"""Bootstrap 95% confidence intervals by resampling sessions (with replacement, fixed seed).

Sessions, not units, are resampled, because the units of one session are not independent. Each draw
recomputes the figures from the per-session counts (labels, groups, episodes) and the per-session rating
pairs; an interval is the 2.5th-97.5th percentile of the draws where the figure is defined.

Example:
    >>> from pipeline.labelset import load_labelset
    >>> from pipeline.evaluate.metrics import Unit
    >>> units = [Unit(s, str(i), "patient", frozenset({"wd_denial"} if i else ()),
    ...               frozenset({"wd_denial"} if i or s == "b" else ())) for s in "abc" for i in range(3)]
    >>> ci = bootstrap_ci(units, {}, {}, load_labelset(), n=50, seed=1)
    >>> lo, hi = ci["micro_f1"]
    >>> 0 <= lo <= hi <= 1
    True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from pipeline.evaluate.icc import icc, krippendorff_alpha
from pipeline.evaluate.metrics import Unit, group_counts, label_counts
from pipeline.labelset import LabelSet

DEFAULT_DRAWS = 1000


def _f1(c: np.ndarray) -> np.ndarray:
    tp, fp, fn = c[..., 0], c[..., 1], c[..., 2]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(tp > 0, 2 * tp / (2 * tp + fp + fn), 0.0)


def _kappa(c: np.ndarray) -> np.ndarray:
    tp, fp, fn, tn = (c[..., i].astype(float) for i in range(4))
    n = tp + fp + fn + tn
    with np.errstate(invalid="ignore", divide="ignore"):
        po = (tp + tn) / n
        pe = ((tp + fp) * (tp + fn) + (fn + tn) * (fp + tn)) / (n * n)
        return np.where((n > 0) & (pe < 1), (po - pe) / (1 - pe), np.nan)


def _draws(n_sessions: int, n: int, seed: int) -> np.ndarray:
    """``(n, n_sessions)`` multiplicities: how often each session is drawn in each resample."""
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n_sessions, size=(n, n_sessions))
    return (
        np.stack([np.bincount(row, minlength=n_sessions) for row in idx]) if n else np.zeros((0, n_sessions))
    )


def _ci(values: np.ndarray, level: float) -> tuple[float, float] | None:
    values = np.asarray(values, float)
    values = values[~np.isnan(values)]
    if not len(values):
        return None
    tail = (1 - level) / 2 * 100
    lo, hi = np.percentile(values, [tail, 100 - tail])
    return float(lo), float(hi)


def bootstrap_ci(
    units: Sequence[Unit],
    ratings: Mapping[str, Sequence[tuple[str, int, int]]],
    episodes: Mapping[str, tuple[int, int, int]],
    labelset: LabelSet,
    n: int = DEFAULT_DRAWS,
    seed: int = 0,
    level: float = 0.95,
) -> dict[str, tuple[float, float]]:
    """Intervals keyed ``micro_f1``, ``macro_f1``, ``macro_kappa``, ``label.<id>.f1``, ``group.<g>.f1``,
    ``group.<g>.kappa``, ``rating.<item>.<stat>`` and ``episodes.<recall|precision|f1>``.

    ``episodes``: per session ``(found, missed, spurious)``.
    """
    sessions = sorted(
        {u.session_id for u in units} | {s for ps in ratings.values() for s, _, _ in ps} | set(episodes)
    )
    if not sessions or n <= 0:
        return {}
    pos = {s: i for i, s in enumerate(sessions)}
    m = _draws(len(sessions), n, seed).astype(float)
    out: dict[str, tuple[float, float] | None] = {}
    if units:
        out.update(_label_cis(units, sessions, m, labelset, level))
    for item, pairs in ratings.items():
        if len(pairs) >= 2:
            out.update(_rating_cis(item, pairs, pos, m, level))
    if episodes:
        e = np.array([episodes.get(s, (0, 0, 0)) for s in sessions], float)
        found, missed, spurious = (m @ e).T
        with np.errstate(invalid="ignore", divide="ignore"):
            out["episodes.recall"] = _ci(found / (found + missed), level)
            out["episodes.precision"] = _ci(found / (found + spurious), level)
            out["episodes.f1"] = _ci(2 * found / (2 * found + missed + spurious), level)
    return {k: v for k, v in out.items() if v is not None}


def _label_cis(units, sessions, m, labelset, level) -> dict[str, tuple[float, float] | None]:
    by_session: dict[str, list[Unit]] = {s: [] for s in sessions}
    for u in units:
        by_session[u.session_id].append(u)
    lab = np.stack([label_counts(by_session[s], labelset) for s in sessions]).astype(float)
    grp = np.stack([group_counts(by_session[s], labelset) for s in sessions]).astype(float)
    lc = np.einsum("bs,slk->blk", m, lab)
    gc = np.einsum("bs,slk->blk", m, grp)
    f1 = _f1(lc)
    has = (lc[..., 0] + lc[..., 2]) > 0
    kap = _kappa(lc)
    with np.errstate(invalid="ignore"):
        macro = np.array([np.mean(f[h]) if h.any() else np.nan for f, h in zip(f1, has, strict=True)])
        kmask = has & ~np.isnan(kap)
        mkappa = np.array([np.mean(k[h]) if h.any() else np.nan for k, h in zip(kap, kmask, strict=True)])
    out = {
        "micro_f1": _ci(_f1(lc.sum(axis=1)), level),
        "macro_f1": _ci(macro, level),
        "macro_kappa": _ci(mkappa, level),
    }
    total = lab.sum(axis=0)
    for j, label in enumerate(labelset.ids):
        if total[j, 0] + total[j, 2] > 0:
            out[f"label.{label}.f1"] = _ci(np.where(has[:, j], f1[:, j], np.nan), level)
    for j, group in enumerate(labelset.group_names):
        defined = (gc[:, j, 0] + gc[:, j, 2]) > 0
        out[f"group.{group}.f1"] = _ci(np.where(defined, _f1(gc[:, j]), np.nan), level)
        out[f"group.{group}.kappa"] = _ci(_kappa(gc[:, j]), level)
    return out


def _rating_cis(item, pairs, pos, m, level) -> dict[str, tuple[float, float] | None]:
    sidx = np.array([pos[s] for s, _, _ in pairs])
    g = np.array([x for _, x, _ in pairs], float)
    p = np.array([y for _, _, y in pairs], float)
    stats: dict[str, list[float]] = {
        k: [] for k in ("icc2_1", "icc3_1", "alpha_ordinal", "exact", "within_one")
    }
    for row in m:
        w = row[sidx].astype(int)
        gg, pp = np.repeat(g, w), np.repeat(p, w)
        if len(gg) < 2:
            continue
        res = icc(np.column_stack([gg, pp]))
        alpha = krippendorff_alpha(gg, pp)
        stats["icc2_1"].append(np.nan if res.icc2_1 is None else res.icc2_1)
        stats["icc3_1"].append(np.nan if res.icc3_1 is None else res.icc3_1)
        stats["alpha_ordinal"].append(np.nan if alpha is None else alpha)
        stats["exact"].append(float(np.mean(gg == pp)))
        stats["within_one"].append(float(np.mean(np.abs(gg - pp) <= 1)))
    return {f"rating.{item}.{k}": _ci(np.array(v), level) for k, v in stats.items()}
