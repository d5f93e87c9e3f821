"""Label-level metrics of predictions (or a second coder) against gold: the definitions the model card uses.

Metrics
-------
Every figure is computed over **units** (utterances or turns, whichever grain the gold has). A unit holds
its gold label set, its predicted label set, the predicted scores (when a model gave them) and its role.

* **Per label** (precision, recall, F1, support, Cohen's kappa, average precision): computed only over
  the units of the label's role (codebook section 1): a ``wd_``/``cf_`` label on patient units, an
  ``rs_``/``tc_`` label on therapist units. A unit whose role is unknown (``None``; two coders' turn
  sheets without transcripts) counts for every label. ``support`` = gold positives; precision of a label
  never predicted is 0; kappa is ``None`` when undefined (both sides constant); average precision
  (scikit-learn's step-wise AP) is ``None`` without a positive or without scores.
* **Per coarse group** (withdrawal, confrontation, resolution, therapist_contribution): the same figures
  for "the unit carries at least one label of the group", over units of the group's role; the group's
  score is the maximum of its labels' scores.
* **Micro-F1**: over all (unit, label) pairs where the unit has the label's role (one pooled count).
* **Macro-F1**: the unweighted mean of per-label F1 over the labels with support > 0 (labels absent from
  the gold are left out, not counted as 0 or 1). **Macro-kappa**: the same mean over per-label kappa.
  **Groups macro-F1**: the same mean over the coarse groups with support > 0.
* **Confusion** (which labels are mistaken for which, multi-label): for each unit and each gold label
  ``g``: counted as ``(g, g)`` when predicted; otherwise once as ``(g, p)`` for each wrongly predicted
  label ``p`` of the same role on that unit, or ``(g, "(none)")`` when there is none. A wrongly predicted
  label on a unit with no gold label of its role counts as ``("(none)", p)``.

Turn-level scores come from utterances by :func:`pipeline.evaluate.align.to_turns`: a turn carries a
label if any of its utterances does, and its score is the maximum over its utterances.

Example:
    >>> from pipeline.labelset import load_labelset
    >>> units = [Unit("s", "0", "patient", frozenset({"wd_denial"}), frozenset({"wd_denial"})),
    ...          Unit("s", "1", "patient", frozenset(), frozenset({"wd_denial"})),
    ...          Unit("s", "2", "therapist", frozenset(), frozenset())]
    >>> scores = label_scores(units, load_labelset())
    >>> scores["wd_denial"].precision, scores["wd_denial"].recall, scores["wd_denial"].support
    (0.5, 1.0, 1)
    >>> round(micro_f1(units, load_labelset()), 3), macro_f1(scores)
    (0.667, 0.6666666666666666)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass

import numpy as np

from pipeline.labelset import LabelSet

NONE = "(none)"


@dataclass(frozen=True)
class Unit:
    """One scored unit: gold and predicted label sets, predicted scores, role (``None``: unknown)."""

    session_id: str
    unit_id: str
    role: str | None
    gold: frozenset[str]
    pred: frozenset[str]
    scores: Mapping[str, float] | None = None


@dataclass
class Scores:
    """Precision, recall, F1, support, kappa and average precision of one label or group."""

    precision: float
    recall: float
    f1: float
    support: int
    predicted: int
    n_units: int
    kappa: float | None
    average_precision: float | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def applies(role: str | None, unit: Unit) -> bool:
    """Does a label of ``role`` get scored on ``unit``?"""
    return unit.role is None or unit.role == role


def counts(gold: Iterable[bool], pred: Iterable[bool]) -> np.ndarray:
    """``[tp, fp, fn, tn]`` of two boolean sequences.

    Example:
        >>> counts([True, False, True], [True, True, False]).tolist()
        [1, 1, 1, 0]
    """
    g, p = np.asarray(list(gold), bool), np.asarray(list(pred), bool)
    return np.array([np.sum(g & p), np.sum(~g & p), np.sum(g & ~p), np.sum(~g & ~p)], dtype=np.int64)


def prf(c: Sequence[float]) -> tuple[float, float, float]:
    """Precision, recall and F1 from ``[tp, fp, fn, tn]`` (0 where undefined: zero_division=0)."""
    tp, fp, fn = float(c[0]), float(c[1]), float(c[2])
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return precision, recall, f1


def kappa(c: Sequence[float]) -> float | None:
    """Cohen's kappa of a 2x2 table ``[tp, fp, fn, tn]``; ``None`` when undefined (chance agreement is 1).

    Example:
        >>> round(kappa([20, 5, 10, 15]), 4)
        0.4
    """
    tp, fp, fn, tn = (float(x) for x in c)
    n = tp + fp + fn + tn
    if not n:
        return None
    po = (tp + tn) / n
    pe = ((tp + fp) * (tp + fn) + (fn + tn) * (fp + tn)) / (n * n)
    return None if pe >= 1.0 else (po - pe) / (1.0 - pe)


def average_precision(gold: Sequence[bool], score: Sequence[float]) -> float | None:
    """scikit-learn's average precision; ``None`` without a gold positive."""
    from sklearn.metrics import average_precision_score

    if not any(gold):
        return None
    return float(average_precision_score(np.asarray(gold, int), np.asarray(score, float)))


