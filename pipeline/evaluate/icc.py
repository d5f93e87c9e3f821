"""Agreement on 1-5 ratings: ICC(2,1) and ICC(3,1) with F-based intervals, Krippendorff's alpha, exact and
within-one agreement.

ICCs come from the two-way ANOVA mean squares of an ``n targets x k raters`` table (Shrout & Fleiss 1979;
McGraw & Wong 1996): ICC(2,1) is two-way random effects, absolute agreement, single rater; ICC(3,1) is
two-way mixed, consistency, single rater. Confidence intervals are the F-based ones of those papers
(ICC(2,1): Satterthwaite-type approximate degrees of freedom). Krippendorff's alpha (ordinal metric,
values 1-5) comes from the ``krippendorff`` package.

Example:
    >>> sf = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
    >>> r = icc(sf)
    >>> round(r.icc2_1, 2), round(r.icc3_1, 2)
    (0.29, 0.71)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
from scipy import stats

RATING_DOMAIN = (1, 2, 3, 4, 5)


@dataclass
class ICCResult:
    """Both ICCs with their (lower, upper) confidence bounds, and the ANOVA mean squares."""

    icc2_1: float | None
    icc2_1_ci: tuple[float, float] | None
    icc3_1: float | None
    icc3_1_ci: tuple[float, float] | None
    n_targets: int
    n_raters: int
    ms_rows: float | None = None
    ms_cols: float | None = None
    ms_error: float | None = None


def _mean_squares(x: np.ndarray) -> tuple[float, float, float]:
    n, k = x.shape
    grand = x.mean()
    ss_rows = k * ((x.mean(axis=1) - grand) ** 2).sum()
    ss_cols = n * ((x.mean(axis=0) - grand) ** 2).sum()
    ss_err = ((x - grand) ** 2).sum() - ss_rows - ss_cols
    return ss_rows / (n - 1), ss_cols / (k - 1), ss_err / ((n - 1) * (k - 1))


def icc(table: Sequence[Sequence[float]], confidence: float = 0.95) -> ICCResult:
    """ICC(2,1) and ICC(3,1) of an ``n targets x k raters`` table (no missing cells).

    ``None`` where undefined: fewer than 2 targets, or no variance at all.
    """
    x = np.asarray(table, dtype=float)
    n, k = x.shape if x.ndim == 2 else (0, 0)
    if n < 2 or k < 2:
        return ICCResult(None, None, None, None, n, k)
    msr, msc, mse = _mean_squares(x)
    den2 = msr + (k - 1) * mse + k * (msc - mse) / n
    den3 = msr + (k - 1) * mse
    if den2 <= 0 or den3 <= 0:
        return ICCResult(None, None, None, None, n, k, msr, msc, mse)
    icc2 = (msr - mse) / den2
    icc3 = (msr - mse) / den3
    alpha = 1 - confidence
    return ICCResult(
        float(icc2),
        _floats(_ci2(icc2, msr, msc, mse, n, k, alpha)),
        float(icc3),
        _floats(_ci3(msr, mse, n, k, alpha)),
        n,
        k,
        float(msr),
        float(msc),
        float(mse),
    )


def _floats(ci: tuple[float, float] | None) -> tuple[float, float] | None:
    return None if ci is None else (float(ci[0]), float(ci[1]))


def _ci3(msr: float, mse: float, n: int, k: int, alpha: float) -> tuple[float, float] | None:
    if mse <= 0:
        return None
    f0 = msr / mse
    df1, df2 = n - 1, (n - 1) * (k - 1)
    fl = f0 / stats.f.ppf(1 - alpha / 2, df1, df2)
    fu = f0 * stats.f.ppf(1 - alpha / 2, df2, df1)
    return (fl - 1) / (fl + k - 1), (fu - 1) / (fu + k - 1)


def _ci2(icc2: float, msr: float, msc: float, mse: float, n: int, k: int, alpha: float):
    if mse <= 0:
        return None
    fj = msc / mse
    vn = (k - 1) * (n - 1) * (k * icc2 * fj + n * (1 + (k - 1) * icc2) - k * icc2) ** 2
    vd = (n - 1) * k**2 * icc2**2 * fj**2 + (n * (1 + (k - 1) * icc2) - k * icc2) ** 2
    if vd <= 0 or vn <= 0:
        return None
    v = vn / vd
    f_lo = stats.f.ppf(1 - alpha / 2, n - 1, v)
    f_hi = stats.f.ppf(1 - alpha / 2, v, n - 1)
    extra = k * msc + (k * n - k - n) * mse
    lower = n * (msr - f_lo * mse) / (f_lo * extra + n * msr)
    upper = n * (f_hi * msr - mse) / (extra + n * f_hi * msr)
    return lower, upper


def krippendorff_alpha(gold: Sequence[float], other: Sequence[float]) -> float | None:
    """Ordinal Krippendorff's alpha of two raters over values 1-5; ``None`` when undefined.

    Example:
        >>> krippendorff_alpha([1, 2, 3, 4], [1, 2, 3, 4])
        1.0
    """
    import krippendorff

    if len(gold) < 2:
        return None
    data = np.array([list(gold), list(other)], dtype=float)
    if len(np.unique(data)) < 2:
        return None
    domain = sorted(set(RATING_DOMAIN) | set(np.unique(data).tolist()))
    try:
        value = float(
            krippendorff.alpha(reliability_data=data, level_of_measurement="ordinal", value_domain=domain)
        )
    except (ValueError, ZeroDivisionError):
        return None
    return None if math.isnan(value) else value


@dataclass
class RatingAgreement:
    """Agreement between gold and predicted (or a second coder's) ratings of one item."""

    n: int
    icc2_1: float | None
    icc2_1_ci: tuple[float, float] | None
    icc3_1: float | None
    icc3_1_ci: tuple[float, float] | None
    alpha_ordinal: float | None
    exact: float | None
    within_one: float | None
    mean_gold: float | None
    mean_pred: float | None
    rated_by_one_only: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


def rating_agreement(gold: Sequence[int], pred: Sequence[int], rated_by_one_only: int = 0) -> RatingAgreement:
    """All rating statistics for paired ratings (same targets, in the same order).

    Example:
        >>> r = rating_agreement([1, 2, 3, 3], [1, 3, 3, 5])
        >>> r.exact, r.within_one
        (0.5, 0.75)
    """
    g, p = np.asarray(gold, float), np.asarray(pred, float)
    n = len(g)
    if not n:
        return RatingAgreement(0, None, None, None, None, None, None, None, None, None, rated_by_one_only)
    res = icc(np.column_stack([g, p]))
    return RatingAgreement(
        n=n,
        icc2_1=res.icc2_1,
        icc2_1_ci=res.icc2_1_ci,
        icc3_1=res.icc3_1,
        icc3_1_ci=res.icc3_1_ci,
        alpha_ordinal=krippendorff_alpha(g, p),
        exact=float(np.mean(g == p)),
        within_one=float(np.mean(np.abs(g - p) <= 1)),
        mean_gold=float(g.mean()),
        mean_pred=float(p.mean()),
        rated_by_one_only=rated_by_one_only,
    )
