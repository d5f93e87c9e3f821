"""Label metrics against scikit-learn and against small hand-worked examples."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import (
    average_precision_score,
    cohen_kappa_score,
    f1_score,
    precision_recall_fscore_support,
)

from pipeline.datamodel import Utterance
from pipeline.evaluate.align import to_turns
from pipeline.evaluate.metrics import (
    NONE,
    Unit,
    confusion,
    group_scores,
    kappa,
    label_scores,
    macro_f1,
    macro_kappa,
    micro_f1,
)
from pipeline.labelset import load_labelset

LS = load_labelset()


def unit(i, role, gold=(), pred=(), scores=None, sid="s"):
    return Unit(sid, str(i), role, frozenset(gold), frozenset(pred), scores)


def random_units(seed: int, n: int = 300) -> list[Unit]:
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        role = "patient" if rng.random() < 0.5 else "therapist"
        ids = LS.ids_for_role(role)
        gold = {lab for lab in ids if rng.random() < 0.08}
        scores = {lab: float(rng.random() * 0.6 + 0.4 * (lab in gold)) for lab in ids}
        pred = {lab for lab, s in scores.items() if s > 0.55}
        # a few gold labels on the wrong role: never scored
        if rng.random() < 0.03:
            gold.add(LS.ids_for_role("therapist" if role == "patient" else "patient")[0])
        out.append(Unit(f"s{i % 7}", str(i), role, frozenset(gold), frozenset(pred), scores))
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_per_label_scores_match_scikit_learn(seed):
    units = random_units(seed)
    scores = label_scores(units, LS)
    for lab in LS.labels:
        mine = [u for u in units if u.role == lab.role]
        y = np.array([lab.id in u.gold for u in mine], int)
        p = np.array([lab.id in u.pred for u in mine], int)
        s = np.array([u.scores[lab.id] for u in mine])
        prec, rec, f1, _ = precision_recall_fscore_support(y, p, average="binary", zero_division=0)
        got = scores[lab.id]
        assert (got.precision, got.recall, got.f1) == pytest.approx((prec, rec, f1))
        assert got.support == y.sum() and got.predicted == p.sum() and got.n_units == len(mine)
        if y.any():
            assert got.average_precision == pytest.approx(average_precision_score(y, s))
            assert got.kappa == pytest.approx(cohen_kappa_score(y, p))
        else:
            assert got.average_precision is None


@pytest.mark.parametrize("seed", [0, 3])
def test_micro_and_macro_match_scikit_learn_over_role_pairs(seed):
    units = random_units(seed)
    ys, ps = [], []
    for lab in LS.labels:
        for u in units:
            if u.role == lab.role:
                ys.append(lab.id in u.gold)
                ps.append(lab.id in u.pred)
    assert micro_f1(units, LS) == pytest.approx(f1_score(ys, ps))
    scores = label_scores(units, LS)
    with_support = [s.f1 for s in scores.values() if s.support > 0]
    assert macro_f1(scores) == pytest.approx(np.mean(with_support))


def test_group_scores_match_scikit_learn():
    units = random_units(4)
    groups = group_scores(units, LS)
    for g, info in LS.groups.items():
        ids = set(LS.ids_in_group(g))
        mine = [u for u in units if u.role == info["role"]]
        y = [bool(ids & u.gold) for u in mine]
        p = [bool(ids & u.pred) for u in mine]
        s = [max(u.scores[i] for i in ids) for u in mine]
        assert groups[g].f1 == pytest.approx(f1_score(y, p))
        assert groups[g].kappa == pytest.approx(cohen_kappa_score(y, p))
        assert groups[g].average_precision == pytest.approx(average_precision_score(y, s))


def test_hand_worked_example():
    # patient units: denial gold on 0,1; predicted on 0,2 -> tp 1, fp 1, fn 1, tn 1 (unit 3)
    # therapist unit 4 has a predicted wd label that must not count (wrong role: not a scored pair).
    units = [
        unit(0, "patient", {"wd_denial"}, {"wd_denial"}),
        unit(1, "patient", {"wd_denial"}, set()),
        unit(2, "patient", set(), {"wd_denial"}),
        unit(3, "patient"),
        unit(4, "therapist", set(), {"wd_denial"}),
        unit(5, "therapist", {"rs_redirect"}, {"rs_redirect"}),
    ]
    s = label_scores(units, LS)
    d = s["wd_denial"]
    assert (d.precision, d.recall, d.f1, d.support, d.n_units) == (0.5, 0.5, 0.5, 2, 4)
    assert d.kappa == pytest.approx(0.0)  # po = .5, pe = .5
    assert s["rs_redirect"].f1 == 1.0 and s["rs_redirect"].n_units == 2
    # micro over role pairs: tp 2, fp 1, fn 1 -> 2*2/(4+1+1)
    assert micro_f1(units, LS) == pytest.approx(4 / 6)
    assert macro_f1(s) == pytest.approx((0.5 + 1.0) / 2)  # only the two labels with support
    assert macro_kappa(s) == pytest.approx((0.0 + 1.0) / 2)
    g = group_scores(units, LS)
    assert g["withdrawal"].f1 == 0.5 and g["resolution"].f1 == 1.0
    assert g["confrontation"].support == 0 and g["confrontation"].kappa is None


def test_kappa_hand_worked():
    # Cohen's kappa worked example: 50 items, yes/yes 20, no/yes 5, yes/no 10, no/no 15 -> 0.4
    assert kappa([20, 5, 10, 15]) == pytest.approx(0.4)
    assert kappa([0, 0, 0, 10]) is None


def test_unknown_role_is_scored_for_every_label():
    units = [unit(0, None, {"wd_denial"}, {"wd_denial"}), unit(1, None, {"rs_redirect"}, set())]
    s = label_scores(units, LS)
    assert s["wd_denial"].n_units == 2 and s["rs_redirect"].recall == 0.0


def test_confusion_counts():
    units = [
        unit(0, "patient", {"wd_denial"}, {"wd_minimal_response"}),
        unit(1, "patient", {"wd_denial"}, {"wd_denial", "cf_complaint_therapist"}),
        unit(2, "patient", {"wd_denial"}, set()),
        unit(3, "patient", set(), {"cf_reject_intervention"}),
        unit(4, "therapist", {"rs_redirect"}, {"tc_lecture"}),
    ]
    c = confusion(units, LS)
    assert c[("wd_denial", "wd_minimal_response")] == 1
    assert c[("wd_denial", "wd_denial")] == 1
    assert c[("wd_denial", NONE)] == 1
    assert c[(NONE, "cf_reject_intervention")] == 1
    assert c[("rs_redirect", "tc_lecture")] == 1
    assert (NONE, "cf_complaint_therapist") not in c  # the unit has a gold label of that role


def test_turn_aggregation_any_label_and_max_score():
    us = [
        Utterance(
            session_id="s",
            turn_id=t,
            utterance_index=i,
            role=r,
            text="x y z",
            start=float(i),
            end=i + 1.0,
            labels=lab,
            scores=sc,
        )
        for i, (t, r, lab, sc) in enumerate(
            [
                ("0", "patient", [], {"wd_denial": 0.1, "wd_minimal_response": 0.6}),
                ("0", "patient", ["wd_denial"], {"wd_denial": 0.8, "wd_minimal_response": 0.2}),
                ("1", "therapist", [], {"rs_redirect": 0.3}),
            ]
        )
    ]
    t0, t1 = to_turns(us)
    assert t0.unit_id == "0" and t0.labels == {"wd_denial"}
    assert t0.scores == {"wd_denial": 0.8, "wd_minimal_response": 0.6}
    assert (t0.start, t0.end) == (0.0, 2.0)
    assert t1.labels == frozenset() and t1.role == "therapist"


def test_model_metrics_agree_with_the_model_helpers_scores_when_roles_are_respected():
    """The model's own metrics.json figures equal these when gold and predictions respect the roles."""
    model_metrics_mod = pytest.importorskip("pipeline.model.metrics")
    from pipeline.evaluate.metrics import model_metrics, units_from

    rng = np.random.default_rng(11)
    gold, pred, roles = [], [], []
    for _ in range(400):
        role = "patient" if rng.random() < 0.5 else "therapist"
        ids = LS.ids_for_role(role)
        gold.append([lab for lab in ids if rng.random() < 0.06])
        pred.append([lab for lab in ids if rng.random() < 0.06])
        roles.append(role)
    mine = model_metrics(units_from(gold, pred, roles), LS)
    theirs = model_metrics_mod.evaluate(gold, pred, LS)
    for lab in LS.ids:
        for key in ("precision", "recall", "f1", "support", "predicted"):
            assert mine["labels"][lab][key] == pytest.approx(theirs["labels"][lab][key], abs=1e-4)
    assert mine["macro_f1"] == pytest.approx(theirs["macro_f1"], abs=1e-4)
    assert mine["groups_macro_f1"] == pytest.approx(theirs["groups_macro_f1"], abs=1e-4)
    assert mine["labels_scored"] == theirs["labels_scored"]


def test_group_pr_curves_are_scikit_learns():
    from sklearn.metrics import precision_recall_curve

    from pipeline.evaluate.metrics import group_pr_curves

    units = random_units(5, n=120)
    curves = group_pr_curves(units, LS, points=10_000)
    ids = set(LS.ids_in_group("withdrawal"))
    mine = [u for u in units if u.role == "patient"]
    p, r, _ = precision_recall_curve(
        [bool(ids & u.gold) for u in mine], [max(u.scores[i] for i in ids) for u in mine]
    )
    assert curves["withdrawal"]["precision"] == pytest.approx(list(p), abs=1e-4)
    assert curves["withdrawal"]["recall"] == pytest.approx(list(r), abs=1e-4)
    assert len(group_pr_curves(units, LS, points=5)["withdrawal"]["recall"]) <= 5
    assert group_pr_curves([unit(0, "patient", {"wd_denial"}, {"wd_denial"})], LS) == {}  # no scores