def _score(unit: Unit, labels: Sequence[str]) -> float | None:
    if unit.scores is None:
        return None
    got = [unit.scores[lab] if lab in unit.scores else float(lab in unit.pred) for lab in labels]
    return max(got) if got else None


def _scores_for(units: list[Unit], gold: list[bool], pred: list[bool], labels: Sequence[str]) -> Scores:
    c = counts(gold, pred)
    p, r, f = prf(c)
    raw = [_score(u, labels) for u in units]
    ap = average_precision(gold, raw) if raw and all(s is not None for s in raw) else None
    return Scores(p, r, f, int(c[0] + c[2]), int(c[0] + c[1]), len(units), kappa(c), ap)


def label_scores(units: Sequence[Unit], labelset: LabelSet) -> dict[str, Scores]:
    """Per-label scores, each over the units of the label's role (see the module docstring)."""
    out = {}
    for lab in labelset.labels:
        mine = [u for u in units if applies(lab.role, u)]
        out[lab.id] = _scores_for(
            mine, [lab.id in u.gold for u in mine], [lab.id in u.pred for u in mine], [lab.id]
        )
    return out


def group_scores(units: Sequence[Unit], labelset: LabelSet) -> dict[str, Scores]:
    """Per coarse group: 'carries a label of the group', over the units of the group's role."""
    out = {}
    for group, info in labelset.groups.items():
        ids = set(labelset.ids_in_group(group))
        mine = [u for u in units if applies(info["role"], u)]
        out[group] = _scores_for(
            mine, [bool(ids & u.gold) for u in mine], [bool(ids & u.pred) for u in mine], sorted(ids)
        )
    return out


def label_counts(units: Sequence[Unit], labelset: LabelSet) -> np.ndarray:
    """``(n_labels, 4)`` array of ``[tp, fp, fn, tn]`` per label (in label-set order), role-restricted."""
    rows = []
    for lab in labelset.labels:
        mine = [u for u in units if applies(lab.role, u)]
        rows.append(counts([lab.id in u.gold for u in mine], [lab.id in u.pred for u in mine]))
    return np.array(rows, dtype=np.int64).reshape(len(labelset.labels), 4)


def group_counts(units: Sequence[Unit], labelset: LabelSet) -> np.ndarray:
    """``(n_groups, 4)`` array of ``[tp, fp, fn, tn]`` per group (in label-set order), role-restricted."""
    rows = []
    for group, info in labelset.groups.items():
        ids = set(labelset.ids_in_group(group))
        mine = [u for u in units if applies(info["role"], u)]
        rows.append(counts([bool(ids & u.gold) for u in mine], [bool(ids & u.pred) for u in mine]))
    return np.array(rows, dtype=np.int64).reshape(len(labelset.groups), 4)


def micro_f1(units: Sequence[Unit], labelset: LabelSet) -> float:
    """F1 over all (unit, label) pairs where the unit has the label's role."""
    return prf(label_counts(units, labelset).sum(axis=0))[2]


def macro_f1(scores: Mapping[str, Scores]) -> float | None:
    """Unweighted mean F1 over labels with support > 0; ``None`` when no label has support."""
    f1s = [s.f1 for s in scores.values() if s.support > 0]
    return float(np.mean(f1s)) if f1s else None


def macro_kappa(scores: Mapping[str, Scores]) -> float | None:
    """Unweighted mean kappa over labels with support > 0 (and a defined kappa)."""
    ks = [s.kappa for s in scores.values() if s.support > 0 and s.kappa is not None]
    return float(np.mean(ks)) if ks else None


