"""Ratings (ICC, Krippendorff's alpha, exact/within-one), episode matching and the session bootstrap."""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest

from pipeline.datamodel import Episode
from pipeline.evaluate.bootstrap import bootstrap_ci
from pipeline.evaluate.episodes import match_episodes, match_session
from pipeline.evaluate.icc import icc, krippendorff_alpha, rating_agreement
from pipeline.evaluate.metrics import Unit, label_scores, micro_f1
from pipeline.labelset import load_labelset

LS = load_labelset()

# Shrout & Fleiss (1979), Table 2: 6 targets rated by 4 judges.
SHROUT_FLEISS = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]


def test_icc_shrout_fleiss_worked_example():
    r = icc(SHROUT_FLEISS)
    assert round(r.icc2_1, 2) == 0.29
    assert round(r.icc3_1, 2) == 0.71
    # ANOVA mean squares of the worked example (BMS 11.24, JMS 32.49, EMS 1.02)
    assert (round(r.ms_rows, 2), round(r.ms_cols, 2), round(r.ms_error, 2)) == (11.24, 32.49, 1.02)
    # F-based 95% intervals (as R's psych::ICC reports for this table)
    assert [round(x, 2) for x in r.icc2_1_ci] == [0.02, 0.76]
    assert [round(x, 2) for x in r.icc3_1_ci] == [0.34, 0.95]


def test_icc_independent_formulas_two_raters():
    rng = np.random.default_rng(5)
    g = rng.integers(1, 6, 40)
    p = np.clip(g + rng.integers(-1, 2, 40) + 1, 1, 5)
    x = np.column_stack([g, p]).astype(float)
    n, k = x.shape
    # McGraw & Wong: from the sums of squares, written out independently
    rows = x.mean(1)
    cols = x.mean(0)
    gm = x.mean()
    msr = k * np.var(rows, ddof=1)
    msc = n * np.sum((cols - gm) ** 2) / (k - 1)
    resid = x - rows[:, None] - cols[None, :] + gm
    mse = np.sum(resid**2) / ((n - 1) * (k - 1))
    r = icc(x)
    assert r.icc3_1 == pytest.approx((msr - mse) / (msr + (k - 1) * mse))
    assert r.icc2_1 == pytest.approx((msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n))
    assert r.icc2_1 < r.icc3_1  # a systematic offset lowers absolute agreement only


def test_icc_undefined_cases():
    assert icc([[1, 1]]).icc2_1 is None
    assert icc([[2, 2], [2, 2], [2, 2]]).icc3_1 is None


def test_alpha_is_the_krippendorff_package_ordinal():
    g = [1, 2, 3, 3, 4, 5, 2, 1]
    p = [1, 3, 3, 2, 4, 4, 2, 2]
    expected = krippendorff.alpha(
        reliability_data=[g, p], level_of_measurement="ordinal", value_domain=[1, 2, 3, 4, 5]
    )
    assert krippendorff_alpha(g, p) == pytest.approx(expected)
    assert krippendorff_alpha([1, 2, 3], [1, 2, 3]) == 1.0
    assert krippendorff_alpha([3, 3], [3, 3]) is None


def test_alpha_hand_worked_nominal_agrees_with_ordinal_on_two_values():
    # With only two distinct values the ordinal and nominal metrics are proportional, so alpha agrees.
    # Hand computation (nominal): pairable values 2n = 8; coincidences o11 = 4, o22 = 2, o12 = o21 = 1;
    # n1 = 5, n2 = 3; Do = 2/8; De = 2*5*3/(8*7); alpha = 1 - Do/De = 1 - (2/8)/(30/56) = 0.5333
    g, p = [1, 1, 2, 1], [1, 1, 2, 2]
    assert krippendorff_alpha(g, p) == pytest.approx(1 - (2 / 8) / (30 / 56))


def test_exact_and_within_one():
    r = rating_agreement([1, 2, 3, 5, 4], [1, 3, 5, 5, 2], rated_by_one_only=2)
    assert r.exact == pytest.approx(2 / 5)
    assert r.within_one == pytest.approx(3 / 5)
    assert r.n == 5 and r.rated_by_one_only == 2
    assert r.mean_gold == pytest.approx(3.0) and r.mean_pred == pytest.approx(3.2)


def ep(k: int, start: float, end: float, addressed: bool = False) -> Episode:
    return Episode(
        episode_index=k,
        kind="withdrawal",
        start_utterance=0,
        end_utterance=0,
        start=start,
        end=end,
        markers=[],
        marker_utterances=[],
        addressed=addressed,
        resolved=False,
        strategies=[],
        strategy_utterances=[],
        contributions_before=[],
        contributions_during=[],
        contribution_utterances=[],
    )


def test_episode_matching_with_tolerance():
    gold = {"a": [ep(1, 100, 130, True), ep(2, 600, 620)], "b": [ep(1, 10, 20)]}
    pred = {"a": [ep(1, 170, 180, True), ep(2, 300, 310)], "c": [ep(1, 0, 5)]}
    m = match_episodes(gold, pred, tolerance=60)
    assert (m.found, m.missed, m.spurious) == (1, 2, 1)  # session c is not in the gold: not counted here
    assert m.pairs == [("a", 1, 1)] and m.addressed_agree == 1
    assert m.recall == pytest.approx(1 / 3) and m.precision == pytest.approx(1 / 2)
    assert match_episodes(gold, pred, tolerance=30).found == 0
    assert match_episodes(gold, pred, tolerance=300).found == 2


def test_episode_matching_is_one_to_one():
    pairs = match_session([ep(1, 100, 110), ep(2, 115, 120)], [ep(1, 105, 118)], 10)
    assert pairs == [(0, 0)]


def test_bootstrap_is_deterministic_and_brackets_the_estimate():
    rng = np.random.default_rng(0)
    units = []
    for s in range(12):
        for i in range(20):
            gold = {"wd_denial"} if rng.random() < 0.3 else set()
            pred = gold if rng.random() < 0.8 else ({"wd_denial"} - gold)
            units.append(Unit(f"s{s}", str(i), "patient", frozenset(gold), frozenset(pred)))
    ratings = {
        "withdrawal_significance": [
            (f"s{s}", int(rng.integers(1, 6)), int(rng.integers(1, 6))) for s in range(12) for _ in range(2)
        ]
    }
    eps = {f"s{s}": (1, s % 2, 0) for s in range(12)}
    a = bootstrap_ci(units, ratings, eps, LS, n=200, seed=3)
    b = bootstrap_ci(units, ratings, eps, LS, n=200, seed=3)
    assert a == b
    point = micro_f1(units, LS)
    lo, hi = a["micro_f1"]
    assert lo <= point <= hi and hi - lo < 0.5
    assert a["label.wd_denial.f1"][0] <= label_scores(units, LS)["wd_denial"].f1 <= a["label.wd_denial.f1"][1]
    assert "rating.withdrawal_significance.icc2_1" in a and "episodes.recall" in a
    assert "label.wd_minimal_response.f1" not in a  # no support: no interval
    assert bootstrap_ci(units, ratings, eps, LS, n=0) == {}
