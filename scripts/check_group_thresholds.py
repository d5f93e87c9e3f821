"""Do group thresholds help on sessions they were not tuned on? Answered on dev alone, without test.

The dev split's sessions are dealt into two halves (alternately, in corpus order); thresholds are
tuned on one half and scored on the other, both ways, with label thresholds alone and with label
plus group thresholds (:mod:`pipeline.model.thresholds`). Prints the mean held-out macro-F1 of each.

    python scripts/check_group_thresholds.py --model models/default --corpus data/corpus
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

from pipeline.model import load_model, load_training_data  # noqa: E402
from pipeline.model.metrics import evaluate  # noqa: E402
from pipeline.model.thresholds import decide_ids, tune_decision  # noqa: E402


def tables(clf, sessions):
    probs = clf.probabilities([ts.session for ts in sessions])
    gold = [
        np.array([[lab in labels for lab in clf.labelset.ids] for labels in ts.unit_labels])
        for ts in sessions
    ]
    applies = [np.array([clf._applies[u.role] for u in ts.session.utterances]) for ts in sessions]
    return probs, gold, applies


def held_out(clf, sessions, groups: bool) -> dict[str, float]:
    probs, gold, applies = tables(clf, sessions)
    halves = [list(range(0, len(sessions), 2)), list(range(1, len(sessions), 2))]
    scores = []
    for tune, score in (halves, halves[::-1]):
        cat = lambda xs, idx: np.concatenate([xs[i] for i in idx])  # noqa: E731
        th = tune_decision(cat(probs, tune), cat(gold, tune), cat(applies, tune), clf.labelset, 2, groups)
        pred = decide_ids(cat(probs, score), cat(applies, score), *th, clf.labelset)
        ids = clf.labelset.ids
        g = [[ids[j] for j in np.flatnonzero(row)] for row in cat(gold, score)]
        scores.append(evaluate(g, pred, clf.labelset))
    return {k: round(float(np.mean([s[k] for s in scores])), 4) for k in ("groups_macro_f1", "macro_f1")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None)
    ap.add_argument("--corpus", default="data/corpus")
    args = ap.parse_args()
    clf = load_model(args.model)
    dev = [ts for ts in load_training_data(args.corpus) if ts.split == "dev"]
    for groups in (False, True):
        r = held_out(clf, dev, groups)
        name = "label + group thresholds" if groups else "label thresholds only  "
        print(
            f"{name}  held-out dev: groups macro-F1 {r['groups_macro_f1']:.4f}  "
            f"labels macro-F1 {r['macro_f1']:.4f}"
        )


if __name__ == "__main__":
    main()
