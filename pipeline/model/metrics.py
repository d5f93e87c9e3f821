"""Utterance- (or unit-) level scores: per-label and per-group precision, recall, F1 and support.

Macro-F1 over labels averages the labels with gold support in the evaluated split (a label with no
positive cannot be scored; it is listed with support 0). Coarse groups (withdrawal, confrontation,
resolution, therapist contribution) count a unit positive when it carries any label of the group.

Example:
    >>> from pipeline.labelset import load_labelset
    >>> m = evaluate([["wd_denial"], []], [["wd_denial"], ["wd_denial"]], load_labelset())
    >>> m["labels"]["wd_denial"]["f1"], m["macro_f1"], m["groups"]["withdrawal"]["support"]
    (0.6667, 0.6667, 1)
"""

from __future__ import annotations

from pipeline.labelset import LabelSet


def prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    """Precision, recall and F1 (0 where undefined), rounded to 4 places."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
        "support": tp + fn,
        "predicted": tp + fp,
    }


def _score(gold: list[set[str]], pred: list[set[str]], key: str) -> dict[str, float | int]:
    tp = sum(key in g and key in p for g, p in zip(gold, pred, strict=True))
    fp = sum(key not in g and key in p for g, p in zip(gold, pred, strict=True))
    fn = sum(key in g and key not in p for g, p in zip(gold, pred, strict=True))
    return prf(tp, fp, fn)


def _macro(scores: dict[str, dict[str, float | int]]) -> float:
    f1s = [s["f1"] for s in scores.values() if s["support"]]
    return round(sum(f1s) / len(f1s), 4) if f1s else 0.0


def evaluate(gold: list[list[str]], pred: list[list[str]], labelset: LabelSet) -> dict[str, object]:
    """Score predicted label lists against gold ones (one list per unit, same order)."""
    g = [set(x) for x in gold]
    p = [set(x) for x in pred]
    labels = {lab: _score(g, p, lab) for lab in labelset.ids}
    to_group = {lab.id: lab.group for lab in labelset.labels}
    gg = [{to_group[x] for x in s} for s in g]
    pg = [{to_group[x] for x in s} for s in p]
    groups = {grp: _score(gg, pg, grp) for grp in labelset.group_names}
    return {
        "units": len(g),
        "macro_f1": _macro(labels),
        "labels_scored": sum(1 for s in labels.values() if s["support"]),
        "groups_macro_f1": _macro(groups),
        "labels": labels,
        "groups": groups,
    }