def confusion(units: Sequence[Unit], labelset: LabelSet) -> Counter[tuple[str, str]]:
    """Counts of (gold label, predicted label) pairs; see the module docstring.

    Example:
        >>> from pipeline.labelset import load_labelset
        >>> u = Unit("s", "0", "patient", frozenset({"wd_denial"}), frozenset({"wd_minimal_response"}))
        >>> dict(confusion([u], load_labelset()))
        {('wd_denial', 'wd_minimal_response'): 1}
    """
    role = {lab.id: lab.role for lab in labelset.labels}
    out: Counter[tuple[str, str]] = Counter()
    for u in units:
        gold = {g for g in u.gold if g in role and applies(role[g], u)}
        wrong = {p for p in u.pred - u.gold if p in role and applies(role[p], u)}
        for g in gold:
            if g in u.pred:
                out[(g, g)] += 1
                continue
            others = [p for p in wrong if role[p] == role[g] or u.role is None]
            for p in others or [NONE]:
                out[(g, p)] += 1
        for p in wrong:
            if not any(role[g] == role[p] for g in gold):
                out[(NONE, p)] += 1
    return out


def misplaced_gold(units: Sequence[Unit], labelset: LabelSet) -> list[str]:
    """Gold labels given to a unit of the wrong role (not scored); one line each."""
    role = {lab.id: lab.role for lab in labelset.labels}
    return [
        f"{u.session_id} unit {u.unit_id}: gold {g} is a {role[g]} label on a {u.role} unit (not scored)"
        for u in units
        for g in sorted(u.gold)
        if g in role and not applies(role[g], u)
    ]


def units_from(
    gold: Sequence[Iterable[str]],
    pred: Sequence[Iterable[str]],
    roles: Sequence[str | None],
    scores: Sequence[Mapping[str, float] | None] | None = None,
    session_ids: Sequence[str] | None = None,
) -> list[Unit]:
    """Units from parallel lists (one entry a unit), for callers that hold plain label lists.

    Example:
        >>> [u.gold for u in units_from([["wd_denial"]], [[]], ["patient"])]
        [frozenset({'wd_denial'})]
    """
    n = len(gold)
    if not len(pred) == len(roles) == n or (scores is not None and len(scores) != n):
        raise ValueError("gold, pred, roles (and scores) must have one entry per unit")
    return [
        Unit(
            session_ids[i] if session_ids else "",
            str(i),
            roles[i],
            frozenset(gold[i]),
            frozenset(pred[i]),
            scores[i] if scores is not None else None,
        )
        for i in range(n)
    ]


def model_metrics(units: Sequence[Unit], labelset: LabelSet) -> dict:
    """The figures in the layout of a model's ``metrics.json`` (rounded to 4 places), from these definitions.

    Example:
        >>> from pipeline.labelset import load_labelset
        >>> m = model_metrics(units_from([["wd_denial"], []], [["wd_denial"], ["wd_denial"]],
        ...                              ["patient", "patient"]), load_labelset())
        >>> m["labels"]["wd_denial"]["f1"], m["macro_f1"], m["groups"]["withdrawal"]["support"]
        (0.6667, 0.6667, 1)
    """
    labels, groups = label_scores(units, labelset), group_scores(units, labelset)

    def row(s: Scores) -> dict:
        return {
            "precision": round(s.precision, 4),
            "recall": round(s.recall, 4),
            "f1": round(s.f1, 4),
            "support": s.support,
            "predicted": s.predicted,
            "kappa": None if s.kappa is None else round(s.kappa, 4),
            "average_precision": None if s.average_precision is None else round(s.average_precision, 4),
        }

    def rounded(x: float | None) -> float | None:
        return None if x is None else round(x, 4)

    return {
        "units": len(units),
        "micro_f1": rounded(micro_f1(units, labelset)),
        "macro_f1": rounded(macro_f1(labels)),
        "macro_kappa": rounded(macro_kappa(labels)),
        "labels_scored": sum(1 for s in labels.values() if s.support),
        "groups_macro_f1": rounded(macro_f1(groups)),
        "labels": {k: row(s) for k, s in labels.items()},
        "groups": {k: row(s) for k, s in groups.items()},
    }


def group_pr_curves(
    units: Sequence[Unit], labelset: LabelSet, points: int = 200
) -> dict[str, dict[str, list]]:
    """Precision-recall curves per coarse group (group score = max of its labels' scores), at most
    ``points`` points each; groups without a positive or without scores are left out."""
    from sklearn.metrics import precision_recall_curve

    out = {}
    for group, info in labelset.groups.items():
        ids = sorted(labelset.ids_in_group(group))
        mine = [u for u in units if applies(info["role"], u)]
        gold = [bool(set(ids) & u.gold) for u in mine]
        score = [_score(u, ids) for u in mine]
        if not any(gold) or any(x is None for x in score):
            continue
        precision, recall, _ = precision_recall_curve(np.asarray(gold, int), np.asarray(score, float))
        keep = np.unique(np.linspace(0, len(recall) - 1, min(points, len(recall))).round().astype(int))
        out[group] = {
            "precision": [round(float(x), 4) for x in precision[keep]],
            "recall": [round(float(x), 4) for x in recall[keep]],
        }
    return out
